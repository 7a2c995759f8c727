package org.samesong.common;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line: a failure that is ours. Logs it once with an id and answers 500 with that id and
 * no stack trace. A busy or unreachable database is not ours: 503 with {@code Retry-After} ({@link
 * DatabaseTrouble}).
 */
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable e) {
    Optional<ApiException> trouble = DatabaseTrouble.of(e, "a request");
    if (trouble.isPresent()) {
      return Errors.response(trouble.get());
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("unexpected failure {}", id, e);
    return Errors.response(
        500, "internal_error", "the server failed (error " + id + "); it has been logged", null);
  }
}
