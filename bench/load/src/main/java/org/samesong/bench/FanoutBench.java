package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Fan-out benchmark of bench/run-fanout.sh: S sessions, L guests spread evenly over them, one
 * WebSocket per guest plus one host WebSocket per session. During the measured window a
 * {@code playback_command} (play/pause, alternating, so the state flips) goes every interval to the
 * next session in turn over the host's own WebSocket; every listener notes when the
 * {@code playback_state} carrying the new state arrives. Latency = arrival − send, both
 * System.nanoTime in this JVM. Other playback_state messages are the heartbeats.
 */
public final class FanoutBench {
  // ---- options
  static Args.Server server;
  static int listeners = 10_000;
  static int sessions = 1_000;
  static int durationS = 60;
  static int intervalMs = 50;
  static int rampPerS = 500;
  static int joinConcurrency = 32;
  static int clients = 4;
  static int connectWaitS = 120;
  static int settleS = 5;
  static Path phaseFile;

  static HttpClient[] httpClients;
  static final AtomicLong seqCounter = new AtomicLong();

  /** One command in flight per session. */
  record Cmd(long id, String expected, long sentNanos, AtomicInteger received, int listeners) {}

  static final class Room {
    final int index;
    String id;
    String code;
    String hostToken;
    volatile String state = "paused";
    volatile Cmd current;
    final List<Listener> members = new ArrayList<>();
    Listener host;

    Room(int index) {
      this.index = index;
    }
  }

  static final Recorder deliveries = new Recorder(3_600_000_000L, 3);
  static final Recorder allReceived = new Recorder(3_600_000_000L, 3);
  static final AtomicLong deliveriesMeasured = new AtomicLong();
  static final AtomicLong deliveriesExpected = new AtomicLong();
  static final AtomicLong sessionsComplete = new AtomicLong();
  static final AtomicLong heartbeatsInWindow = new AtomicLong();
  static final AtomicLong messagesReceived = new AtomicLong();
  static final AtomicInteger hellos = new AtomicInteger();
  static final AtomicInteger connectFailures = new AtomicInteger();
  static final AtomicInteger closedEarly = new AtomicInteger();
  static final Map<String, AtomicInteger> closeCodes = new ConcurrentHashMap<>();
  static volatile long windowStart = Long.MAX_VALUE;
  static volatile long windowEnd = Long.MAX_VALUE;
  static volatile boolean stopping;
  static final CountDownLatch[] helloLatch = new CountDownLatch[1];

  /** One WebSocket (a guest, or the host of its room). */
  static final class Listener implements WebSocket.Listener {
    final Room room;
    final boolean isHost;
    final String token;
    volatile WebSocket ws;
    long lastCmd = -1;
    boolean helloSeen;
    StringBuilder partial;

    Listener(Room room, boolean isHost, String token) {
      this.room = room;
      this.isHost = isHost;
      this.token = token;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      this.ws = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long now = System.nanoTime();
      if (!last) {
        if (partial == null) {
          partial = new StringBuilder();
        }
        partial.append(data);
      } else {
        String text;
        if (partial != null) {
          partial.append(data);
          text = partial.toString();
          partial = null;
        } else {
          text = data.toString();
        }
        try {
          handle(text, now);
        } catch (RuntimeException e) {
          System.err.println("bad message: " + e + " " + text.substring(0, Math.min(200, text.length())));
        }
      }
      webSocket.request(1);
      return null;
    }

