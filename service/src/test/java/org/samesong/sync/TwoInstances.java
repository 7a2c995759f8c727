package org.samesong.sync;

import io.dropwizard.testing.ConfigOverride;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.samesong.testing.Services;
import org.samesong.testing.TestDatabase;

/**
 * A cluster for tests: two instances of the application sharing one PostgreSQL database (a fresh
 * schema) and the Redis on 127.0.0.1:6379 (the tests are skipped, or fail where services are
 * required, without it).
 */
final class TwoInstances implements AutoCloseable {
  final LiveApp a;
  final LiveApp b;
  private final TestDatabase db;
  private final Path dataA;
  private final Path dataB;

  private TwoInstances(TestDatabase db, Path dataA, Path dataB, LiveApp a, LiveApp b) {
    this.db = db;
    this.dataA = dataA;
    this.dataB = dataB;
    this.a = a;
    this.b = b;
  }

  static TwoInstances start(String prefix) throws Exception {
    Services.assume(Services.listening("127.0.0.1", 6379), "Redis on 127.0.0.1:6379");
    TestDatabase db = TestDatabase.postgres();
    Path dataA = Files.createTempDirectory(prefix + "a-");
    Path dataB = Files.createTempDirectory(prefix + "b-");
    ConfigOverride[] shared = {
      ConfigOverride.config("database.url", db.url()),
      ConfigOverride.config("database.user", db.user()),
      ConfigOverride.config("database.password", db.password()),
      ConfigOverride.config("redisUrl", "redis://127.0.0.1:6379")
    };
    LiveApp a = LiveApp.start(Clock.systemUTC(), dataA, shared);
    LiveApp b = LiveApp.start(Clock.systemUTC(), dataB, shared);
    return new TwoInstances(db, dataA, dataB, a, b);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, db}) {
      if (c != null) {
        c.close();
      }
    }
    LiveApp.deleteTree(dataA);
    LiveApp.deleteTree(dataB);
  }
}
