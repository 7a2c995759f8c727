package org.samesong.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one HTTP response carried: status, headers and body (raw and, when it is JSON, parsed).
 * Every reply is checked on arrival for a leaked Java stack trace, so no test can overlook one.
 */
public record Reply(int status, List<String> setCookies, Response raw, String body, JsonNode json) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Reads (and closes) a response. */
  public static Reply of(Response response) {
    try (response) {
      String body = response.hasEntity() ? response.readEntity(String.class) : "";
      assertNoStackTrace(response.getStatus(), body);
      JsonNode json = MissingNode.getInstance();
      if (!body.isBlank()) {
        try {
          json = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
          // not JSON: tests that care look at body()
        }
      }
      List<String> cookies = response.getStringHeaders().getOrDefault("Set-Cookie", List.of());
      return new Reply(response.getStatus(), List.copyOf(cookies), response, body, json);
    }
  }

  public String header(String name) {
    return raw.getHeaderString(name);
  }

  /** The raw {@code Set-Cookie} header of the named cookie, if the response set it. */
  public Optional<String> setCookie(String name) {
    return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst();
  }

  /** The value a {@code Set-Cookie} header gave the named cookie. */
  public String cookieValue(String name) {
    String header =
        setCookie(name)
            .orElseThrow(
                () -> new AssertionError("no Set-Cookie for " + name + " in " + setCookies));
    String pair = header.split(";", 2)[0];
    String value = pair.substring(name.length() + 1);
    return value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
        ? value.substring(1, value.length() - 1)
        : value;
  }

  /** A text field of the JSON body. */
  public String text(String field) {
    JsonNode node = json.path(field);
    assertThat(node.isTextual()).as("%s is a string in %s", field, body).isTrue();
    return node.textValue();
  }

  /** The error's {@code code}, asserting the uniform error body on the way. */
  public String errorCode() {
    return ApiAssertions.assertUniformError(this).path("code").asText();
  }

  @Override
  public String toString() {
    return status + " " + body;
  }

  static void assertNoStackTrace(int status, String body) {
    assertThat(body)
        .as("response %s must not leak a stack trace: %s", status, body)
        .doesNotContain("at org.")
        .doesNotContain("at java.")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(body.toLowerCase(Locale.ROOT))
        .as("response body of %s", status)
        .doesNotContain("stacktrace");
  }
}