    private void handle(String text, long now) {
      messagesReceived.incrementAndGet();
      String type = field(text, "type");
      if ("playback_state".equals(type)) {
        if (isHost) {
          return;
        }
        String state = field(text, "state");
        Cmd c = room.current;
        if (c != null && c.expected.equals(state) && lastCmd != c.id) {
          lastCmd = c.id;
          long micros = (now - c.sentNanos) / 1000;
          deliveries.recordValue(Math.max(0, micros));
          deliveriesMeasured.incrementAndGet();
          if (c.received.incrementAndGet() == c.listeners) {
            allReceived.recordValue(Math.max(0, micros));
            sessionsComplete.incrementAndGet();
          }
        } else if (now >= windowStart && now < windowEnd) {
          heartbeatsInWindow.incrementAndGet();
        }
      } else if ("hello".equals(type) && !helloSeen) {
        helloSeen = true;
        if (isHost) {
          try {
            JsonNode ps = Rest.JSON.readTree(text).path("playback_state");
            room.state = ps.path("state").asText("paused");
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
        hellos.incrementAndGet();
        helloLatch[0].countDown();
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (!stopping) {
        closedEarly.incrementAndGet();
        closeCodes.computeIfAbsent(String.valueOf(statusCode), k -> new AtomicInteger()).incrementAndGet();
      }
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (!stopping) {
        closedEarly.incrementAndGet();
        closeCodes.computeIfAbsent(error.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
      }
    }
  }

  /** The string value of a top-level-ish field, by scanning (the server writes compact JSON). */
  static String field(String text, String name) {
    String key = "\"" + name + "\":\"";
    int i = text.indexOf(key);
    if (i < 0) {
      return null;
    }
    int from = i + key.length();
    int to = text.indexOf('"', from);
    return to < 0 ? null : text.substring(from, to);
  }

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    server = a.server();
    listeners = a.integer("--listeners", listeners);
    sessions = a.integer("--sessions", sessions);
    durationS = a.integer("--duration", durationS);
    intervalMs = a.integer("--interval-ms", intervalMs);
    rampPerS = a.integer("--ramp", rampPerS);
    joinConcurrency = a.integer("--join-concurrency", joinConcurrency);
    clients = a.integer("--clients", clients);
    connectWaitS = a.integer("--connect-wait", connectWaitS);
    settleS = a.integer("--settle", settleS);
    phaseFile = a.path("--phase-file", null);
    a.rejectUnknown();
    if (sessions > listeners) {
      sessions = listeners;
    }
    httpClients = new HttpClient[clients];
    for (int i = 0; i < clients; i++) {
      ExecutorService ex =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "ws-client");
                t.setDaemon(true);
                return t;
              });
      httpClients[i] = HttpClient.newBuilder().executor(ex).connectTimeout(Duration.ofSeconds(30)).build();
    }
    Rest rest = new Rest(httpClients[0], server.base(), Duration.ofSeconds(60));
    long t0 = System.nanoTime();

    // ---- admin: login, limits, a track
    String admin = rest.login(server.adminUser(), server.adminPassword());
    ObjectNode settings = Rest.JSON.createObjectNode();
    settings.put("joins_per_ip_per_minute", 1_000_000);
    settings.put("max_guests_per_session", 100_000);
    settings.put("logins_per_minute", 1_000_000);
    settings.put("resync_interval_ms", 10_000);
    rest.expect("PATCH", "/api/admin/settings", admin, settings, 200);
    JsonNode tracks = rest.expect("GET", "/api/catalog/tracks?limit=5", admin, null, 200);
    JsonNode track = tracks.path("items").get(0);
    String trackId = track.path("id").asText();
    System.out.printf("track %s (%s, duration_ms %s)%n", trackId, track.path("title").asText(), track.path("duration_ms").asText());

