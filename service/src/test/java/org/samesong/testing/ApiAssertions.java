package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Assertions on what the API puts on the wire. */
public final class ApiAssertions {
  private ApiAssertions() {}

  /**
   * Asserts the one error shape of the API, {@code {"error": {"code", "message", "field"?}}},
   * served as JSON; returns the inner {@code error} object.
   */
  public static JsonNode assertUniformError(Reply reply) {
    assertThat(reply.status()).as("an error status: %s", reply).isGreaterThanOrEqualTo(400);
    assertThat(reply.header("Content-Type"))
        .as("content type of %s", reply)
        .startsWith("application/json");
    assertThat(reply.json().isObject()).as("error body is a JSON object: %s", reply).isTrue();
    assertThat(fieldNames(reply.json())).as("top level of %s", reply).containsExactly("error");
    JsonNode error = reply.json().get("error");
    assertThat(fieldNames(error)).as("error object of %s", reply).contains("code", "message");
    assertThat(fieldNames(error))
        .as("error object of %s", reply)
        .isSubsetOf("code", "message", "field");
    assertThat(error.get("code").isTextual() && !error.get("code").asText().isBlank())
        .as("code of %s", reply)
        .isTrue();
    assertThat(error.get("message").isTextual() && !error.get("message").asText().isBlank())
        .as("message of %s", reply)
        .isTrue();
    return error;
  }

  /** Asserts status and code of an error in the uniform body. */
  public static JsonNode assertError(Reply reply, int status, String code) {
    assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
    JsonNode error = assertUniformError(reply);
    assertThat(error.get("code").asText()).as("code of %s", reply).isEqualTo(code);
    return error;
  }

  /** Asserts a 400 that names the field that is wrong, in {@code field} and in the message. */
  public static JsonNode assertBadField(Reply reply, String field) {
    assertThat(reply.status()).as("status of %s", reply).isEqualTo(400);
    JsonNode error = assertUniformError(reply);
    assertThat(error.path("field").asText()).as("field of %s", reply).isEqualTo(field);
    assertThat(error.get("message").asText()).as("message of %s", reply).contains(field);
    return error;
  }

  /**
   * Compares a JSON object with expected Java values, numbers by value (so {@code 2} equals {@code
   * 2.0}); the key sets must be equal.
   */
  public static void assertJsonEquals(JsonNode actual, Map<String, Object> expected) {
    assertThat(fieldNames(actual))
        .as("keys of %s", actual)
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach(
        (key, want) -> {
          JsonNode got = actual.get(key);
          if (want instanceof Number number) {
            assertThat(got.isNumber()).as("%s is a number: %s", key, got).isTrue();
            assertThat(got.decimalValue().compareTo(new BigDecimal(number.toString())))
                .as("%s: expected %s, got %s", key, want, got)
                .isZero();
          } else if (want instanceof Boolean bool) {
            assertThat(got.isBoolean() && got.booleanValue() == bool)
                .as("%s: expected %s, got %s", key, want, got)
                .isTrue();
          } else if (want instanceof String text) {
            assertThat(got.isTextual() && got.textValue().equals(text))
                .as("%s: expected \"%s\", got %s", key, want, got)
                .isTrue();
          } else if (want instanceof List<?> list) {
            assertThat(got.isArray()).as("%s is an array: %s", key, got).isTrue();
            List<String> items = new ArrayList<>();
            got.forEach(n -> items.add(n.asText()));
            assertThat(items).as(key).isEqualTo(list);
          } else {
            throw new IllegalArgumentException("unsupported expected value " + want);
          }
        });
  }

  public static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
