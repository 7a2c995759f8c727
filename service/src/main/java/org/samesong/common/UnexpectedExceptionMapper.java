package org.samesong.common;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line: a failure that is ours. Logs it once with an id and answers 500 with that id and
 * no stack trace.
 */
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    if (isContention(e)) {
      return Response.fromResponse(
              Errors.response(503, "busy", "the session is busy; try again in a moment", null))
          .header("Retry-After", "1")
          .build();
    }
    if (DatabaseDown.is(e)) {
      // not a bug of ours: the health check says so, and a stack trace per request would bury
      // the log
      DatabaseDown.note("a request", e);
      return Errors.response(DatabaseDown.refusal());
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("unexpected failure {}", id, e);
    return Errors.response(
        500, "internal_error", "the server failed (error " + id + "); it has been logged", null);
  }

  /** Lock timeouts, deadlocks and serialisation failures: retryable, not a server failure. */
  private static boolean isContention(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
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
