package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.media.stream.StreamSigner;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.security.Exemplars.Call;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * Path traversal and hostile values in every path parameter of every endpoint (enumerated from the
 * running application's resource model): each request is otherwise valid (the right token, a valid
 * body, the other parameters real), and the hostile value goes on the wire exactly as written, with
 * no client normalising or re-encoding it. Every answer must be a refusal: never a 2xx (and so
 * never a file's content), never a 5xx, never a stack trace, and always the uniform error body. The
 * API refuses with 400, 403 (a stream signature that does not match), 404 or 405; most hostile
 * encodings (encoded slashes and dots, NUL, backslashes, bad UTF-8) never reach it, because the
 * servlet container refuses them first (400, 414, 431), in the same body. Only a value whose dot
 * segments lead out of {@code /api} gets the container's answer for what is not the API. See {@link
 * Refusals}.
 */
class PathTraversalIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  /** Raw request-target text: what the value looks like on the wire. */
  static final List<String> HOSTILE =
      List.of(
          "..",
          ".",
          "...",
          "../../etc/passwd",
          "..%2f..%2fetc%2fpasswd",
          "..%2F..%2F..%2Fetc%2Fpasswd",
          "%2e%2e",
          "%2e%2e%2f",
          "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
          "..%2f..%2f",
          "%00",
          "..%00",
          "x%00.wav",
          "%2e%2e%00",
          "..\\",
          "..\\..\\windows\\win.ini",
          "..%5c..%5cwindows%5cwin.ini",
          "%252e%252e%252f",
          "....//....//etc/passwd",
          "%c0%ae%c0%ae%c0%af",
          "..;",
          "..;/..;/",
          "%3b",
          "%uFF0E%uFF0E%u2215",
          "%E2%80%AE%E2%80%AE",
          "%F0%9F%8E%B5",
          new String("ünï/ćødé".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
          "%ff%fe",
          "%",
          "%zz",
          "{id}",
          "00000000-0000-0000-0000-000000000000%2f..",
          "a".repeat(300),
          "a".repeat(4_000),
          "%2e".repeat(2_000),
          "a".repeat(100_000));

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
  void every_path_parameter_refuses_traversal_and_hostile_values_without_a_500_or_content() {
    List<Endpoint> endpoints = Endpoints.of(APP);
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    int requests = 0;
    int parameters = 0;
    for (Endpoint e : endpoints) {
      if (e.params().isEmpty()) {
        continue;
      }
      Call valid = exemplars.valid(e);
      for (String param : e.params()) {
        parameters++;
        for (String hostile : HOSTILE) {
          for (Call call : variants(valid, param, hostile)) {
            RawHttp.Response response =
                RawHttp.request(
                    APP.getLocalPort(),
                    call.method(),
                    "/api" + call.path(),
                    call.token(),
                    call.body());
            requests++;
            statuses.merge(response.status(), 1, Integer::sum);
            String target = "/api" + call.path();
            String problem = Refusals.problem(response, call.method(), target);
            if (problem != null) {
              failures.add(call.method() + " " + abbreviate(call.path()) + " → " + problem);
            }
          }
        }
      }
    }
    System.out.printf(
        "path traversal: %d endpoints with %d path parameters, %d requests, statuses %s%n",
        endpoints.stream().filter(e -> !e.params().isEmpty()).count(),
        parameters,
        requests,
        statuses);
    assertThat(parameters).as("path parameters found in the resource model").isGreaterThan(5);
    assertThat(failures).as("hostile path values that were not refused cleanly").isEmpty();
  }

  /**
   * The call with {@code hostile} in place of {@code param}; for the stream, also with a valid
   * signature of the decoded value (where one can be made), so the request gets past the signature
   * check to the lookup.
   */
  private static List<Call> variants(Call valid, String param, String hostile) {
    List<Call> calls = new ArrayList<>();
    Call changed = valid.withParam(param, hostile);
    calls.add(changed);
    if (valid.endpoint().template().startsWith("/tracks/")) {
      String decoded = decode(hostile);
      try {
        String signed =
            StreamSigner.derivedFrom(
                    TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), APP.clock())
                .sign(decoded, Duration.ofHours(1));
        String query = signed.substring(signed.indexOf('?'));
        Map<String, String> values = new LinkedHashMap<>(valid.values());
        values.put(param, hostile);
        calls.add(
            new Call(
                valid.endpoint(),
                valid.endpoint().path(values::get) + query,
                values,
                valid.token(),
                valid.body(),
                valid.expected(),
                valid.state()));
      } catch (IllegalArgumentException notSignable) {
        // not a plain path segment: no signature exists for it
      }
    }
    return calls;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…(" + s.length() + " chars)" : s;
  }
}
