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
    String code =
        switch (status) {
          case 400 -> "bad_request";
          case 401 -> "unauthorized";
          case 403 -> "forbidden";
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 406 -> "not_acceptable";
          case 413 -> "payload_too_large";
          case 415 -> "unsupported_media_type";
          default -> status >= 500 ? "internal_error" : "request_refused";
        };
    String message =
        switch (status) {
          case 403 -> "this needs another role";
          case 404 -> "no such resource";
          case 405 -> "this method is not allowed here";
          case 415 -> "send application/json";
          default -> status >= 500 ? "the server failed; it has been logged" : e.getMessage();
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
