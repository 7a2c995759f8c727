package org.samesong.common;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds error responses in the uniform body. */
public final class Errors {
  private Errors() {}

  public static Response response(int status, String code, String message, String field) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(ErrorBody.of(code, message, field))
        .build();
  }

  /** The code of a status refused by Jersey or the container, which name no code of their own. */
  public static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      default -> status >= 500 ? "internal_error" : "request_refused";
    };
  }

  /** A message for a status when there is nothing more specific to say. */
  public static String defaultMessage(int status) {
    return switch (status) {
      case 403 -> "this needs another role";
      case 404 -> "no such resource";
      case 405 -> "this method is not allowed here";
      case 406 -> "this resource answers in application/json only";
      case 415 -> "send application/json";
      case 503 ->
          "the server cannot answer right now (it is stopping or overloaded); try again in a"
              + " moment";
      default ->
          status >= 500 ? "the server failed; it has been logged" : "the request was refused";
    };
  }

  public static Response response(ApiException e) {
    Response.ResponseBuilder builder =
        Response.status(e.status())
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(ErrorBody.of(e.code(), e.getMessage(), e.field()));
    e.headers().forEach(builder::header);
    return builder.build();
  }
}
