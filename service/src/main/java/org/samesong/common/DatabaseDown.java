package org.samesong.common;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a failure of the database's connection (stopped, restarting, unreachable) from a failure of
 * ours, so that every entry point (REST, WebSocket, the web UI, background work) answers "try again
 * shortly" instead of reporting a server bug.
 */
public final class DatabaseDown {
  /** What clients are told to wait before trying again (seconds). */
  public static final int RETRY_AFTER_SECONDS = 5;

  public static final String CODE = "unavailable";
  public static final String MESSAGE = "the database is unavailable; try again shortly";

  /** PostgreSQL: admin shutdown, crash shutdown, cannot connect now (the server is starting). */
  private static final Set<String> SHUTTING_DOWN = Set.of("57P01", "57P02", "57P03");

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseDown.class);
  private static final long QUIET_MS = 10_000;
  private static final AtomicLong lastWarning = new AtomicLong();

  private DatabaseDown() {}

  /**
   * Logs that the database refused {@code what}: one WARN line (no stack trace) per ten seconds,
   * the rest at debug level; during an outage every request would otherwise add its own.
   */
  public static void note(String what, Throwable failure) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= QUIET_MS && lastWarning.compareAndSet(last, now)) {
      LOG.warn("database unavailable ({}): {}", what, rootCause(failure));
    } else {
      LOG.debug("database unavailable ({}): {}", what, rootCause(failure));
    }
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }

  /**
   * Whether {@code failure} (or a cause) is a lost or refused database connection: SQL state class
   * 08 (connection exception), a PostgreSQL shutdown, or the JDBC connection exception types.
   */
  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || SHUTTING_DOWN.contains(state)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The refusal to give a caller: 503 {@code unavailable} with Retry-After. */
  public static ApiException refusal() {
    return new ApiException(
        503,
        CODE,
        MESSAGE,
        null,
        java.util.Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
  }
}
