package org.samesong.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import java.lang.annotation.Annotation;

/**
 * Gives an error response that has no body the uniform error body. Jersey refuses some requests
 * before any exception mapper sees them (a {@code Content-Type} or {@code Accept} header it cannot
 * parse is a bare 400), and the servlet container would then write its own error page, or nothing.
 */
public class ErrorBodyFilter implements ContainerResponseFilter {
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    int status = response.getStatus();
    if (status < 400 || response.hasEntity()) {
      return;
    }
    String message =
        status == 400
            ? "the request is malformed (a header such as Content-Type or Accept cannot be read)"
            : Errors.defaultMessage(status);
    response.setEntity(
        ErrorBody.of(Errors.codeFor(status), message, null),
        new Annotation[0],
        MediaType.APPLICATION_JSON_TYPE);
  }
}