    // ---- sessions, each with the track in its playlist
    Room[] rooms = new Room[sessions];
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    AtomicInteger restErrors = new AtomicInteger();
    for (int i = 0; i < sessions; i++) {
      Room r = new Room(i);
      rooms[i] = r;
      gate.acquire();
      pending.add(
          rest.callAsync("POST", "/api/sessions", admin, Map.of("name", "fanout-" + i))
              .thenCompose(
                  created -> {
                    JsonNode s = created.expect(201, "creating a session");
                    r.id = s.path("id").asText();
                    r.code = s.path("code").asText();
                    r.hostToken = s.path("host_token").asText();
                    return rest.callAsync("POST", "/api/sessions/" + r.id + "/playlist", r.hostToken, Map.of("track_id", trackId));
                  })
              .thenApply(added -> added.expect(201, "adding the track"))
              .whenComplete(
                  (x, e) -> {
                    gate.release();
                    if (e != null) {
                      restErrors.incrementAndGet();
                      System.err.println("session setup failed: " + e);
                    }
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    pending.clear();
    long t1 = System.nanoTime();
    System.out.printf("sessions: %d created in %.1f s (%d errors)%n", sessions, (t1 - t0) / 1e9, restErrors.get());

    // ---- joins, spread evenly
    Listener[] guests = new Listener[listeners];
    int joinErrors0 = restErrors.get();
    for (int g = 0; g < listeners; g++) {
      Room r = rooms[g % sessions];
      int gi = g;
      gate.acquire();
      pending.add(
          rest.callAsync("POST", "/api/sessions/" + r.code + "/join", null, Map.of("display_name", "listener-" + g))
              .thenApply(joined -> joined.expect(200, "joining"))
              .whenComplete(
                  (j, e) -> {
                    gate.release();
                    if (e != null) {
                      if (restErrors.incrementAndGet() < 5) {
                        System.err.println("join failed: " + e);
                      }
                    } else {
                      guests[gi] = new Listener(r, false, j.path("token").asText());
                    }
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    pending.clear();
    long t2 = System.nanoTime();
    System.out.printf("joins: %d in %.1f s (%.0f/s, %d errors)%n", listeners, (t2 - t1) / 1e9, listeners / ((t2 - t1) / 1e9), restErrors.get() - joinErrors0);

    // ---- WebSockets: hosts first, then the listeners, ramped
    List<Listener> all = new ArrayList<>();
    for (Room r : rooms) {
      r.host = new Listener(r, true, r.hostToken);
      all.add(r.host);
    }
    for (Listener l : guests) {
      if (l != null) {
        l.room.members.add(l);
        all.add(l);
      }
    }
    helloLatch[0] = new CountDownLatch(all.size());
    String wsBase = server.base().replaceFirst("^http", "ws");
    Semaphore handshakes = new Semaphore(256);
    long rampStart = System.nanoTime();
    long stepNanos = 1_000_000_000L / rampPerS;
    for (int i = 0; i < all.size(); i++) {
      Listener l = all.get(i);
      long due = rampStart + i * stepNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      handshakes.acquire();
      httpClients[i % clients]
          .newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .buildAsync(URI.create(wsBase + "/ws/sessions/" + l.room.id + "?token=" + l.token), l)
          .whenComplete(
              (ws, e) -> {
                handshakes.release();
                if (e != null && connectFailures.incrementAndGet() < 5) {
                  System.err.println("connect failed: " + e);
                }
              });
    }
    long rampEnd = System.nanoTime();
    boolean allHello = helloLatch[0].await(connectWaitS, TimeUnit.SECONDS);
    long t3 = System.nanoTime();
    System.out.printf(
        "websockets: %d of %d reached hello (%d hosts + %d listeners attempted) in %.1f s (ramp %.1f s at %d/s); %d connect failures, %d closed%s%n",
        hellos.get(), all.size(), sessions, all.size() - sessions, (t3 - rampStart) / 1e9, (rampEnd - rampStart) / 1e9, rampPerS,
        connectFailures.get(), closedEarly.get(), allHello ? "" : " (gave up waiting)");
    System.out.printf("settling %d s (member_update of the last connects)%n", settleS);
    Thread.sleep(settleS * 1000L);

    // ---- measured window
    phase("measure");
    long cpu0 = server.pid() > 0 ? Proc.cpuTicks(server.pid()) : -1;
    long self0 = Proc.cpuTicks(ProcessHandle.current().pid());
    long msg0 = messagesReceived.get();
    windowStart = System.nanoTime();
    windowEnd = windowStart + durationS * 1_000_000_000L;
    deliveries.reset();
    allReceived.reset();
    int sent = 0;
    int sendErrors = 0;
    long next = windowStart;
    int k = 0;
    List<Cmd> cmds = new ArrayList<>();
    while (System.nanoTime() < windowEnd) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      next += intervalMs * 1_000_000L;
      Room r = rooms[k++ % sessions];
      if (r.host.ws == null || r.members.isEmpty()) {
        continue;
      }
      String action = "playing".equals(r.state) ? "pause" : "play";
      String expected = "play".equals(action) ? "playing" : "paused";
      int n = 0;
      for (Listener l : r.members) {
        if (l.helloSeen) {
          n++;
        }
      }
      Cmd c = new Cmd(seqCounter.incrementAndGet(), expected, System.nanoTime(), new AtomicInteger(), n);
      r.current = c;
      r.state = expected;
      try {
        r.host.ws.sendText("{\"type\":\"playback_command\",\"action\":\"" + action + "\"}", true).get(5, TimeUnit.SECONDS);
        sent++;
        cmds.add(c);
        deliveriesExpected.addAndGet(n);
      } catch (Exception e) {
        sendErrors++;
      }
    }
    long windowNanos = System.nanoTime() - windowStart;
    // the last commands' deliveries: a short grace period
    Thread.sleep(2000);
    long cpu1 = server.pid() > 0 ? Proc.cpuTicks(server.pid()) : -1;
    long self1 = Proc.cpuTicks(ProcessHandle.current().pid());
    long msg1 = messagesReceived.get();
    phase("done");

    Latency each = Latency.of(deliveries.getIntervalHistogram(), 1000.0);
    Latency whole = Latency.of(allReceived.getIntervalHistogram(), 1000.0);
    long incomplete = cmds.stream().filter(c -> c.received.get() < c.listeners).count();
    int connectedListeners = (int) all.stream().filter(l -> !l.isHost && l.helloSeen).count();
    double minutes = windowNanos / 60e9;
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("listeners_requested", listeners);
    out.put("sessions", sessions);
    out.put("listeners_connected", connectedListeners);
    out.put("hosts_connected", (int) all.stream().filter(l -> l.isHost && l.helloSeen).count());
    out.put("connect_failures", connectFailures.get());
    out.put("closed_early", closedEarly.get());
    out.put("close_codes", new HashMap<>(closeCodes));
    out.put("window_s", windowNanos / 1e9);
    out.put("commands_sent", sent);
    out.put("command_send_errors", sendErrors);
    out.put("deliveries_measured", deliveriesMeasured.get());
    out.put("deliveries_expected", deliveriesExpected.get());
    out.put("p50_ms", each.p50());
    out.put("p95_ms", each.p95());
    out.put("p99_ms", each.p99());
    out.put("p999_ms", each.p999());
    out.put("max_ms", each.max());
    out.put("mean_ms", each.mean());
    out.put("session_all_p50_ms", whole.p50());
    out.put("session_all_p99_ms", whole.p99());
    out.put("session_all_max_ms", whole.max());
    out.put("sessions_incomplete", incomplete);
    out.put("heartbeats_per_listener_per_min", connectedListeners == 0 ? 0 : heartbeatsInWindow.get() / (double) connectedListeners / minutes);
    out.put("messages_received_in_window", msg1 - msg0);
    if (server.pid() > 0) {
      out.put("server_cpu_s", (cpu1 - cpu0) / (double) server.clkTck());
      out.put("server_cores", (cpu1 - cpu0) / (double) server.clkTck() / ((windowNanos + 2e9) / 1e9));
    }
    out.put("loadgen_cpu_s", (self1 - self0) / (double) server.clkTck());
    out.put("loadgen_cores", (self1 - self0) / (double) server.clkTck() / ((windowNanos + 2e9) / 1e9));

    System.out.printf("%n== fan-out: %d listeners (+%d host sockets) over %d sessions%n", connectedListeners, sessions, sessions);
    System.out.printf("commands sent: %d (one every %d ms over %.1f s, via the host's WebSocket), %d send errors%n", sent, intervalMs, windowNanos / 1e9, sendErrors);
    System.out.printf("deliveries measured/expected: %d / %d; sessions not fully reached: %d%n", deliveriesMeasured.get(), deliveriesExpected.get(), incomplete);
    System.out.printf(
        "delivery latency per listener: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  (mean %.2f)%n",
        each.p50(), each.p95(), each.p99(), each.p999(), each.max(), each.mean());
    System.out.printf(
        "all listeners of the session reached: p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", whole.p50(), whole.p99(), whole.max());
    System.out.printf("heartbeats per listener per minute: %.2f (6 expected at resync_interval_ms 10000)%n", out.get("heartbeats_per_listener_per_min"));
    if (server.pid() > 0) {
      System.out.printf("server CPU in the window (+2 s grace): %.1f s = %.2f cores%n", out.get("server_cpu_s"), out.get("server_cores"));
    }
    System.out.printf("load generator CPU in the window: %.1f s = %.2f cores%n", out.get("loadgen_cpu_s"), out.get("loadgen_cores"));
    System.out.printf("connections closed early: %d %s%n", closedEarly.get(), closeCodes);
    String jsonPath = System.getProperty("fanout.json");
    if (jsonPath != null) {
      Rest.writeJson(Path.of(jsonPath), out);
    }

    // ---- close everything
    stopping = true;
    for (Listener l : all) {
      if (l.ws != null) {
        l.ws.abort();
      }
    }
    System.exit(0);
  }

  static void phase(String p) {
    if (phaseFile == null) {
      return;
    }
    try {
      Files.writeString(phaseFile, p + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // not essential
    }
  }
}
