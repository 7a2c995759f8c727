package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Fan-out benchmark of bench/run-fanout.sh: how host commands, joins, drops and restarts reach (or
 * burden) the listeners of a party. One JVM, JDK {@code java.net.http} WebSockets, latencies as
 * arrival − send in {@code System.nanoTime} of this JVM. Modes ({@code --mode}):
 *
 * <ul>
 *   <li>{@code rooms}: S sessions, L guests spread evenly; {@code --pattern seek} (default): every
 *       host sends one {@code seek} per second at a random moment of that second; {@code --pattern
 *       round-robin}: one play/pause every {@code --interval-ms} to the next session in turn (the
 *       harness of the results before 2026-12-07 evening).
 *   <li>{@code one-room}: one session, L guests joining within {@code --join-seconds} (REST join,
 *       then WebSocket), then {@code --seeks} seeks by the host; every listener's arrival of each.
 *   <li>{@code join-storm}: one session; guests join in waves of {@code --wave}; bytes and messages
 *       by type that already-connected guests receive, per join of someone else; one host seek in
 *       the middle of the storm.
 *   <li>{@code drop}: one session, L guests connected, then all aborted at once; {@code GET
 *       /api/time} (and a failing login) polled from a separate client; how long until the host's
 *       view of the connected members is right (WebSocket {@code member_update}s and {@code GET
 *       /api/sessions/{id}}).
 *   <li>{@code restart}: as rooms, then the script restarts the server (phase file); every socket
 *       reconnects by itself with the player's backoff; time until all have a new {@code hello} and
 *       until a command from every host reaches all of them.
 * </ul>
 *
 * <p>{@code member_update} is read as a delta (members that changed, {@code left}), which also
 * handles the full list of the older protocol: the connected count is kept in a map by member id.
 *
 * <p>This class holds the options, the state the clients and modes share, and the set-up; the modes
 * are {@link RoomsRun}, {@link OneRoomRun} (one-room and join-storm), {@link DropRun} and {@link
 * RestartRun}, built on {@link FanoutSessions} (sessions, joins, connections), {@link FanoutClient}
 * (one WebSocket) in a {@link FanoutRoom}, {@link HostCommand} (commands in flight) and {@link
 * FanoutReport} (latency, CPU and memory figures).
 */
public final class FanoutBench {
  // ---- options
  static Args.Server server;
  static String mode = "rooms";
  static int listeners = 10_000;
  static int sessions = 1_000;
  static int durationS = 60;
  static String pattern = "seek";
  static int intervalMs = 50;
  static int rampPerS = 500;
  static int joinConcurrency = 32;
  static int clients = 4;
  static int connectWaitS = 600;
  static int settleS = 5;
  static int joinSeconds = 10;
  static int seeks = 20;
  static int seekGapMs = 500;
  static int wave = 50;
  static int waveGapMs = 500;
  static int pollMs = 10;
  static int loginPollMs = 1000;
  static int sessionPollMs = 250;
  static int dropWatchS = 60;
  static int graceMs = 5000;
  static Path phaseFile;

