package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertError;

import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.client.RequestEntityProcessing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * What every endpoint shares: the uniform error body, 404 and 405 for what does not exist, 413 for
 * bodies over {@code maxRequestBytes} (1 MiB), and never a stack trace or a 500 for bad input
 * ({@link Reply} checks every response body for a stack trace).
 */
class ApiErrorsIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final int MAX_REQUEST_BYTES = 1_048_576;
  private String admin;

  @BeforeEach
  void login() {
    APP.clock().advance(Duration.ofMinutes(1));
    admin = APP.sharedAdminToken();
  }

  @Test
  void an_unknown_path_under_api_is_404_in_the_uniform_body() {
    assertError(APP.get("no/such/thing", null), 404, "not_found");
    assertError(APP.get("no/such/thing", admin), 404, "not_found");
    assertError(APP.post("auth/nothing-here", Map.of(), null), 404, "not_found");
  }

  @Test
  void a_wrong_method_is_405_in_the_uniform_body() {
    Reply reply = Reply.of(APP.request("time", null).delete());

    assertError(reply, 405, "method_not_allowed");
    assertThat(reply.header("Allow")).contains("GET");
  }

  @Test
  void a_body_with_a_key_twice_is_400_whichever_value_would_have_won() {
    Reply reply =
        Reply.of(
            APP.request("auth/login", null)
                .post(
                    Entity.json(
                        "{\"username\":\"nobody\",\"username\":\"root\",\"password\":\"x\"}")));

    assertError(reply, 400, "malformed_json");
    assertThat(reply.body()).contains("username");
  }

  @Test
  void a_body_that_is_not_json_is_415_in_the_uniform_body() {
    Reply reply =
        Reply.of(
            APP.request("auth/login", null)
                .post(Entity.entity("username=root", MediaType.APPLICATION_FORM_URLENCODED)));

    assertError(reply, 415, "unsupported_media_type");
  }

  @Test
  void a_body_over_one_mebibyte_is_413() {
    String big =
        "{\"username\": \"" + "x".repeat(MAX_REQUEST_BYTES) + "\", \"password\": \"whatever\"}";

    // as a careful client sends a large body: the refusal comes before the body is sent, so the
    // client is not left writing into a connection the server has already closed
    Reply reply =
        Reply.of(
            APP.request("auth/login", null)
                .header("Expect", "100-continue")
                .post(Entity.json(big)));

    assertError(reply, 413, "payload_too_large");
    assertThat(reply.header("Connection"))
        .as("the unread rest ends the connection")
        .isEqualToIgnoringCase("close");
  }

  @Test
  void a_chunked_body_over_one_mebibyte_is_413() {
    byte[] big =
        ("{\"logins_per_minute\": 10" + " ".repeat(MAX_REQUEST_BYTES) + "}")
            .getBytes(StandardCharsets.UTF_8);
    InputStream stream = new ByteArrayInputStream(big);

    Reply reply =
        Reply.of(
            APP.request("admin/settings", admin)
                .property(
                    ClientProperties.REQUEST_ENTITY_PROCESSING, RequestEntityProcessing.CHUNKED)
                .method("PATCH", Entity.entity(stream, MediaType.APPLICATION_JSON_TYPE)));

    assertError(reply, 413, "payload_too_large");
    assertThat(reply.header("Connection"))
        .as("the unread rest ends the connection")
        .isEqualToIgnoringCase("close");
  }

  @Test
  void a_body_just_under_the_limit_is_read() {
    String padded = "{\"logins_per_minute\": 10" + " ".repeat(MAX_REQUEST_BYTES - 100) + "}";

    Reply reply = APP.patch("admin/settings", padded, admin);

    assertThat(reply.status()).isEqualTo(200);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("POST", "auth/login", "null"),
        Arguments.of("POST", "auth/login", "\"just a string\""),
        Arguments.of("POST", "auth/login", "{\"username\": [\"a\"], \"password\": {\"b\": 1}}"),
        Arguments.of(
            "POST", "auth/login", "{\"username\": \"root\", \"password\": \"x\"} trailing"),
        Arguments.of(
            "POST", "auth/login", "{\"username\": \"\\ud800\", \"password\": \"long-enough\"}"),
        Arguments.of("POST", "auth/login", "[".repeat(5_000)),
        Arguments.of("POST", "auth/refresh", "{\"refresh_token\": 12}"),
        Arguments.of("POST", "auth/refresh", "{\"refresh_token\": \"a.b.c\"}"),
        Arguments.of("POST", "auth/refresh", "{\"refresh_token\": \"" + "A".repeat(10_000) + "\"}"),
        Arguments.of(
            "POST",
            "admin/users",
            "{\"username\": \"ok-name\", \"password\": 12345678, \"role\": 1}"),
        Arguments.of(
            "POST",
            "admin/users",
            "{\"username\": \"ok-name\", \"password\": \"long-enough\", \"extra\": true, \"role\": []}"),
        Arguments.of(
            "PATCH",
            "admin/users/00000000-0000-0000-0000-000000000000",
            "{\"disabled\": \"maybe\"}"),
        Arguments.of(
            "PATCH", "admin/users/00000000-0000-0000-0000-000000000000", "{\"disabled\": true}"),
        Arguments.of("PATCH", "admin/users/%E2%82%AC", "{\"disabled\": true}"),
        Arguments.of("PATCH", "admin/settings", "{\"library_folders\": [[[[\"/x\"]]]]}"),
        Arguments.of("PATCH", "admin/settings", "{\"dead_band_ms\": 1e400}"),
        Arguments.of("PATCH", "admin/settings", "{\"logins_per_minute\": 1e2}"),
        Arguments.of("PATCH", "admin/settings", "{\"public_url\": \"http://[::1\"}"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("badRequests")
  void bad_input_is_a_4xx_in_the_uniform_body_never_a_500(String method, String path, String body) {
    Reply reply = Reply.of(APP.request(path, admin).method(method, Entity.json(body)));

    assertThat(reply.status()).as("%s", reply).isBetween(400, 499);
    assertThat(reply.errorCode()).isNotBlank();
  }
}
