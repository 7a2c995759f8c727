package org.samesong.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** The one error shape of the API: {@code {"error": {"code", "message", "field"?}}}. */
@Schema(description = "The one error body of the API.")
public record ErrorBody(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Detail error) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(name = "ErrorDetail")
  public record Detail(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "Stable and machine-readable, e.g. `not_found`.")
          String code,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "What a person can act on.")
          String message,
      @Schema(description = "The input that is wrong, when there is one.") String field) {}

  public static ErrorBody of(String code, String message, String field) {
    return new ErrorBody(new Detail(code, message, field));
  }
}
