package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Requests that Jetty refuses before the application sees them (a request target with bad
 * percent-encoding or an ambiguous encoding, a target or headers too large, a missing, repeated or
 * malformed header) get the API's uniform error body when they were aimed at {@code /api}, with a
 * fitting status and code, a sentence of the server's own, and no HTML page or stack trace; a HEAD
 * gets the headers alone. Jetty's closing of a connection whose request it could not read stays as
 * it is. Outside {@code /api} (the web UI's paths) the container answers in its own way.
 */
class ContainerRefusalsIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("bad percent-encoding", "GET /api/%zz", "Host: localhost", 400, "bad_request"),
        Arguments.of(
            "an incomplete percent-encoding",
            "POST /api/auth/login%",
            "Host: localhost",
            400,
            "bad_request"),
        Arguments.of("a NUL in the path", "GET /api/x%00", "Host: localhost", 400, "bad_request"),
        Arguments.of(
            "an encoded slash", "GET /api/time%2Fx", "Host: localhost", 400, "bad_request"),
        Arguments.of(
            "encoded dot segments",
            "DELETE /api/sessions/%2e%2e/%2e%2e/etc",
            "Host: localhost",
            400,
            "bad_request"),
        Arguments.of(
            "a parameter on a dot segment",
            "PATCH /api/admin/..;/users",
            "Host: localhost",
            400,
            "bad_request"),
        Arguments.of("a backslash", "PUT /api/x%5c..%5cy", "Host: localhost", 400, "bad_request"),
        Arguments.of("bad UTF-8", "GET /api/%c0%ae%c0%ae", "Host: localhost", 400, "bad_request"),
        Arguments.of(
            "a target too long",
            "GET /api/catalog/tracks?q=" + "a".repeat(20_000),
            "Host: localhost",
            414,
            "uri_too_long"),
        Arguments.of(
            "headers too large",
            "GET /api/time",
            "Host: localhost\r\nX-Padding: " + "a".repeat(20_000),
            431,
            "headers_too_large"),
        Arguments.of("no Host", "GET /api/time", "Accept: application/json", 400, "bad_request"),
        Arguments.of("a bad Host", "GET /api/time", "Host: bad host", 400, "bad_request"),
        Arguments.of(
            "the API's path percent-encoded",
            "GET /%61pi/time",
            "Host: bad host",
            400,
            "bad_request"),
        Arguments.of("two Hosts", "POST /api/auth/login", "Host: a\r\nHost: b", 400, "bad_request"),
        Arguments.of(
            "a header line without a colon",
            "GET /api/time",
            "Host: localhost\r\nnot a header",
            400,
            "bad_request"),
        Arguments.of(
            "an unknown HTTP version",
            "GET /api/time HTTP/7.0",
            "Host: localhost",
            505,
            "http_version_not_supported"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void a_refusal_of_the_container_under_api_is_in_the_error_body(
      String what, String requestLine, String headers, int status, String code) throws Exception {
    RawHttp.Response response = exchange(requestLine, headers);

    assertThat(response.status()).as("%s: %s", what, response).isEqualTo(status);
    assertThat(response.header("content-type")).as(what).startsWith("application/json");
    assertThat(Refusals.errorShape(response.header("content-type"), response.text()))
        .as("%s: %s", what, response)
        .isNull();
    JsonNode error = JSON.readTree(response.text()).get("error");
    assertThat(error.get("code").asText()).as(what).isEqualTo(code);
    assertThat(error.get("message").asText())
        .as("%s: the server's own sentence", what)
        .doesNotContainIgnoringCase("exception")
        .doesNotContain("org.", "jetty", "<", "\n");
    assertThat(response.text()).doesNotContainIgnoringCase("<html");
    assertThat(Refusals.leak(response.text())).isNull();
  }

  @Test
  void the_message_says_what_is_wrong_with_the_target() throws Exception {
    JsonNode slash = JSON.readTree(exchange("GET /api/time%2Fx", "Host: localhost").text());
    JsonNode tooLong =
        JSON.readTree(exchange("GET /api/" + "a".repeat(20_000), "Host: localhost").text());

    assertThat(slash.at("/error/message").asText())
        .startsWith("the request target is not valid")
        .contains("encoded slash");
    assertThat(tooLong.at("/error/message").asText()).contains("too long");
  }

  @Test
  void a_head_gets_the_status_and_a_json_content_type_without_a_body() {
    RawHttp.Response response = exchange("HEAD /api/time%2Fx", "Host: localhost");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("content-type")).startsWith("application/json");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void a_connection_whose_request_jetty_could_not_read_is_still_closed() {
    // none asks for the close: Jetty chooses it for what it could not read, not for an answer
    assertThat(keptOpen("GET /api/time", "Host: localhost").header("connection")).isNull();
    assertThat(keptOpen("GET /api/time%2Fx", "Host: localhost").header("connection"))
        .isEqualToIgnoringCase("close");
    assertThat(
            keptOpen("GET /api/time", "Host: localhost\r\nX-Padding: " + "a".repeat(20_000))
                .header("connection"))
        .isEqualToIgnoringCase("close");
    assertThat(keptOpen("GET /api/time", "Host: a\r\nHost: b").header("connection"))
        .isEqualToIgnoringCase("close");
  }

  @Test
  void outside_api_the_container_answers_as_before() {
    RawHttp.Response ui = exchange("GET /player%2Fx", "Host: localhost");
    RawHttp.Response leftApi = exchange("GET /api/../x%2Fy", "Host: localhost");

    for (RawHttp.Response response : new RawHttp.Response[] {ui, leftApi}) {
      assertThat(response.status()).as("%s", response).isEqualTo(400);
      assertThat(response.header("content-type")).as("%s", response).startsWith("text/html");
      assertThat(response.text()).contains("<html").doesNotContain("\"error\"");
    }
  }

  @Test
  void a_request_line_that_cannot_be_read_at_all_gets_the_error_body_wherever_it_was_aimed() {
    // Jetty keeps nothing of such a target: the API's body is the one answer it can give
    RawHttp.Response response = exchange("GET /player/%zz", "Host: localhost");

    assertThat(response.status()).isEqualTo(400);
    assertThat(Refusals.errorShape(response.header("content-type"), response.text())).isNull();
  }

  /**
   * Sends {@code requestLine} (with {@code HTTP/1.1} unless it names a version) and {@code headers}
   * as they are, asking for the connection to close after the answer.
   */
  private static RawHttp.Response exchange(String requestLine, String headers) {
    return keptOpen(requestLine, headers + "\r\nConnection: close");
  }

  /** The same, without asking for the connection to close. */
  private static RawHttp.Response keptOpen(String requestLine, String headers) {
    String line = requestLine.contains(" HTTP/") ? requestLine : requestLine + " HTTP/1.1";
    return RawHttp.exchange(APP.getLocalPort(), line + "\r\n" + headers, null);
  }
}
