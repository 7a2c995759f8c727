package org.samesong.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCountCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.samesong.app.Migrator;
import org.samesong.testing.Services;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestDatabase.Kind;

/**
 * A database migrated before the integrations changelog (007: up to hosting together, 006) takes it
 * on the next start: its tables appear and the rows already there stay.
 */
class IntegrationsMigrationTest {
  private static final String INTEGRATIONS = "db/007-integrations.xml";

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void a_database_at_hosting_together_migrates_to_integrations(Kind kind) throws Exception {
    String schema =
        kind == Kind.POSTGRES ? "m_" + UUID.randomUUID().toString().substring(0, 8) : "";
    DataSource ds = kind == Kind.H2 ? h2() : postgres(schema);
    try (Connection keepAlive = ds.getConnection()) {
      migrateUpTo(ds, changesetsBefore(INTEGRATIONS));
      try (Statement s = keepAlive.createStatement()) {
        assertThat(count(s, "knocks")).as("hosting together ran").isZero();
        assertThat(count(s, "webhook_outbox")).as("integrations did not").isEqualTo(-1);
        s.executeUpdate(
            "INSERT INTO users (id, username, password_hash, role, created_at, updated_at)"
                + " VALUES ('22222222-2222-2222-2222-222222222222', 'host', 'x', 'user', 1, 1)");
        s.executeUpdate(
            "INSERT INTO sessions (id, code, name, owner_id, created_at)"
                + " VALUES ('11111111-1111-1111-1111-111111111111', 'ABCDEF', 'Before',"
                + " '22222222-2222-2222-2222-222222222222', 1)");
      }

      Migrator.migrate(ds);

      try (Statement s = keepAlive.createStatement()) {
        assertThat(count(s, "sessions")).isEqualTo(1);
        assertThat(count(s, "integration_tokens")).isZero();
        assertThat(count(s, "webhook_outbox")).isZero();
        assertThat(count(s, "webhook_events")).isZero();
        assertThat(count(s, "knocks")).as("hosting together's table").isZero();
      }
    } finally {
      if (kind == Kind.POSTGRES) {
        try (Connection c = DriverManager.getConnection(base(), "postgres", "");
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  /** Rows of a table, -1 when there is no such table. */
  private static long count(Statement s, String table) {
    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException none) {
      return -1;
    }
  }

  /** The changesets of the changelogs the master changelog includes before {@code file}. */
  private static int changesetsBefore(String file) throws Exception {
    Matcher include =
        Pattern.compile("<include\\s+file=\"([^\"]+)\"").matcher(read(Migrator.CHANGELOG));
    int changesets = 0;
    while (include.find()) {
      if (include.group(1).equals(file)) {
        return changesets;
      }
      Matcher set = Pattern.compile("<changeSet\\s").matcher(read(include.group(1)));
      while (set.find()) {
        changesets++;
      }
    }
    throw new AssertionError(file + " is not in " + Migrator.CHANGELOG);
  }

  private static String read(String resource) throws Exception {
    try (InputStream in =
        IntegrationsMigrationTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void migrateUpTo(DataSource ds, int changesets) throws Exception {
    try (Connection c = ds.getConnection()) {
      Database database =
          DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      Scope.child(
          Scope.Attr.resourceAccessor.name(),
          new ClassLoaderResourceAccessor(IntegrationsMigrationTest.class.getClassLoader()),
          () ->
              new CommandScope(UpdateCountCommandStep.COMMAND_NAME)
                  .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                  .addArgumentValue(UpdateCountCommandStep.CHANGELOG_FILE_ARG, Migrator.CHANGELOG)
                  .addArgumentValue(UpdateCountCommandStep.COUNT_ARG, changesets)
                  .execute());
    }
  }

  private static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:m" + UUID.randomUUID().toString().replace("-", ""));
    ds.setUser("sa");
    ds.setPassword("");
    return ds;
  }

  private static String base() {
    return "jdbc:postgresql://" + TestDatabase.PG_HOST + ":" + TestDatabase.PG_PORT + "/test";
  }

  private static DataSource postgres(String schema) throws Exception {
    Services.assume(
        Services.listening(TestDatabase.PG_HOST, TestDatabase.PG_PORT),
        "PostgreSQL on " + TestDatabase.PG_HOST + ":" + TestDatabase.PG_PORT);
    try (Connection c = DriverManager.getConnection(base(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(base() + "?currentSchema=" + schema);
    ds.setUser("postgres");
    ds.setPassword("");
    return ds;
  }
}
