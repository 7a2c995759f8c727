package org.samesong.common;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line: a failure that is ours. Logs it once with an id and answers 500 with that id and
 * no stack trace. A busy or unreachable database is not ours: 503 with {@code Retry-After} ({@link
 * DatabaseTrouble}); nor is a body that cannot be inflated: 400 {@code malformed_body}.
 */
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  /**
   * A body the server cannot inflate: a {@code Content-Encoding: gzip} that is no gzip, or gzip cut
   * short. Jetty's request decoder fails while the body is read, wherever that happens.
   */
  static boolean isUndecodableBody(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ZipException || t instanceof DataFormatException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Response toResponse(Throwable e) {
    Optional<ApiException> trouble = DatabaseTrouble.of(e, "a request");
    if (trouble.isPresent()) {
      return Errors.response(trouble.get());
    }
    if (isUndecodableBody(e)) {
      return Errors.response(
          400,
          "malformed_body",
          "the request body cannot be decoded: its Content-Encoding does not match its bytes"
              + " (send gzip that is whole, or no Content-Encoding)",
          "body");
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("unexpected failure {}", id, e);
    return Errors.response(
        500, "internal_error", "the server failed (error " + id + "); it has been logged", null);
  }
}
