package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.security.Exemplars.Call;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * A {@code Content-Type} or {@code Accept} header that cannot be parsed, a header line that is not
 * one, or a second {@code Host}, on every endpoint (enumerated from the resource model), is 400 in
 * the uniform error body like any other bad input (HEAD: no body, a JSON content type), and changes
 * nothing. (Found by {@link RestFuzzIT}: Jersey refused such requests before any exception mapper,
 * and the servlet container wrote its own error page, or nothing; the last two Jetty refuses before
 * any of the application runs.)
 */
class MalformedHeadersIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  static final List<String> MALFORMED =
      List.of(
          "Content-Type: ;;;",
          "Content-Type: application/",
          "Content-Type: /json",
          "Content-Type: application/json; charset",
          "Accept: nonsense/",
          "Accept: ;;;",
          "Accept: application/json;q=x",
          "X Spaced Name: 1",
          "Host: second.example");

  private static Exemplars exemplars;

  @BeforeAll
  static void world() {
    exemplars = new Exemplars(APP);
  }

  @AfterAll
  static void close() {
    exemplars.close();
  }

  @Test
  void a_header_that_cannot_be_parsed_is_400_in_the_error_body_everywhere_and_changes_nothing() {
    List<String> failures = new ArrayList<>();
    for (Endpoint e : Endpoints.of(APP)) {
      Call call = exemplars.valid(e);
      String before = call.state().get();
      for (String header : MALFORMED) {
        String head =
            call.method()
                + " /api"
                + call.path()
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + header
                + (call.token() == null ? "" : "\r\nAuthorization: Bearer " + call.token())
                + (call.body() == null ? "" : "\r\nContent-Length: " + call.body().length());
        RawHttp.Response response =
            RawHttp.exchange(
                APP.getLocalPort(), head, call.body() == null ? null : call.body().getBytes());
        String problem =
            response.status() != 400
                ? "status " + response.status()
                : Refusals.errorShape(e.method(), response);
        if (problem != null) {
          failures.add(e + " with " + header + ": " + problem + " " + response);
        }
      }
      assertThat(call.state().get()).as("%s after the malformed requests", e).isEqualTo(before);
    }
    assertThat(failures).isEmpty();
  }
}
