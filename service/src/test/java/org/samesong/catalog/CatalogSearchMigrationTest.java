package org.samesong.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
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
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.samesong.app.Migrator;
import org.samesong.media.stream.StreamSigner;
import org.samesong.testing.MutableClock;
import org.samesong.testing.Services;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestDatabase.Kind;

/**
 * Tracks catalogued before the search index existed (changelog 004) are found by it after the
 * migration: the changeset backfills sort keys and the word index the way the service writes them.
 */
class CatalogSearchMigrationTest {
  /** The changesets before 004-catalog-search.xml: 001 (2), 002 (7), 003 (1). */
  private static final int BEFORE_SEARCH_INDEX = 10;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void tracks_from_before_the_index_are_found_after_the_migration(Kind kind) throws Exception {
    String schema =
        kind == Kind.POSTGRES ? "m_" + UUID.randomUUID().toString().substring(0, 8) : "";
    DataSource ds = kind == Kind.H2 ? h2() : postgres(schema);
    try (Connection keepAlive = ds.getConnection()) {
      migrateUpTo(ds, BEFORE_SEARCH_INDEX);
      try (Statement s = keepAlive.createStatement()) {
        insert(s, "a", "Harvest Moon", "Neil Young", "Harvest Moon", null);
        insert(s, "b", "Über Alles", null, "Ärger", null);
        insert(s, "c", "Gone Song", "Neil Young", "Harvest", 5L);
        insert(s, "d", "x".repeat(70) + "needle", "Someone", null, null);
        insert(s, "e", "apple", "Zed", "Fruit  Bowl", null);
      }

      Migrator.migrate(ds);

      MutableClock clock = new MutableClock();
      CatalogService catalog =
          new CatalogService(
              Jdbi.create(ds).installPlugin(new SqlObjectPlugin()),
              new StreamSigner("a stream secret for the migration test".getBytes(), clock),
              clock);
      assertThat(catalog.search("neil moon", 20, 0).items())
          .extracting(Track::title)
          .containsExactly("Harvest Moon");
      assertThat(catalog.search("ärger über", 20, 0).items())
          .extracting(Track::title)
          .containsExactly("Über Alles");
      assertThat(catalog.search("needle", 20, 0).total()).isEqualTo(1);
      assertThat(catalog.search("bowl fruit", 20, 0).total()).isEqualTo(1);
      assertThat(catalog.search("gone", 20, 0).total()).as("removed before").isZero();
      Page all = catalog.search("", 20, 0);
      assertThat(all.total()).isEqualTo(4);
      assertThat(all.items())
          .extracting(Track::title)
          .containsExactly("apple", "Harvest Moon", "x".repeat(70) + "needle", "Über Alles");

      // and the index goes on from there
      catalog.upsertLibraryTrack(
          java.nio.file.Path.of("/music/new.mp3"), "Moonage", "Bowie", null, 1, "audio/mpeg", 1, 1);
      assertThat(catalog.search("moon", 20, 0).items())
          .extracting(Track::title)
          .containsExactly("Harvest Moon", "Moonage");
    } finally {
      if (kind == Kind.POSTGRES) {
        try (Connection c = DriverManager.getConnection(base(), "postgres", "");
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  private static void insert(
      Statement s, String id, String title, String artist, String album, Long removedAt)
      throws Exception {
    String text =
        CatalogService.searchText(title, artist, album).toLowerCase(Locale.ROOT).replace("'", "''");
    s.executeUpdate(
        "INSERT INTO tracks (id, title, artist, album, duration_ms, source, media_type, location,"
            + " location_hash, search_text, created_at, updated_at, removed_at) VALUES ("
            + String.join(
                ", ",
                q(id),
                q(title),
                q(artist),
                q(album),
                "1000",
                q("library"),
                q("audio/mpeg"),
                q("/music/" + id + ".mp3"),
                q("hash-" + id),
                "'" + text + "'",
                "1",
                "1",
                removedAt == null ? "NULL" : removedAt.toString())
            + ")");
  }

  private static String q(String value) {
    return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
  }

  private static void migrateUpTo(DataSource ds, int changesets) throws Exception {
    try (Connection c = ds.getConnection()) {
      Database database =
          DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      Scope.child(
          Scope.Attr.resourceAccessor.name(),
          new ClassLoaderResourceAccessor(CatalogSearchMigrationTest.class.getClassLoader()),
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
