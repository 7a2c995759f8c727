package org.samesong.common;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Comparator;

/** Bean-validation failures (e.g. a missing body) become 400 naming the field. */
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {
  @Override
  public Response toResponse(ConstraintViolationException e) {
    ConstraintViolation<?> first =
        e.getConstraintViolations().stream()
            .min(Comparator.comparing(v -> v.getPropertyPath().toString()))
            .orElse(null);
    if (first == null) {
      return Errors.response(400, "invalid_request", "the request is invalid", null);
    }
    String field = "body";
    for (Path.Node node : first.getPropertyPath()) {
      if (node.getKind() == jakarta.validation.ElementKind.PROPERTY
          || node.getKind() == jakarta.validation.ElementKind.PARAMETER) {
        field = node.getName();
      }
    }
    if (field.startsWith("arg") || field.equals("body")) {
      field = "body";
    }
    return Errors.response(400, "invalid_" + field, field + " " + first.getMessage(), field);
  }
}
