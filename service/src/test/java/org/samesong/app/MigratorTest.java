package org.samesong.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.testing.TestDatabase;
import org.samesong.user.PasswordHasher;
import org.samesong.user.User;
import org.samesong.user.UserService;

/**
 * Migration on start, through the same connection pool the application then works with: what it
 * leaves in the pool must not change how the application's own writes behave.
 */
class MigratorTest {

  /**
   * A pool of one connection built like the application's, so the migrating connection is reused.
   */
  private static ManagedDataSource onePool(TestDatabase db) {
    DataSourceFactory factory = new DataSourceFactory();
    factory.setUrl(db.url());
    factory.setDriverClass(
        db.kind() == TestDatabase.Kind.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
    factory.setUser(db.user());
    factory.setPassword(db.password());
    factory.setMinSize(1);
    factory.setInitialSize(1);
    factory.setMaxSize(1);
    return factory.build(new MetricRegistry(), "migrator-test");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void migrating_leaves_the_pooled_connection_in_auto_commit_mode(TestDatabase.Kind kind)
      throws Exception {
    try (TestDatabase db = kind.create()) {
      ManagedDataSource pool = onePool(db);
      try {
        Migrator.migrate(pool);

        try (Connection c = pool.getConnection()) {
          assertThat(c.getAutoCommit()).isTrue();
        }
      } finally {
        pool.stop();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void an_account_created_after_migrating_is_committed(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = kind.create()) {
      ManagedDataSource pool = onePool(db);
      String name = "after-migrate-" + UUID.randomUUID().toString().substring(0, 8);
      try {
        Migrator.migrate(pool);
        Jdbi jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin());
        new UserService(jdbi, new PasswordHasher(), Clock.systemUTC(), () -> 3)
            .create(name, "long-enough-password-Tq8vZw", User.USER);

        // another connection, outside the pool, sees only what was committed
        try (Connection other = DriverManager.getConnection(db.url(), db.user(), db.password());
            Statement s = other.createStatement();
            ResultSet rs =
                s.executeQuery("SELECT COUNT(*) FROM users WHERE username = '" + name + "'")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(1);
        }
      } finally {
        pool.stop();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void a_migrated_database_records_the_changelog_fingerprint_and_a_changed_one_migrates_again(
      TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = kind.create()) {
      var jdbi = db.jdbi();
      String stored =
          jdbi.withHandle(
              h ->
                  h.createQuery("SELECT fingerprint FROM schema_fingerprint WHERE id = 1")
                      .mapTo(String.class)
                      .one());
      assertThat(stored).isEqualTo(Migrator.fingerprint()).hasSize(64);

      // a stale fingerprint (a newer changelog than the schema) makes the next start run Liquibase
      jdbi.useHandle(
          h -> h.execute("UPDATE schema_fingerprint SET fingerprint = 'old' WHERE id = 1"));
      Migrator.migrate(db.dataSource());
      String after =
          jdbi.withHandle(
              h ->
                  h.createQuery("SELECT fingerprint FROM schema_fingerprint WHERE id = 1")
                      .mapTo(String.class)
                      .one());
      assertThat(after).isEqualTo(Migrator.fingerprint());
    }
  }
}