  static HttpClient[] httpClients;
  static Rest rest;
  static String wsBase;
  static String trackId;
  static long trackDurationMs = 60_000;
  static final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread t = new Thread(r, "bench-timer");
            t.setDaemon(true);
            return t;
          });

  static final Map<String, Object> out = new LinkedHashMap<>();

  // ---- what the clients see

  static final Recorder deliveries = new Recorder(3_600_000_000L, 3);
  static final Recorder allReceived = new Recorder(3_600_000_000L, 3);
  static final AtomicLong deliveriesMeasured = new AtomicLong();
  static final AtomicLong heartbeats = new AtomicLong();
  static final AtomicLong messagesReceived = new AtomicLong();
  static final AtomicInteger hellos = new AtomicInteger();
  static final Map<String, AtomicInteger> connectOutcomes = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> closeCodes = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> hostErrors = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> joinStatuses = new ConcurrentHashMap<>();
  static final Recorder joinLatency = new Recorder(3_600_000_000L, 3);
  static final Recorder joinToHello = new Recorder(3_600_000_000L, 3);
  static volatile boolean stopping;
  static volatile boolean reconnecting;
  /**
   * A handshake not done by then is tried again. Longer than the player's 10 s (sync-engine.js
   * CONNECT_TIMEOUT_MS): the player closes a hung socket, while an attempt of Java's HttpClient
   * cannot be cancelled and keeps its socket; at 10 s the restart of 11,000 listeners ran this
   * process out of file descriptors.
   */
  static final long HANDSHAKE_TIMEOUT_S = 60;
  static volatile long heartbeatFrom = Long.MAX_VALUE;
  static volatile long heartbeatTo = Long.MAX_VALUE;
  /** join-storm: messages and payload bytes by type that guests receive after their own hello. */
  static volatile boolean counting;
  static final Map<String, LongAdder[]> byType = new ConcurrentHashMap<>();

  static void count(Map<String, AtomicInteger> m, String key) {
    m.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  // ---- main

  public static void main(String[] args) throws Exception {
    Args a = Args.orUsage(() -> Args.parse(args), "see bench/run-fanout.sh");
    server = a.server();
    mode = a.string("--mode", mode);
    boolean oneSession = mode.equals("one-room") || mode.equals("join-storm") || mode.equals("drop");
    listeners = a.integer("--listeners", mode.equals("rooms") || mode.equals("restart") ? 10_000 : 1_000);
    sessions = a.integer("--sessions", 1_000);
    if (oneSession) {
      sessions = 1;
    }
    durationS = a.integer("--duration", durationS);
    pattern = a.string("--pattern", pattern);
    intervalMs = a.integer("--interval-ms", intervalMs);
    rampPerS = a.integer("--ramp", rampPerS);
    joinConcurrency = a.integer("--join-concurrency", joinConcurrency);
    clients = a.integer("--clients", clients);
    connectWaitS = a.integer("--connect-wait", connectWaitS);
    settleS = a.integer("--settle", settleS);
    joinSeconds = a.integer("--join-seconds", joinSeconds);
    seeks = a.integer("--seeks", seeks);
    seekGapMs = a.integer("--seek-gap-ms", seekGapMs);
    wave = a.integer("--wave", wave);
    waveGapMs = a.integer("--wave-gap-ms", waveGapMs);
    pollMs = a.integer("--poll-ms", pollMs);
    loginPollMs = a.integer("--login-poll-ms", loginPollMs);
    sessionPollMs = a.integer("--session-poll-ms", sessionPollMs);
    dropWatchS = a.integer("--drop-watch", dropWatchS);
    graceMs = a.integer("--grace-ms", graceMs);
    phaseFile = a.path("--phase-file", null);
    String chatter = a.string("--chatter", "player");
    if (!chatter.equals("player") && !chatter.equals("none")) {
      throw new IllegalArgumentException("--chatter must be player or none");
    }
    if (chatter.equals("player")) {
      Chatter.start(a.integer("--ping-ms", 3_000));
    }
    Path jsonFile = a.path("--json", null);
    Args.orUsage(
        () -> {
          a.rejectUnknown();
          Args.loopbackBase(server.base());
          if (!List.of("rooms", "one-room", "join-storm", "drop", "restart").contains(mode)) {
            throw new IllegalArgumentException("--mode must be rooms, one-room, join-storm, drop or restart");
          }
          if (!List.of("seek", "round-robin").contains(pattern)) {
            throw new IllegalArgumentException("--pattern must be seek or round-robin");
          }
          return null;
        },
        "see bench/run-fanout.sh");
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
    rest = new Rest(httpClients[0], server.base(), Duration.ofSeconds(60));
    wsBase = server.base().replaceFirst("^http", "ws");
    out.put("mode", mode);
    out.put("listeners_requested", listeners);
    out.put("sessions", sessions);
    int rc;
    try {
      String admin = adminSetup();
      rc =
          switch (mode) {
            case "rooms" -> RoomsRun.run(admin);
            case "one-room" -> OneRoomRun.oneRoom(admin);
            case "join-storm" -> OneRoomRun.joinStorm(admin);
            case "drop" -> DropRun.run(admin);
            default -> RestartRun.run(admin);
          };
    } catch (Rest.SetupException e) {
      System.err.println("set-up failed: " + e.getMessage());
      out.put("setup_error", e.getMessage());
      rc = 1;
    }
    out.put("close_codes", new TreeMap<>(closeCodes));
    out.put("connect_outcomes", new TreeMap<>(connectOutcomes));
    out.put("chatter", Chatter.running() ? "player" : "none");
    out.put("chatter_pings", Chatter.pings.get());
    out.put("chatter_sync_acks", Chatter.acks.get());
    out.put("chatter_skipped", Chatter.skipped.get());
    out.put("host_errors", new TreeMap<>(hostErrors));
    System.out.printf("connect outcomes: %s; closes while not stopping: %s; host errors: %s%n", new TreeMap<>(connectOutcomes), new TreeMap<>(closeCodes), new TreeMap<>(hostErrors));
    System.out.printf(
        "listeners' own traffic (chatter %s): %d pings, %d sync_acks sent; %d turns skipped (previous send still out)%n",
        Chatter.running() ? "player: 12 pings 50 ms apart after each hello, then one every " + Chatter.pingMs + " ms, a sync_ack every 2 s" : "none",
        Chatter.pings.get(),
        Chatter.acks.get(),
        Chatter.skipped.get());
    if (jsonFile != null) {
      Rest.writeJson(jsonFile, out);
    }
    stopping = true;
    phase("done");
    System.exit(rc);
  }

  // ---- set-up

  static String adminSetup() {
    String admin = rest.login(server.adminUser(), server.adminPassword());
    ObjectNode settings = Rest.JSON.createObjectNode();
    settings.put("joins_per_ip_per_minute", 1_000_000);
    settings.put("max_guests_per_session", 1_000_000);
    settings.put("logins_per_minute", 1_000_000);
    settings.put("access_token_ttl_s", 86_400);
    settings.put("resync_interval_ms", 10_000);
    rest.expect("PATCH", "/api/admin/settings", admin, settings, 200);
    JsonNode tracks = rest.expect("GET", "/api/catalog/tracks?limit=5", admin, null, 200);
    JsonNode track = tracks.path("items").get(0);
    trackId = track.path("id").asText();
    trackDurationMs = track.path("duration_ms").asLong(60_000);
    System.out.printf("track %s (%s, duration_ms %d)%n", trackId, track.path("title").asText(), trackDurationMs);
    return admin;
  }

  /** The epoch-ms time of a {@code <name> <ms>} line the script wrote to the phase file; -1 if none yet. */
  static long phaseTime(String name) {
    if (phaseFile == null) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(phaseFile)) {
        if (line.startsWith(name + " ")) {
          return Long.parseLong(line.substring(name.length() + 1).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
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
