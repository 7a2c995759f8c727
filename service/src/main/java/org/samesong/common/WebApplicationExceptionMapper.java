package org.samesong.common;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Jersey's own refusals (unknown path, wrong method, wrong media type, role) in the uniform body.
 */
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
  @Override
  public Response toResponse(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    String code = Errors.codeFor(status);
    String message =
        switch (status) {
          case 403, 404, 405, 415 -> Errors.defaultMessage(status);
          default -> status >= 500 ? Errors.defaultMessage(status) : e.getMessage();
        };
    Response.ResponseBuilder builder =
        Response.fromResponse(Errors.response(status, code, message, null));
    String allow = e.getResponse().getHeaderString("Allow");
    if (allow != null) {
      builder.header("Allow", allow);
    }
    return builder.build();
  }
}
