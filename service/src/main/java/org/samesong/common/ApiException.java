package org.samesong.common;

import java.util.Map;

/**
 * A refusal with a status, a stable machine-readable code and a message a person can act on. Every
 * feature throws this for bad input, missing rows and conflicts; {@link ApiExceptionMapper} turns
 * it into the uniform error body of the API.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;
  private final Map<String, String> headers;

  public ApiException(
      int status, String code, String message, String field, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = Map.copyOf(headers);
  }

  public ApiException(int status, String code, String message) {
    this(status, code, message, null, Map.of());
  }

  /** 400 naming the field that is wrong, e.g. {@code badRequest("username", "is required")}. */
  public static ApiException badRequest(String field, String problem) {
    return new ApiException(400, "invalid_" + field, field + " " + problem, field, Map.of());
  }

  public static ApiException badRequest(String code, String field, String message) {
    return new ApiException(400, code, message, field, Map.of());
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  public static ApiException tooManyRequests(long retryAfterSeconds, String message) {
    return new ApiException(
        429,
        "rate_limited",
        message,
        null,
        Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
