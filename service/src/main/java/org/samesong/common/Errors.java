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

  public static Response response(ApiException e) {
    Response.ResponseBuilder builder =
        Response.status(e.status())
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(ErrorBody.of(e.code(), e.getMessage(), e.field()));
    e.headers().forEach(builder::header);
    return builder.build();
  }
}
