package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.sync.ws.SyncEndpoint;
import org.samesong.testing.LogCapture;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * Fuzzes the sync WebSocket with at least 100,000 random and mutated frames (see {@link
 * JsonFuzzer}; about 1% binary) from the guests of one session and from the host of another, over
 * real connections. A connection sends a burst the flood limit admits, then a ping whose pong shows
 * that the server has handled everything before it, and reconnects; every tenth keeps sending until
 * the server closes it with 4429.
 *
 * <p>Nothing may fail on the server's side: no {@code internal_error}, no frame that is not JSON or
 * that carries a stack trace, every {@code error} in its shape, no connection closed other than by
 * the fuzzing connection's own flood, nothing logged at ERROR. The fuzzed session's host and a
 * bystander guest, who send nothing, stay connected, get no {@code error}, and keep hearing the
 * session afterwards; its playlist and playback, which guests cannot change, are unchanged, and so
 * is the bystander's pending request, although the other session's host tries to decide it.
 *
 * <p>Frames stay within the 16 KiB a message may have (beyond it the connection closes with 1009,
 * see {@link OversizedIT}). The seed is printed; {@code -Dfuzz.seed=<seed>} replays the same frames
 * on each connection.
 */
class WebSocketFuzzIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  static final int TARGET_FRAMES = 100_000;
  static final Duration BUDGET = Duration.ofSeconds(80);
  static final int GUEST_FUZZERS = 5;

  /** Frames per connection before the barrier ping: within the burst the flood limit admits. */
  static final int BURST = 55;

  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final Map<String, Long> errorCodes = new ConcurrentHashMap<>();
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong floodFrames = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong floodCloses = new AtomicLong();

  /** Who fuzzes: a token, the session, the messages it may validly send. */
  private record Fuzzer(String name, String sessionId, String token, List<ObjectNode> valid) {}

  @Test
  void random_and_mutated_frames_cause_no_server_error_and_disturb_no_one_else() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.printf("WebSocket fuzz seed %d (replay with -Dfuzz.seed=%d)%n", seed, seed);
    SessionFixtures fx = SessionFixtures.of(APP);
    // each guest's valid requests go through until its burst is spent, then are rate limited
    fx.settings(Map.of("guest_request_burst", 20, "guest_requests_per_minute", 20));

    Host a = fx.newSession();
    List<String> itemsA = fx.addItems(a, 3);
    Guest bystander = fx.guest(a);
    String requestA = fx.requestAdd(bystander, fx.track(1));
    Host b = fx.newSession();
    List<String> itemsB = fx.addItems(b, 2);
    Guest guestB = fx.guest(b);
    List<String> requestsB = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      requestsB.add(fx.requestAdd(guestB, fx.track(i % fx.tracks().size())));
    }

    WsClient hostA = WsClient.connectOk(APP.getLocalPort(), a.sessionId(), a.token()).client();
    WsClient bystanderA =
        WsClient.connectOk(APP.getLocalPort(), a.sessionId(), bystander.token()).client();
    String before = unchangeable(fx, a, requestA);

    List<ObjectNode> guestMessages = guestMessages(fx, itemsA, requestA);
    List<ObjectNode> hostMessages = hostMessages(fx, itemsB, requestsB, requestA, itemsA);
    List<String> fieldNames = fieldNames(guestMessages, hostMessages);
    List<Fuzzer> fuzzers = new ArrayList<>();
    for (int i = 0; i < GUEST_FUZZERS; i++) {
      fuzzers.add(new Fuzzer("guest " + i, a.sessionId(), fx.guest(a).token(), guestMessages));
    }
    fuzzers.add(new Fuzzer("host of B", b.sessionId(), b.token(), hostMessages));

    long started = System.nanoTime();
    long deadline = started + BUDGET.toNanos();
    try (LogCapture log = LogCapture.attach()) {
      ExecutorService pool = Executors.newFixedThreadPool(fuzzers.size());
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < fuzzers.size(); i++) {
        Fuzzer f = fuzzers.get(i);
        Random random = new Random(seed + i);
        running.add(
            pool.submit(
                () ->
                    fuzz(
                        f,
                        new JsonFuzzer(random, SyncEndpoint.MAX_MESSAGE_BYTES),
                        fieldNames,
                        deadline)));
      }
      for (Future<?> f : running) {
        f.get(BUDGET.toSeconds() + 30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "WebSocket fuzz: %d frames handled (+%d sent while flooding) on %d connections (%d closed"
              + " 4429 for flooding) in %.1f s; errors by code %s%n",
          frames.get(),
          floodFrames.get(),
          connections.get(),
          floodCloses.get(),
          seconds,
          new TreeMap<>(errorCodes));

      assertThat(failures).as("what went wrong while fuzzing (seed %d)", seed).isEmpty();
      assertThat(frames.get())
          .as("frames handled within %s", BUDGET)
          .isGreaterThanOrEqualTo(TARGET_FRAMES);
      assertThat(floodCloses.get()).as("flooding connections closed 4429").isPositive();
      assertThat(log.errors()).as("errors logged while fuzzing").isEmpty();
    }

    // the members who sent nothing were not disturbed and still hear the session
    for (WsClient listener : List.of(hostA, bystanderA)) {
      assertThat(listener.isClosed()).as("%s closed", listener).isFalse();
      assertThat(listener.received("error")).as("errors to a member who sent nothing").isEmpty();
    }
    assertThat(unchangeable(fx, a, requestA))
        .as("session A's playlist, playback and earlier request")
        .isEqualTo(before);
    assertThat(fx.command(a, "play").status()).isEqualTo(200);
    for (WsClient listener : List.of(hostA, bystanderA)) {
      listener.awaitType("playback_state", m -> "playing".equals(m.path("state").asText()), "play");
      assertThat(listener.ping(1).path("type").asText()).isEqualTo("pong");
      listener.close();
    }
    // the fuzzed guests' requests are theirs and undecided
    for (JsonNode r : fx.requests(a.sessionId(), a.token(), null)) {
      if (!r.path("request_id").asText().equals(requestA)) {
        assertThat(r.path("status").asText()).as("request %s", r).isEqualTo("pending");
        assertThat(r.path("requested_by").asText()).isNotEqualTo(bystander.memberId());
      }
    }
  }

  /** What guests cannot change: the playlist, the playback state and a request's status. */
  private static String unchangeable(SessionFixtures fx, Host a, String request) {
    JsonNode requests = fx.requests(a.sessionId(), a.token(), null);
    return fx.playlist(a).toString()
        + fx.playback(a).toString()
        + SessionFixtures.statuses(requests).get(request);
  }

  private void fuzz(Fuzzer f, JsonFuzzer fuzzer, List<String> fieldNames, long deadline) {
    Random random = fuzzer.random();
    int perFuzzer = TARGET_FRAMES / (GUEST_FUZZERS + 1) + 1;
    long mine = 0;
    for (int cycle = 0; mine < perFuzzer && System.nanoTime() < deadline; cycle++) {
      boolean flood = cycle % 10 == 9;
      List<String> sent = new ArrayList<>();
      WsClient ws;
      try {
        ws = WsClient.connect(APP.getLocalPort(), f.sessionId(), f.token());
        ws.awaitType("hello");
      } catch (AssertionError | RuntimeException e) {
        failures.add(f.name() + ": cannot connect (cycle " + cycle + "): " + e);
        return;
      }
      connections.incrementAndGet();
      try {
        for (int i = 0; i < BURST; i++) {
          if (random.nextInt(100) == 0) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            ws.sendBinary(ByteBuffer.wrap(bytes));
            sent.add("<binary " + bytes.length + " bytes>");
          } else {
            String text = fuzzer.next(f.valid(), fieldNames);
            ws.sendText(text);
            sent.add(text);
          }
        }
        if (!flood) {
          ws.ping(-1_000_000.5 - cycle);
          frames.addAndGet(sent.size());
          mine += sent.size();
          ws.close();
        } else {
          frames.addAndGet(sent.size());
          mine += sent.size();
          // the burst left a few admitted; beyond those (and what refills meanwhile) it closes
          for (int i = 0; i < 60 && !ws.isClosed(); i++) {
            try {
              ws.sendText(fuzzer.next(f.valid(), fieldNames));
              floodFrames.incrementAndGet();
            } catch (IllegalStateException closedWhileSending) {
              break;
            }
          }
          WsClient.Close close = ws.awaitClose();
          if (close.code() == 4429) {
            floodCloses.incrementAndGet();
          } else {
            failures.add(f.name() + ": a flood closed with " + close + ", not 4429");
          }
        }
      } catch (AssertionError | RuntimeException e) {
        failures.add(
            f.name()
                + " (cycle "
                + cycle
                + "): "
                + e.getMessage()
                + (ws.isClosed() ? "; closed " + ws.awaitClose() : "")
                + "; last frames "
                + last(sent, 3));
        ws.close();
      }
      check(f, ws.received(), sent);
    }
  }

  /** What every frame from the server must be. */
  private void check(Fuzzer f, List<JsonNode> received, List<String> sent) {
    for (JsonNode m : received) {
      String type = m.path("type").asText();
      String text = m.toString();
      if ("<not json>".equals(type)) {
        failures.add(f.name() + ": a frame that is not JSON: " + m.path("text").asText());
      } else if (Refusals.leak(text) != null) {
        failures.add(
            f.name() + ": " + Refusals.leak(text) + " in " + text + "; sent " + last(sent, 3));
      } else if ("error".equals(type)) {
        String code = m.path("code").asText();
        errorCodes.merge(code, 1L, Long::sum);
        if (code.isBlank() || m.path("message").asText().isBlank()) {
          failures.add(f.name() + ": an error without code or message: " + text);
        }
        if ("internal_error".equals(code)) {
          failures.add(f.name() + ": internal_error " + text + "; sent " + last(sent, 5));
        }
      }
      if (!m.path("seq").isIntegralNumber() || !m.path("server_time").isIntegralNumber()) {
        failures.add(f.name() + ": a frame without seq or server_time: " + text);
      }
    }
  }

  private static List<String> last(List<String> sent, int n) {
    return sent.subList(Math.max(0, sent.size() - n), sent.size()).stream()
        .map(s -> s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + ")" : s)
        .toList();
  }

  // --- valid messages, the material of the mutations -------------------------------------------

  private static List<ObjectNode> guestMessages(
      SessionFixtures fx, List<String> items, String request) {
    String track = fx.track(0).id();
    return List.of(
        JsonFuzzer.object("type", "ping", "client_time", 1234.5),
        JsonFuzzer.object(
            "type", "sync_ack", "track_id", track, "position_ms", 1000.25, "drift_ms", 1.5),
        JsonFuzzer.object(
            "type",
            "request_playlist_change",
            "action",
            "add",
            "track_id",
            track,
            "position",
            1,
            "note",
            "please",
            "ref",
            "r1"),
        JsonFuzzer.object(
            "type", "request_playlist_change", "action", "add", "url", "http://127.0.0.1:9/a.mp3"),
        JsonFuzzer.object(
            "type",
            "request_playlist_change",
            "action",
            "move",
            "item_id",
            items.get(2),
            "position",
            0),
        JsonFuzzer.object(
            "type", "request_playlist_change", "action", "remove", "item_id", items.get(0)),
        // host messages, which a guest may not send
        JsonFuzzer.object("type", "playback_command", "action", "play", "ref", "p"),
        JsonFuzzer.object("type", "approve_request", "request_id", request),
        JsonFuzzer.object("type", "deny_request", "request_id", request, "reason", "no"));
  }

  private static List<ObjectNode> hostMessages(
      SessionFixtures fx,
      List<String> items,
      List<String> requests,
      String otherSessionsRequest,
      List<String> otherSessionsItems) {
    List<ObjectNode> m = new ArrayList<>();
    m.add(JsonFuzzer.object("type", "ping", "client_time", 99.0));
    m.add(
        JsonFuzzer.object(
            "type", "sync_ack", "track_id", fx.track(1).id(), "position_ms", 5.0, "drift_ms", -3));
    for (String action : List.of("play", "pause", "seek", "skip_next", "skip_prev")) {
      m.add(
          JsonFuzzer.object(
              "type", "playback_command", "action", action, "position_ms", 1500, "ref", action));
    }
    for (String request : requests) {
      m.add(JsonFuzzer.object("type", "approve_request", "request_id", request));
      m.add(JsonFuzzer.object("type", "deny_request", "request_id", request, "reason", "later"));
    }
    // another session's request and items: refused, never decided from here
    m.add(JsonFuzzer.object("type", "approve_request", "request_id", otherSessionsRequest));
    m.add(JsonFuzzer.object("type", "deny_request", "request_id", otherSessionsRequest));
    m.add(
        JsonFuzzer.object(
            "type",
            "request_playlist_change",
            "action",
            "remove",
            "item_id",
            otherSessionsItems.get(0)));
    m.add(
        JsonFuzzer.object(
            "type",
            "request_playlist_change",
            "action",
            "move",
            "item_id",
            items.get(0),
            "position",
            1));
    return m;
  }

  private static List<String> fieldNames(List<ObjectNode> a, List<ObjectNode> b) {
    Set<String> names = new LinkedHashSet<>();
    for (List<ObjectNode> list : List.of(a, b)) {
      for (ObjectNode o : list) {
        o.fieldNames().forEachRemaining(names::add);
      }
    }
    return List.copyOf(names);
  }
}
