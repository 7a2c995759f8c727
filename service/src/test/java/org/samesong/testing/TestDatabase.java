package org.samesong.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.postgresql.ds.PGSimpleDataSource;
import org.samesong.app.Migrator;

/**
 * A fresh database migrated with the real changelog: an H2 in-memory database, or a new schema in
 * the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, user {@code postgres}), dropped
 * on close.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String PG_HOST = "127.0.0.1";
  public static final int PG_PORT = 5432;

  /** Which kind, for parameterised tests. */
  public enum Kind {
    H2,
    POSTGRES;

    public TestDatabase create() {
      return this == H2 ? h2() : postgres();
    }
  }

  private final Kind kind;
  private final String url;
  private final String user;
  private final String password;
  private final DataSource dataSource;
  private final String schema;
  private final Connection keepAlive;

  private TestDatabase(
      Kind kind,
      String url,
      String user,
      String password,
      DataSource dataSource,
      String schema,
      Connection keepAlive) {
    this.kind = kind;
    this.url = url;
    this.user = user;
    this.password = password;
    this.dataSource = dataSource;
    this.schema = schema;
    this.keepAlive = keepAlive;
  }

  /** A fresh, migrated H2 in-memory database (kept alive until {@link #close()}). */
  public static TestDatabase h2() {
    String url =
        "jdbc:h2:mem:t"
            + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE";
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    ds.setUser("sa");
    ds.setPassword("");
    try {
      Connection keepAlive = ds.getConnection();
      Migrator.migrate(ds);
      return new TestDatabase(Kind.H2, url, "sa", "", ds, null, keepAlive);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh schema in the machine's PostgreSQL; skipped (or failed when required) without one. */
  public static TestDatabase postgres() {
    Services.assume(
        Services.listening(PG_HOST, PG_PORT), "PostgreSQL on " + PG_HOST + ":" + PG_PORT);
    String schema =
        "t_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 20)
                .toLowerCase(Locale.ROOT);
    String base = "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/test";
    try (Connection c = DriverManager.getConnection(base, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a schema in PostgreSQL: " + e.getMessage(), e);
    }
    String url = base + "?currentSchema=" + schema;
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser("postgres");
    ds.setPassword("");
    Migrator.migrate(ds);
    return new TestDatabase(Kind.POSTGRES, url, "postgres", "", ds, schema, null);
  }

  public Kind kind() {
    return kind;
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** A Jdbi with the SQL-object plugin, as the application configures it. */
  public Jdbi jdbi() {
    return Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
  }

  @Override
  public void close() {
    try {
      if (keepAlive != null) {
        try (Statement s = keepAlive.createStatement()) {
          s.execute("SHUTDOWN");
        }
        keepAlive.close();
      }
      if (schema != null) {
        try (Connection c =
                DriverManager.getConnection(url.substring(0, url.indexOf('?')), user, password);
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    } catch (SQLException e) {
      // the database is gone already: nothing to clean
    }
  }

  @Override
  public String toString() {
    return kind.name();
  }
}
