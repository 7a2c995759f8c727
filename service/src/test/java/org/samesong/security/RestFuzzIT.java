package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.security.Exemplars.Call;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.LogCapture;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * Fuzzes every endpoint of the REST API (enumerated from the resource model) with random and
 * mutated requests built from a valid one ({@link Exemplars}): mutated and random JSON bodies,
 * bodies that are not JSON, other content types, bodies where none belongs, hostile path values and
 * query strings, and other callers' tokens or none. Every answer must be below 500 and free of
 * stack traces; every refusal carries the uniform error body, the servlet container's own refusals
 * of request targets it will not route included. Nothing may be logged at ERROR, and the server
 * works normally afterwards.
 *
 * <p>The seed is printed; {@code -Dfuzz.seed=<seed>} replays the same requests.
 */
class RestFuzzIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  static final Duration BUDGET = Duration.ofSeconds(30);
  static final int MAX_PER_ENDPOINT = 400;

  private static final List<String> CONTENT_TYPES =
      List.of(
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/xml",
          "multipart/form-data; boundary=xyz",
          "application/json; charset=utf-16",
          "application/json; charset=nonsense",
          "application/octet-stream",
          "*/*",
          "application/",
          ";;;");

  private static final List<String> ACCEPTS =
      List.of("text/html", "application/xml", "*/*", "application/json;q=0", "nonsense/");

  @Test
  void random_requests_to_every_endpoint_get_no_server_error_and_refusals_in_the_error_shape() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.printf("REST fuzz seed %d (replay with -Dfuzz.seed=%d)%n", seed, seed);
    Random random = new Random(seed);
    JsonFuzzer fuzzer = new JsonFuzzer(random, 64 * 1024);
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    int requests = 0;

    try (Exemplars exemplars = new Exemplars(APP);
        LogCapture log = LogCapture.attach()) {
      SessionFixtures fx = exemplars.fixtures();
      Host other = fx.newSession();
      Guest otherGuest = fx.guest(other);
      List<String> otherTokens =
          new ArrayList<>(
              List.of(
                  fx.adminToken(),
                  fx.userToken(),
                  other.token(),
                  otherGuest.token(),
                  otherGuest.joined().text("refresh_token"),
                  "garbage",
                  other.token() + "x"));
      otherTokens.add(null);

      List<Endpoint> endpoints = Endpoints.of(APP);
      List<Call> valid = new ArrayList<>();
      Set<String> names = new LinkedHashSet<>();
      for (Endpoint e : endpoints) {
        Call call = exemplars.valid(e);
        valid.add(call);
        if (call.body() != null) {
          JsonFuzzer.parse(call.body()).fieldNames().forEachRemaining(names::add);
        }
      }
      names.addAll(List.of("type", "id", "status", "q", "limit", "offset"));
      List<String> fieldNames = List.copyOf(names);

      long perEndpoint = BUDGET.toNanos() / endpoints.size();
      long started = System.nanoTime();
      for (Call call : valid) {
        long until = System.nanoTime() + perEndpoint;
        List<ObjectNode> templates =
            List.of(call.body() == null ? JsonFuzzer.object() : JsonFuzzer.parse(call.body()));
        for (int n = 0; n < MAX_PER_ENDPOINT && System.nanoTime() < until; n++) {
          Request r = mutate(call, random, fuzzer, templates, fieldNames, otherTokens);
          RawHttp.Response response = r.send();
          requests++;
          statuses.merge(response.status(), 1, Integer::sum);
          String problem = problem(r, response);
          if (problem != null) {
            failures.add(r + " → " + problem);
          }
        }
      }
      System.out.printf(
          "REST fuzz: %d requests to %d endpoints in %.1f s, statuses %s%n",
          requests, endpoints.size(), (System.nanoTime() - started) / 1e9, statuses);

      assertThat(failures).as("answers to fuzzed requests (seed %d)", seed).isEmpty();
      assertThat(log.errors()).as("errors logged while fuzzing (seed %d)", seed).isEmpty();
    }

    // and the server works as before
    SessionFixtures fx = SessionFixtures.of(APP);
    APP.clock().advance(Duration.ofMinutes(1));
    Host host = fx.newSession();
    Guest guest = fx.guest(host);
    try (WsClient ws =
        WsClient.connectOk(APP.getLocalPort(), host.sessionId(), guest.token()).client()) {
      assertThat(fx.addItem(host, fx.track(0))).isNotBlank();
      ws.awaitType("playlist_update");
    }
  }

  /** One fuzzed request, as it goes on the wire. */
  private record Request(
      String method, String target, String token, String contentType, String accept, byte[] body) {
    RawHttp.Response send() {
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      head.append("Host: localhost\r\nConnection: close");
      if (accept != null) {
        head.append("\r\nAccept: ").append(accept);
      }
      if (token != null) {
        head.append("\r\nAuthorization: Bearer ").append(token);
      }
      if (contentType != null) {
        head.append("\r\nContent-Type: ").append(contentType);
      }
      if (body != null) {
        head.append("\r\nContent-Length: ").append(body.length);
      }
      return RawHttp.exchange(APP.getLocalPort(), head.toString(), body);
    }

    @Override
    public String toString() {
      String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
      return method
          + " "
          + (target.length() > 150 ? target.substring(0, 150) + "…" : target)
          + " ["
          + contentType
          + "] "
          + (text.length() > 200 ? text.substring(0, 200) + "…(" + text.length() + ")" : text);
    }
  }

  private static Request mutate(
      Call call,
      Random random,
      JsonFuzzer fuzzer,
      List<ObjectNode> templates,
      List<String> fieldNames,
      List<String> otherTokens) {
    String token =
        random.nextInt(10) < 7 ? call.token() : otherTokens.get(random.nextInt(otherTokens.size()));
    String path = call.path();
    if (!call.values().isEmpty() && random.nextInt(100) < 15) {
      List<String> params = new ArrayList<>(call.values().keySet());
      String param = params.get(random.nextInt(params.size()));
      path = call.withParam(param, hostileValue(random, fuzzer)).path();
    }
    if (random.nextInt(100) < 15) {
      String base = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      path = base + "?" + randomQuery(random, fuzzer, fieldNames);
    }
    String contentType = "application/json";
    if (random.nextInt(100) < 15) {
      contentType =
          random.nextInt(5) == 0 ? null : CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
    }
    String accept =
        random.nextInt(100) < 8 ? ACCEPTS.get(random.nextInt(ACCEPTS.size())) : "application/json";
    String body;
    int pick = random.nextInt(100);
    boolean bodyless = Set.of("GET", "HEAD", "DELETE").contains(call.method());
    if (bodyless && pick < 80) {
      body = null;
    } else if (pick < 12) {
      body = call.body();
    } else if (pick < 60) {
      body = fuzzer.mutate(templates.get(0), fieldNames);
    } else if (pick < 85) {
      body = fuzzer.next(templates, fieldNames);
    } else if (pick < 92) {
      body = null;
    } else if (pick < 96) {
      body = "";
    } else {
      body = JsonFuzzer.write(fuzzer.randomValue(6, fieldNames)).repeat(1 + random.nextInt(50));
    }
    return new Request(
        call.method(),
        "/api" + path,
        token,
        body == null && random.nextBoolean() ? null : contentType,
        accept,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private static String hostileValue(Random random, JsonFuzzer fuzzer) {
    if (random.nextBoolean()) {
      return PathTraversalIT.HOSTILE.get(random.nextInt(PathTraversalIT.HOSTILE.size()));
    }
    String text =
        random.nextBoolean() ? fuzzer.oddText() : fuzzer.randomText(1 + random.nextInt(40));
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String randomQuery(Random random, JsonFuzzer fuzzer, List<String> names) {
    List<String> pairs = new ArrayList<>();
    for (int i = random.nextInt(4); i >= 0; i--) {
      String name =
          random.nextBoolean() ? names.get(random.nextInt(names.size())) : fuzzer.randomText(3);
      String value =
          switch (random.nextInt(4)) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> fuzzer.oddText();
            case 2 -> "9".repeat(1 + random.nextInt(30));
            default -> fuzzer.randomText(random.nextInt(20));
          };
      pairs.add(
          URLEncoder.encode(name, StandardCharsets.UTF_8)
              + "="
              + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    return String.join("&", pairs);
  }

  /** Null when the answer is acceptable; else what is wrong with it. */
  private static String problem(Request r, RawHttp.Response response) {
    String leak = Refusals.leak(response.text());
    if (leak != null) {
      return leak + ": " + response;
    }
    if (Refusals.leavesApi(r.target())) {
      // dot segments took the request out of the API: not its answer to judge (see Refusals)
      return Refusals.OUTSIDE_API.contains(response.status()) ? null : "status " + response;
    }
    if (response.status() >= 500) {
      return "status " + response;
    }
    if (response.status() < 400) {
      return null;
    }
    String shape = Refusals.errorShape(r.method(), response);
    return shape == null ? null : shape + ": " + response;
  }
}
