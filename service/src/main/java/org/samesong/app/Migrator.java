package org.samesong.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Brings the schema up to date with the changelog of the migrations module. Liquibase costs seconds
 * of start-up even when there is nothing to do, so a hash of the changelog is kept in the database
 * and a start that finds the same hash skips it.
 */
public final class Migrator {
  public static final String CHANGELOG = "migrations.xml";

  private Migrator() {}

  public static void migrate(DataSource dataSource) {
    String fingerprint = fingerprint();
    try (Connection connection = dataSource.getConnection()) {
      if (fingerprint.equals(storedFingerprint(connection))) {
        return;
      }
      update(connection);
      storeFingerprint(connection, fingerprint);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot reach the database to migrate it: " + e.getMessage(), e);
    }
  }

  private static void update(Connection connection) {
    try {
      // Liquibase turns auto-commit off; the connection goes back to the application's pool, where
      // Jdbi would take that for an open transaction and never commit on it.
      boolean autoCommit = connection.getAutoCommit();
      try {
        Database database =
            DatabaseFactory.getInstance()
                .findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Scope.child(
            Scope.Attr.resourceAccessor.name(),
            new ClassLoaderResourceAccessor(Migrator.class.getClassLoader()),
            () ->
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .execute());
      } finally {
        if (connection.getAutoCommit() != autoCommit) {
          connection.rollback();
          connection.setAutoCommit(autoCommit);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the changelog and every file it includes. */
  static String fingerprint() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String root = read(CHANGELOG);
      digest.update(root.getBytes(StandardCharsets.UTF_8));
      Matcher include = INCLUDE.matcher(root);
      while (include.find()) {
        digest.update(read(include.group(1)).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern INCLUDE = Pattern.compile("<include\\s+file=\"([^\"]+)\"");

  private static String read(String resource) {
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("changelog file missing: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String storedFingerprint(Connection connection) {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT fingerprint FROM schema_fingerprint WHERE id = 1")) {
      return rows.next() ? rows.getString(1) : null;
    } catch (SQLException e) {
      // no such table yet: a new database, or one from before the fingerprint existed
      return null;
    }
  }

  private static void storeFingerprint(Connection connection, String fingerprint)
      throws SQLException {
    long now = System.currentTimeMillis();
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE schema_fingerprint SET fingerprint = ?, migrated_at = ? WHERE id = 1")) {
      update.setString(1, fingerprint);
      update.setLong(2, now);
      if (update.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO schema_fingerprint (id, fingerprint, migrated_at) VALUES (1, ?, ?)")) {
      insert.setString(1, fingerprint);
      insert.setLong(2, now);
      insert.executeUpdate();
    } catch (SQLException e) {
      // another instance stored it at the same moment
    }
  }
}
