package org.samesong.common;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Database failures that are the moment's, not the request's: contention (a lock timeout, a
 * deadlock, a serialisation failure) and an unreachable database (PostgreSQL restarting, the
 * network gone). Both become 503 with {@code Retry-After}, for REST and WebSocket alike, and are
 * not logged as server failures: the client should simply try again.
 */
public final class DatabaseTrouble {
  private DatabaseTrouble() {}

  /**
   * The 503 that {@code failure} deserves, if it is one of these; an unreachable database is noted
   * in the log ({@link DatabaseDown#note}) as met by {@code what}.
   */
  public static Optional<ApiException> of(Throwable failure, String what) {
    if (isContention(failure)) {
      return Optional.of(
          new ApiException(
              503,
              "busy",
              "the session is busy; try again in a moment",
              null,
              Map.of("Retry-After", "1")));
    }
    if (DatabaseDown.is(failure)) {
      DatabaseDown.note(what, failure);
      return Optional.of(DatabaseDown.refusal());
    }
    return Optional.empty();
  }

  private static boolean isContention(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        // PostgreSQL: serialisation failure, deadlock, lock not available; H2: lock timeout
        if (state.equals("40001")
            || state.equals("40P01")
            || state.equals("55P03")
            || state.equals("HYT00")
            || sql.getErrorCode() == 50200) {
          return true;
        }
      }
    }
    return false;
  }
}
