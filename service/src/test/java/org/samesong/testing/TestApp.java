package org.samesong.testing;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Config overrides that run the real application on free ports against a test database. */
public final class TestApp {
  /** A 48-byte test secret, so tests do not write one into a data folder they share. */
  public static final String JWT_SECRET = "test-secret-test-secret-test-secret-test-secret!";

  private TestApp() {}

  /** Path of the repository's config.yml, as the README's run command uses it. */
  /** A fresh data folder for an application under test. */
  public static Path newDataDir() {
    try {
      return java.nio.file.Files.createTempDirectory("samesong-it-");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String configPath() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (p.resolve("config.yml").toFile().isFile() && p.resolve("mvnw").toFile().isFile()) {
        return p.resolve("config.yml").toString();
      }
    }
    return ResourceHelpers.resourceFilePath("config.yml");
  }

  public static ConfigOverride[] overrides(TestDatabase db, Path dataDir, ConfigOverride... more) {
    return overrides(() -> db, () -> dataDir, more);
  }

  /**
   * The same overrides, read when the application starts: for a database or data folder that is
   * created only then (e.g. by a JUnit extension's {@code beforeAll}, where a missing PostgreSQL
   * skips the class instead of failing its initialisation).
   */
  public static ConfigOverride[] overrides(
      Supplier<TestDatabase> db, Supplier<Path> dataDir, ConfigOverride... more) {
    List<ConfigOverride> list = new ArrayList<>();
    list.add(ConfigOverride.config("dataDir", () -> dataDir.get().toString()));
    list.add(ConfigOverride.config("database.url", () -> db.get().url()));
    list.add(ConfigOverride.config("database.user", () -> db.get().user()));
    list.add(ConfigOverride.config("database.password", () -> db.get().password()));
    list.add(ConfigOverride.config("jwt.secret", JWT_SECRET));
    list.add(ConfigOverride.config("server.applicationConnectors[0].port", "0"));
    list.add(ConfigOverride.config("server.adminConnectors[0].port", "0"));
    list.add(ConfigOverride.config("logging.level", "WARN"));
    list.addAll(List.of(more));
    return list.toArray(ConfigOverride[]::new);
  }
}
