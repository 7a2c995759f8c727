package org.samesong.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one error shape of the API: {@code {"error": {"code", "message", "field"?}}}. */
public record ErrorBody(Detail error) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Detail(String code, String message, String field) {}

  public static ErrorBody of(String code, String message, String field) {
    return new ErrorBody(new Detail(code, message, field));
  }
}
