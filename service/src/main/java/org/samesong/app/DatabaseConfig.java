package org.samesong.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;

/**
 * Where the data lives: an H2 file in the data folder unless {@code url} (SAMESONG_DB_URL) names
 * another database. The JDBC driver follows from the URL, so nobody has to name it.
 */
public class DatabaseConfig {
  @JsonProperty private String url = "";
  @JsonProperty private String user = "";
  @JsonProperty private String password = "";

  @Min(1)
  @JsonProperty
  private int maxConnections = 16;

  public String url() {
    return url;
  }

  /** The JDBC URL in effect: the configured one, or the H2 file under {@code dataDir}. */
  public String effectiveUrl(Path dataDir) {
    if (url != null && !url.isBlank()) {
      return url.strip();
    }
    // OPTIMIZE_REUSE_RESULTS=FALSE: H2 may otherwise answer a read taken under a row lock from a
    // cached result that predates a concurrent commit (two racing approvals both "won").
    // WRITE_DELAY=0: every commit is written to the file before it returns; by default H2 keeps
    // commits in memory for up to half a second, and a kill -9 (or an OOM kill) lost requests
    // and playback commands already acknowledged to the client (KillRestartIT)
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().normalize().resolve("samesong")
        + ";DB_CLOSE_ON_EXIT=FALSE;OPTIMIZE_REUSE_RESULTS=FALSE;WRITE_DELAY=0";
  }

  /** The same URL without credentials, to show in the admin screen and logs. */
  public String displayUrl(Path dataDir) {
    return effectiveUrl(dataDir).replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  public DataSourceFactory build(Path dataDir) {
    String jdbcUrl = effectiveUrl(dataDir);
    DataSourceFactory factory = new DataSourceFactory();
    factory.setUrl(jdbcUrl);
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      factory.setDriverClass("org.postgresql.Driver");
      factory.setValidationQuery("/* samesong health */ SELECT 1");
    } else if (jdbcUrl.startsWith("jdbc:h2:")) {
      factory.setDriverClass("org.h2.Driver");
      factory.setValidationQuery("/* samesong health */ SELECT 1");
    } else {
      throw new IllegalArgumentException(
          "unsupported database URL (use jdbc:h2: or jdbc:postgresql:): " + jdbcUrl);
    }
    factory.setUser(
        user == null || user.isBlank() ? (jdbcUrl.startsWith("jdbc:h2:") ? "sa" : null) : user);
    factory.setPassword(password == null ? "" : password);
    factory.setMaxSize(maxConnections);
    factory.setMinSize(Math.min(2, maxConnections));
    factory.setInitialSize(Math.min(2, maxConnections));
    factory.setCheckConnectionOnBorrow(true);
    // every borrowed connection is checked (one round trip, ~0.1 ms on the same machine): with
    // Dropwizard's default of once per 30 s the pool handed out connections that died in a
    // database restart after it was back, failing requests (PostgresOutageIT); a restart can take
    // well under a second, so any interval leaves such a window
    factory.setValidationInterval(io.dropwizard.util.Duration.milliseconds(0));
    return factory;
  }
}
