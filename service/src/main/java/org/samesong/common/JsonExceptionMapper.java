package org.samesong.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.stream.Collectors;

/**
 * Malformed JSON and JSON of the wrong shape are the client's fault: 400, naming the field where
 * Jackson knows it. A record that refuses a value in its compact constructor throws {@link
 * ApiException}, which Jackson wraps; that refusal is passed through as it is.
 */
public class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {
  @Override
  public Response toResponse(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return Errors.response(api);
      }
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field =
          mapping.getPath().stream()
              .map(
                  ref ->
                      ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
      String problem =
          e instanceof InvalidFormatException || e instanceof MismatchedInputException
              ? "has the wrong type"
              : "is invalid";
      return Errors.response(400, "invalid_" + field, field + " " + problem, field);
    }
    String original = e.getOriginalMessage();
    if (original != null && original.startsWith("Duplicate field '")) {
      // STRICT_DUPLICATE_DETECTION: which value would win depends on the reader, so neither does
      int end = original.indexOf('\'', 17);
      String field = end > 17 ? original.substring(17, end) : "body";
      return Errors.response(
          400, "malformed_json", "the request body has " + field + " more than once", field);
    }
    if (e instanceof MismatchedInputException) {
      return Errors.response(400, "invalid_body", "the request body has the wrong shape", "body");
    }
    return Errors.response(400, "malformed_json", "the request body is not valid JSON", "body");
  }
}
