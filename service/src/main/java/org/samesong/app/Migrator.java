package org.samesong.app;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/** Brings the schema up to date with the changelog of the migrations module. */
public final class Migrator {
  public static final String CHANGELOG = "migrations.xml";

  private Migrator() {}

  public static void migrate(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
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
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot reach the database to migrate it: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
    }
  }
}
