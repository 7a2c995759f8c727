package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
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

  // ---- commands in flight

  /** A host command and who has seen it; {@code position} ≥ 0 matches by position, else by state. */
  static final class Cmd {
    final long id;
    final long position;
    final String state;
    final long sentNanos;
    final int expected;
    final AtomicInteger received = new AtomicInteger();
    volatile long lastArrivalNanos;

    Cmd(long id, long position, String state, long sentNanos, int expected) {
      this.id = id;
      this.position = position;
      this.state = state;
      this.sentNanos = sentNanos;
      this.expected = expected;
    }
  }

  static final AtomicLong cmdIds = new AtomicLong();
  static final List<Cmd> allCmds = Collections.synchronizedList(new ArrayList<>());

  static final class Room {
    final int index;
    String id;
    String code;
    String hostToken;
    Client host;
    final List<Client> members = Collections.synchronizedList(new ArrayList<>());
    final AtomicReferenceArray<Cmd> recent = new AtomicReferenceArray<>(8);
    int recentNext;
    volatile String state = "";
    volatile long position = -1;

    Room(int index) {
      this.index = index;
    }

    synchronized void remember(Cmd c) {
      recent.set(recentNext++ % recent.length(), c);
    }

    /** A position for a seek that none of the recent commands of this room used. */
    long freshPosition() {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      long hi = Math.max(3_000, trackDurationMs - 8_000);
      while (true) {
        long p = 2_000 + rnd.nextLong(hi - 2_000);
        boolean used = false;
        for (int i = 0; i < recent.length(); i++) {
          Cmd c = recent.get(i);
          if (c != null && Math.abs(c.position - p) < 50) {
            used = true;
          }
        }
        if (!used) {
          return p;
        }
      }
    }

    /** Guests with a hello now (those a broadcast sent now must reach). */
    int connectedGuests() {
      int n = 0;
      synchronized (members) {
        for (Client c : members) {
          if (c.isOpen()) {
            n++;
          }
        }
      }
      return n;
    }
  }

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
  static final long HANDSHAKE_TIMEOUT_S = 60;
  static volatile long heartbeatFrom = Long.MAX_VALUE;
  static volatile long heartbeatTo = Long.MAX_VALUE;
  /** join-storm: messages and payload bytes by type that guests receive after their own hello. */
  static volatile boolean counting;
  static final Map<String, LongAdder[]> byType = new ConcurrentHashMap<>();

  static void count(Map<String, AtomicInteger> m, String key) {
    m.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  /** One WebSocket: a guest, or the host of its room (which also keeps the member list). */
  static final class Client implements WebSocket.Listener {
    final Room room;
    final boolean isHost;
    final String token;
    final int index;
    volatile WebSocket ws;
    volatile boolean open;
    volatile long helloNanos;
    volatile int helloCount;
    long joinedNanos;
    long lastCmdId = -1;
    StringBuilder partial;
    final AtomicBoolean reconnectPending = new AtomicBoolean();
    int attempt;
    volatile boolean serverRestarting;
    // join-storm
    long bytesCounted;
    // host: the members as the host's member_updates say
    final Map<String, Boolean> memberConnected = new HashMap<>();
    volatile int connectedMembers = -1;
    volatile long lastMemberUpdateNanos;
    final List<long[]> memberTimeline = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong memberUpdates = new AtomicLong();
    final AtomicLong memberUpdateBytes = new AtomicLong();

    Client(Room room, boolean isHost, String token, int index) {
      this.room = room;
      this.isHost = isHost;
      this.token = token;
      this.index = index;
    }

    boolean isOpen() {
      return open && helloCount > 0;
    }

    void connect() {
      reconnectPending.set(false);
      httpClients[index % clients]
          .newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .buildAsync(URI.create(wsBase + "/ws/sessions/" + room.id + "?token=" + token), this)
          // connectTimeout bounds the TCP connect only: an upgrade whose answer never comes (lost
          // in an overloaded server's backlog) would leave this client waiting for good
          .orTimeout(HANDSHAKE_TIMEOUT_S, TimeUnit.SECONDS)
          .whenComplete(
              (w, e) -> {
                if (e != null) {
                  count(connectOutcomes, describe(e));
                  retry();
                } else {
                  count(connectOutcomes, "opened");
                }
              });
    }

    void retry() {
      if (!reconnecting || stopping || !reconnectPending.compareAndSet(false, true)) {
        return;
      }
      // the player's backoff (sync-audio/backoff.js backoffDelay): 500 ms × 2^attempt up to 10 s,
      // equal jitter; up to 3 s after the server said it goes away (sync-audio.js, 1001/1012)
      long ceiling = Math.min(serverRestarting ? 3_000L : 10_000L, 500L << Math.min(attempt, 20));
      attempt++;
      long delay = ceiling / 2 + (long) (ThreadLocalRandom.current().nextDouble() * ceiling / 2);
      timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      WebSocket current = ws;
      if (open && current != null && current != webSocket) {
        // an attempt given up on (HANDSHAKE_TIMEOUT_S) that the server answered after all, while
        // a later one is open: one socket per listener, as a player has
        count(connectOutcomes, "late duplicate aborted");
        webSocket.abort();
        return;
      }
      this.ws = webSocket;
      this.open = true;
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
      if (counting && !isHost && helloCount > 0) {
        int bytes = utf8Length(text);
        LongAdder[] a = byType.computeIfAbsent(String.valueOf(type), k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(bytes);
        bytesCounted += bytes;
      }
      if ("playback_state".equals(type)) {
        long position = longField(text, "position_ms");
        String state = field(text, "state");
        if (isHost) {
          room.state = state;
          room.position = position;
          return;
        }
        if (!matched(position, state, now) && now >= heartbeatFrom && now < heartbeatTo) {
          heartbeats.incrementAndGet();
        }
      } else if ("hello".equals(type)) {
        attempt = 0;
        serverRestarting = false;
        if (isHost) {
          JsonNode h = json(text);
          JsonNode ps = h.path("playback_state");
          room.state = ps.path("state").asText("");
          room.position = ps.path("position_ms").asLong(-1);
          synchronized (memberConnected) {
            memberConnected.clear();
            applyMembers(h, now);
          }
        } else if (joinedNanos > 0 && helloCount == 0) {
          joinToHello.recordValue(Math.max(0, (now - joinedNanos) / 1000));
        }
        helloNanos = now;
        helloCount++;
        hellos.incrementAndGet();
      } else if ("member_update".equals(type)) {
        if (isHost) {
          memberUpdates.incrementAndGet();
          memberUpdateBytes.addAndGet(utf8Length(text));
          synchronized (memberConnected) {
            applyMembers(json(text), now);
          }
        }
      } else if ("error".equals(type) && isHost) {
        count(hostErrors, String.valueOf(field(text, "code")));
      }
    }

    /** Applies a member list as a delta: the members given (changed, or all in the old shape), then {@code left}. */
    private void applyMembers(JsonNode msg, long now) {
      for (JsonNode m : msg.path("members")) {
        memberConnected.put(m.path("member_id").asText(), m.path("connected").asBoolean(false));
      }
      for (JsonNode left : msg.path("left")) {
        memberConnected.remove(left.asText());
      }
      int n = 0;
      for (Boolean b : memberConnected.values()) {
        if (b) {
          n++;
        }
      }
      connectedMembers = n;
      lastMemberUpdateNanos = now;
      memberTimeline.add(new long[] {now, n});
    }

    /** Whether this playback_state is the arrival of a command of the room (recorded once per listener). */
    private boolean matched(long position, String state, long now) {
      Cmd found = null;
      for (int i = 0; i < room.recent.length(); i++) {
        Cmd c = room.recent.get(i);
        if (c == null || c.id <= lastCmdId || c.sentNanos < helloNanos) {
          continue;
        }
        boolean same = c.position >= 0 ? c.position == position : c.state.equals(state);
        if (same && (found == null || c.id < found.id)) {
          found = c;
        }
      }
      if (found == null) {
        return false;
      }
      lastCmdId = found.id;
      long micros = Math.max(0, (now - found.sentNanos) / 1000);
      deliveries.recordValue(micros);
      deliveriesMeasured.incrementAndGet();
      found.lastArrivalNanos = now;
      if (found.received.incrementAndGet() == found.expected) {
        allReceived.recordValue(micros);
      }
      return true;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (webSocket != ws) {
        return null; // a late duplicate (onOpen) or an old socket: not this listener's
      }
      open = false;
      if (!stopping) {
        count(closeCodes, String.valueOf(statusCode));
      }
      if (statusCode == 1001 || statusCode == 1012) {
        serverRestarting = true;
      }
      webSocket.abort();
      retry();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (webSocket != ws) {
        return;
      }
      open = false;
      if (!stopping) {
        count(closeCodes, error.getClass().getSimpleName());
      }
      retry();
    }

    void abort() {
      open = false;
      WebSocket w = ws;
      if (w != null) {
        w.abort();
      }
    }

    void send(String text) {
      WebSocket w = ws;
      if (w == null) {
        count(hostErrors, "send: no socket");
        return;
      }
      try {
        w.sendText(text, true).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        count(hostErrors, "send: " + e.getClass().getSimpleName());
      }
    }
  }

  static String describe(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof WebSocketHandshakeException h) {
      return "handshake HTTP " + h.getResponse().statusCode();
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof IOException && t.getCause() instanceof ConnectException) {
      return "connection refused";
    }
    return t.getClass().getSimpleName();
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  static JsonNode json(String text) {
    try {
      return Rest.JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The string value of a field, by scanning (the server writes compact JSON). */
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

  /** A whole-number field, by scanning; -1 when absent. */
  static long longField(String text, String name) {
    String key = "\"" + name + "\":";
    int i = text.indexOf(key);
    if (i < 0) {
      return -1;
    }
    int p = i + key.length();
    long v = 0;
    boolean any = false;
    while (p < text.length() && Character.isDigit(text.charAt(p))) {
      v = v * 10 + (text.charAt(p++) - '0');
      any = true;
    }
    return any ? v : -1;
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
            case "rooms" -> rooms(admin);
            case "one-room" -> oneRoom(admin);
            case "join-storm" -> joinStorm(admin);
            case "drop" -> drop(admin);
            default -> restart(admin);
          };
    } catch (Rest.SetupException e) {
      System.err.println("set-up failed: " + e.getMessage());
      out.put("setup_error", e.getMessage());
      rc = 1;
    }
    out.put("close_codes", new TreeMap<>(closeCodes));
    out.put("connect_outcomes", new TreeMap<>(connectOutcomes));
    out.put("host_errors", new TreeMap<>(hostErrors));
    System.out.printf("connect outcomes: %s; closes while not stopping: %s; host errors: %s%n", new TreeMap<>(connectOutcomes), new TreeMap<>(closeCodes), new TreeMap<>(hostErrors));
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

  static Room[] createRooms(String admin, int n) throws InterruptedException {
    long t0 = System.nanoTime();
    Room[] rooms = new Room[n];
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    AtomicInteger errors = new AtomicInteger();
    for (int i = 0; i < n; i++) {
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
                    if (e != null && errors.incrementAndGet() < 5) {
                      System.err.println("session set-up failed: " + e);
                    }
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    System.out.printf("sessions: %d created in %.1f s (%d errors)%n", n, (System.nanoTime() - t0) / 1e9, errors.get());
    if (errors.get() > 0) {
      throw new Rest.SetupException(errors.get() + " sessions could not be set up");
    }
    for (Room r : rooms) {
      r.host = new Client(r, true, r.hostToken, r.index);
    }
    return rooms;
  }

  /** A guest's REST join (status counted); the client when it got 200, else null. */
  static CompletableFuture<Client> join(Room r, int g) {
    long t = System.nanoTime();
    return rest.callAsync("POST", "/api/sessions/" + r.code + "/join", null, Map.of("display_name", "listener-" + g))
        .handle(
            (res, e) -> {
              long now = System.nanoTime();
              joinLatency.recordValue(Math.max(0, (now - t) / 1000));
              if (e != null) {
                count(joinStatuses, describe(e));
                return null;
              }
              count(joinStatuses, res.status() < 0 ? res.failure() : String.valueOf(res.status()));
              if (res.status() != 200) {
                return null;
              }
              Client c = new Client(r, false, res.body().path("token").asText(), g + sessions);
              c.joinedNanos = now;
              r.members.add(c);
              return c;
            });
  }

  /** Connects the hosts, then joins every guest (evenly over the rooms) and connects them, ramped. */
  static List<Client> populateRooms(Room[] rooms) throws InterruptedException {
    long t1 = System.nanoTime();
    Client[] guests = new Client[listeners];
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int g = 0; g < listeners; g++) {
      int gi = g;
      gate.acquire();
      pending.add(
          join(rooms[g % rooms.length], g)
              .whenComplete(
                  (c, e) -> {
                    gate.release();
                    guests[gi] = c;
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    long t2 = System.nanoTime();
    System.out.printf("joins: %d in %.1f s (%.0f/s), statuses %s%n", listeners, (t2 - t1) / 1e9, listeners / ((t2 - t1) / 1e9), new TreeMap<>(joinStatuses));
    List<Client> all = new ArrayList<>();
    for (Room r : rooms) {
      all.add(r.host);
    }
    for (Client c : guests) {
      if (c != null) {
        all.add(c);
      }
    }
    long rampStart = System.nanoTime();
    long stepNanos = 1_000_000_000L / rampPerS;
    for (int i = 0; i < all.size(); i++) {
      long wait = rampStart + i * stepNanos - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      all.get(i).connect();
    }
    boolean ok = awaitHellos(all, 1, connectWaitS * 1000L);
    long t3 = System.nanoTime();
    System.out.printf(
        "websockets: %d of %d reached hello (%d hosts + %d guests) in %.1f s (ramp at %d/s)%s%n",
        countHello(all, 1), all.size(), rooms.length, all.size() - rooms.length, (t3 - rampStart) / 1e9, rampPerS, ok ? "" : " (gave up waiting)");
    out.put("joins_s", (t2 - t1) / 1e9);
    out.put("join_statuses", new TreeMap<>(joinStatuses));
    out.put("connect_s", (t3 - rampStart) / 1e9);
    return all;
  }

  static int countHello(List<Client> all, int atLeast) {
    int n = 0;
    for (Client c : all) {
      if (c.helloCount >= atLeast) {
        n++;
      }
    }
    return n;
  }

  static boolean awaitHellos(List<Client> all, int atLeast, long timeoutMs) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    while (countHello(all, atLeast) < all.size()) {
      if (System.currentTimeMillis() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  static String seekMessage(long position) {
    return "{\"type\":\"playback_command\",\"action\":\"seek\",\"position_ms\":" + position + "}";
  }

  static String playMessage(long position) {
    return "{\"type\":\"playback_command\",\"action\":\"play\",\"position_ms\":" + position + "}";
  }

  /** Every host plays its track from 1 s (spread over a second); waits until each host sees it playing. */
  static boolean playAll(Room[] rooms) throws InterruptedException {
    long spread = 1_000_000_000L / Math.max(1, rooms.length);
    long t0 = System.nanoTime();
    for (int i = 0; i < rooms.length; i++) {
      long wait = t0 + i * spread - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      rooms[i].host.send(playMessage(1_000));
    }
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      int playing = 0;
      for (Room r : rooms) {
        if ("playing".equals(r.state)) {
          playing++;
        }
      }
      if (playing == rooms.length) {
        return true;
      }
      Thread.sleep(20);
    }
    System.err.println("not every session is playing after 30 s");
    return false;
  }

  /** Sends a command over the host's WebSocket and registers it for matching. */
  static Cmd command(Room r, long position, String state, String text) {
    Cmd c = new Cmd(cmdIds.incrementAndGet(), position, state, System.nanoTime(), r.connectedGuests());
    r.remember(c);
    allCmds.add(c);
    r.host.send(text);
    return c;
  }

  /** Waits until every command has reached everyone it should, or {@code ms} passed. */
  static void awaitCommands(List<Cmd> cmds, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end) {
      boolean all = true;
      for (Cmd c : cmds) {
        if (c.received.get() < c.expected) {
          all = false;
          break;
        }
      }
      if (all) {
        return;
      }
      Thread.sleep(10);
    }
  }

  /** Prints and records latency figures of the commands given. */
  static boolean reportCommands(String label, List<Cmd> cmds) {
    Latency each = Latency.of(deliveries.getIntervalHistogram(), 1000.0);
    Latency whole = Latency.of(allReceived.getIntervalHistogram(), 1000.0);
    long expected = 0;
    long received = 0;
    long incomplete = 0;
    for (Cmd c : cmds) {
      expected += c.expected;
      received += Math.min(c.expected, c.received.get());
      if (c.received.get() < c.expected) {
        incomplete++;
      }
    }
    out.put("commands_sent", cmds.size());
    out.put("deliveries_expected", expected);
    out.put("deliveries_measured", received);
    out.put("deliveries_lost", expected - received);
    out.put("commands_not_fully_delivered", incomplete);
    out.put("p50_ms", each.p50());
    out.put("p95_ms", each.p95());
    out.put("p99_ms", each.p99());
    out.put("p999_ms", each.p999());
    out.put("max_ms", each.max());
    out.put("mean_ms", each.mean());
    out.put("all_reached_p50_ms", whole.p50());
    out.put("all_reached_p99_ms", whole.p99());
    out.put("all_reached_max_ms", whole.max());
    System.out.printf("%s: %d commands; deliveries %d of %d (%d lost); commands not reaching everyone: %d%n", label, cmds.size(), received, expected, expected - received, incomplete);
    System.out.printf(
        "delivery latency per listener: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  (mean %.2f)%n",
        each.p50(), each.p95(), each.p99(), each.p999(), each.max(), each.mean());
    System.out.printf("every listener of the session reached: p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", whole.p50(), whole.p99(), whole.max());
    return expected == received && !cmds.isEmpty();
  }

  record Cpu(long serverTicks, long self, long nanos) {
    static Cpu now() {
      return new Cpu(server.pid() > 0 ? Proc.cpuTicks(server.pid()) : -1, Proc.cpuTicks(ProcessHandle.current().pid()), System.nanoTime());
    }

    void report(String prefix) {
      Cpu end = now();
      double s = (end.nanos - nanos) / 1e9;
      if (server.pid() > 0) {
        double cpu = (end.serverTicks - this.serverTicks) / (double) server.clkTck();
        out.put(prefix + "server_cpu_s", cpu);
        out.put(prefix + "server_cores", cpu / s);
        System.out.printf("server CPU: %.1f s = %.2f cores over %.1f s%n", cpu, cpu / s, s);
      }
      double own = (end.self - this.self) / (double) server.clkTck();
      out.put(prefix + "loadgen_cores", own / s);
      System.out.printf("load generator CPU: %.1f s = %.2f cores%n", own, own / s);
    }
  }

  static void serverFigures(String prefix) {
    if (server.pid() > 0) {
      out.put(prefix + "server_rss_mb", Proc.status(server.pid(), "VmRSS") / 1024);
      out.put(prefix + "server_threads", Proc.status(server.pid(), "Threads"));
    }
  }

  // ---- rooms

  static int rooms(String admin) throws Exception {
    Room[] rooms = createRooms(admin, sessions);
    List<Client> all = populateRooms(rooms);
    System.out.printf("settling %d s%n", settleS);
    Thread.sleep(settleS * 1000L);
    if (pattern.equals("seek")) {
      playAll(rooms);
    }
    phase("measure");
    Cpu cpu = Cpu.now();
    long msg0 = messagesReceived.get();
    deliveries.reset();
    allReceived.reset();
    long start = System.nanoTime();
    long end = start + durationS * 1_000_000_000L;
    heartbeatFrom = start;
    heartbeatTo = end;
    List<Cmd> cmds = new ArrayList<>();
    if (pattern.equals("seek")) {
      // every host: one seek at a random moment of every second
      long[] due = new long[rooms.length];
      Integer[] order = new Integer[rooms.length];
      for (long second = start; second < end; second += 1_000_000_000L) {
        for (int i = 0; i < rooms.length; i++) {
          due[i] = second + ThreadLocalRandom.current().nextLong(1_000_000_000L);
          order[i] = i;
        }
        final long[] d = due;
        java.util.Arrays.sort(order, (x, y) -> Long.compare(d[x], d[y]));
        for (Integer i : order) {
          long wait = due[i] - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          Room r = rooms[i];
          long p = r.freshPosition();
          cmds.add(commandAsync(r, p));
        }
      }
    } else {
      long next = start;
      int k = 0;
      while (System.nanoTime() < end) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        next += intervalMs * 1_000_000L;
        Room r = rooms[k++ % rooms.length];
        String action = "playing".equals(r.state) ? "pause" : "play";
        String expected = "play".equals(action) ? "playing" : "paused";
        r.state = expected;
        cmds.add(command(r, -1, expected, "{\"type\":\"playback_command\",\"action\":\"" + action + "\"}"));
      }
    }
    long windowNanos = System.nanoTime() - start;
    awaitCommands(cmds, graceMs);
    phase("measured");
    int connected = (int) all.stream().filter(c -> !c.isHost && c.isOpen()).count();
    System.out.printf("%n== rooms: %d listeners (+%d host sockets) in %d sessions, pattern %s, %.1f s%n", connected, sessions, sessions, pattern, windowNanos / 1e9);
    out.put("pattern", pattern);
    out.put("listeners_connected", connected);
    out.put("window_s", windowNanos / 1e9);
    boolean ok = reportCommands("commands", cmds);
    double hb = connected == 0 ? 0 : heartbeats.get() / (double) connected / (windowNanos / 60e9);
    out.put("heartbeats_per_listener_per_min", hb);
    out.put("messages_received_in_window", messagesReceived.get() - msg0);
    System.out.printf("heartbeats per listener per minute: %.2f%n", hb);
    cpu.report("");
    serverFigures("");
    return ok && connected == listeners ? 0 : 1;
  }

  /** A seek sent without waiting for the send to complete (1,000 hosts a second must not queue behind each other). */
  static Cmd commandAsync(Room r, long position) {
    Cmd c = new Cmd(cmdIds.incrementAndGet(), position, null, System.nanoTime(), r.connectedGuests());
    r.remember(c);
    WebSocket w = r.host.ws;
    if (w == null) {
      count(hostErrors, "send: no socket");
      return c;
    }
    try {
      w.sendText(seekMessage(position), true).whenComplete((x, e) -> {
        if (e != null) {
          count(hostErrors, "send: " + e.getClass().getSimpleName());
        }
      });
    } catch (IllegalStateException e) {
      count(hostErrors, "send: previous send pending");
    }
    return c;
  }

  // ---- one room

  /** Joins {@code n} guests to the room within {@code seconds} (REST, then WebSocket at once). */
  static List<Client> joinPaced(Room r, int from, int n, double seconds) throws InterruptedException {
    List<Client> joined = Collections.synchronizedList(new ArrayList<>());
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long t0 = System.nanoTime();
    long step = (long) (seconds * 1e9 / Math.max(1, n));
    for (int i = 0; i < n; i++) {
      long wait = t0 + i * step - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      gate.acquire();
      pending.add(
          join(r, from + i)
              .whenComplete(
                  (c, e) -> {
                    gate.release();
                    if (c != null) {
                      joined.add(c);
                      c.connect();
                    }
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    return joined;
  }

  /** Waits until the host's member_updates have been quiet for 1 s (at most {@code maxMs}). */
  static void awaitMembersQuiet(Client host, long maxMs) throws InterruptedException {
    long end = System.currentTimeMillis() + maxMs;
    while (System.currentTimeMillis() < end && System.nanoTime() - host.lastMemberUpdateNanos < 1_000_000_000L) {
      Thread.sleep(50);
    }
  }

  /** Connected members as {@code GET /api/sessions/{id}} (host token) says; -1 when it fails. */
  static int restConnected(Room r) {
    Rest.Result s = rest.call("GET", "/api/sessions/" + r.id, r.hostToken, null);
    if (s.status() != 200) {
      return -1;
    }
    int n = 0;
    for (JsonNode m : s.body().path("members")) {
      if (m.path("connected").asBoolean(false)) {
        n++;
      }
    }
    return n;
  }

  static Room oneSession(String admin) throws Exception {
    Room r = createRooms(admin, 1)[0];
    r.host.connect();
    if (!awaitHellos(List.of(r.host), 1, 30_000)) {
      throw new Rest.SetupException("the host's WebSocket got no hello");
    }
    return r;
  }

  static int oneRoom(String admin) throws Exception {
    Room r = oneSession(admin);
    // a player whose connect fails (refused, reset, a bad handshake) tries again with its backoff;
    // so do these, and the outcomes are counted (connect outcomes at the end)
    reconnecting = true;
    long t0 = System.nanoTime();
    List<Client> guests = joinPaced(r, 0, listeners, joinSeconds);
    long tJoined = System.nanoTime();
    boolean allHello = awaitHellos(guests, 1, connectWaitS * 1000L);
    long tHello = System.nanoTime();
    Latency jl = Latency.of(joinLatency.getIntervalHistogram(), 1000.0);
    Latency jh = Latency.of(joinToHello.getIntervalHistogram(), 1000.0);
    System.out.printf("joins: %d answered in %.1f s (target %d s), statuses %s; REST join p50 %.1f / p99 %.1f / max %.1f ms%n",
        listeners, (tJoined - t0) / 1e9, joinSeconds, new TreeMap<>(joinStatuses), jl.p50(), jl.p99(), jl.max());
    System.out.printf("hello: %d of %d guests, all by %.1f s after the first join%s; join answer → hello p50 %.1f / p99 %.1f / max %.1f ms%n",
        countHello(guests, 1), guests.size(), (tHello - t0) / 1e9, allHello ? "" : " (gave up)", jh.p50(), jh.p99(), jh.max());
    out.put("join_statuses", new TreeMap<>(joinStatuses));
    out.put("joins_answered_s", (tJoined - t0) / 1e9);
    out.put("all_hello_s", (tHello - t0) / 1e9);
    out.put("join_p50_ms", jl.p50());
    out.put("join_p99_ms", jl.p99());
    out.put("join_max_ms", jl.max());
    out.put("join_to_hello_p99_ms", jh.p99());
    out.put("join_to_hello_max_ms", jh.max());
    awaitMembersQuiet(r.host, 60_000);
    int restView = restConnected(r);
    System.out.printf("host's view: %d connected members from member_updates, %d from GET /api/sessions/{id} (expected %d, host included); %d member_updates, %.1f MB%n",
        r.host.connectedMembers, restView, guests.size() + 1, r.host.memberUpdates.get(), r.host.memberUpdateBytes.get() / 1e6);
    out.put("rest_view_connected", restView);
    out.put("host_member_updates", r.host.memberUpdates.get());
    out.put("host_member_update_bytes", r.host.memberUpdateBytes.get());
    out.put("host_view_connected", r.host.connectedMembers);
    serverFigures("after_joins_");
    Thread.sleep(settleS * 1000L);
    r.host.send(playMessage(1_000));
    long end = System.currentTimeMillis() + 10_000;
    while (!"playing".equals(r.state) && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    phase("measure");
    Cpu cpu = Cpu.now();
    deliveries.reset();
    allReceived.reset();
    List<Cmd> cmds = new ArrayList<>();
    for (int i = 0; i < seeks; i++) {
      long p = r.freshPosition();
      cmds.add(command(r, p, null, seekMessage(p)));
      Thread.sleep(seekGapMs);
    }
    awaitCommands(cmds, graceMs);
    phase("measured");
    System.out.printf("%n== one room: %d guests, %d host seeks %d ms apart%n", guests.size(), seeks, seekGapMs);
    out.put("listeners_connected", r.connectedGuests());
    boolean ok = reportCommands("seeks", cmds);
    cpu.report("");
    serverFigures("");
    return ok && guests.size() == listeners && allHello ? 0 : 1;
  }

  // ---- join storm

  static int joinStorm(String admin) throws Exception {
    Room r = oneSession(admin);
    r.host.send(playMessage(1_000));
    Thread.sleep(500);
    phase("measure");
    Cpu cpu = Cpu.now();
    counting = true;
    long t0 = System.nanoTime();
    List<Client> guests = new ArrayList<>();
    int waves = (listeners + wave - 1) / wave;
    Cmd seek = null;
    int joined = 0;
    for (int w = 0; w < waves; w++) {
      int n = Math.min(wave, listeners - joined);
      List<Client> got = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(join(r, joined + i).thenAccept(c -> {
          if (c != null) {
            got.add(c);
            c.connect();
          }
        }));
      }
      if (w == waves / 2 && seek == null) {
        // the host seeks while this wave joins
        long p = r.freshPosition();
        seek = command(r, p, null, seekMessage(p));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
      awaitHellos(got, 1, 60_000);
      guests.addAll(got);
      joined += n;
      Thread.sleep(waveGapMs);
    }
    long tJoined = System.nanoTime();
    // the last member_updates (coalesced) and what they cause
    awaitMembersQuiet(r.host, 30_000);
    Thread.sleep(1_000);
    counting = false;
    long tEnd = System.nanoTime();
    awaitCommands(seek == null ? List.of() : List.of(seek), graceMs);
    phase("measured");
    // bytes per listener per join of someone else: Σ bytes / Σ (guests whose hello came after one's own)
    List<Long> hellosAt = new ArrayList<>();
    for (Client c : guests) {
      if (c.helloCount > 0) {
        hellosAt.add(c.helloNanos);
      }
    }
    Collections.sort(hellosAt);
    long joinsAfterSum = 0;
    Histogram perListener = new Histogram(3);
    for (Client c : guests) {
      if (c.helloCount == 0) {
        continue;
      }
      int idx = Collections.binarySearch(hellosAt, c.helloNanos);
      while (idx + 1 < hellosAt.size() && hellosAt.get(idx + 1) == c.helloNanos) {
        idx++;
      }
      long after = hellosAt.size() - 1 - idx;
      joinsAfterSum += after;
      if (after >= 10) {
        perListener.recordValue(Math.max(0, c.bytesCounted / after));
      }
    }
    long totalBytes = 0;
    long totalMsgs = 0;
    Map<String, Object> types = new TreeMap<>();
    System.out.printf("%n== join storm: %d guests in waves of %d (%d waves, %d ms apart) in %.1f s; statuses %s%n",
        guests.size(), wave, waves, waveGapMs, (tJoined - t0) / 1e9, new TreeMap<>(joinStatuses));
    System.out.printf("received by already-connected guests (after their own hello, until the updates were quiet for 1 s):%n");
    for (Map.Entry<String, LongAdder[]> e : new TreeMap<>(byType).entrySet()) {
      long m = e.getValue()[0].sum();
      long b = e.getValue()[1].sum();
      totalMsgs += m;
      totalBytes += b;
      types.put(e.getKey(), Map.of("messages", m, "bytes", b, "bytes_per_listener_per_join", joinsAfterSum == 0 ? 0 : b / (double) joinsAfterSum));
      System.out.printf("  %-16s %10d messages %14d bytes   %10.1f bytes per listener per join of someone else%n", e.getKey(), m, b, joinsAfterSum == 0 ? 0 : b / (double) joinsAfterSum);
    }
    double perJoin = joinsAfterSum == 0 ? 0 : totalBytes / (double) joinsAfterSum;
    double msgsPerJoin = joinsAfterSum == 0 ? 0 : totalMsgs / (double) joinsAfterSum;
    System.out.printf("  all types        %10d messages %14d bytes   %10.1f bytes (%.2f messages) per listener per join of someone else%n", totalMsgs, totalBytes, perJoin, msgsPerJoin);
    System.out.printf("  per listener (bytes received / joins after its own, listeners with ≥ 10 after): p50 %d, p99 %d, max %d bytes%n",
        perListener.getValueAtPercentile(50), perListener.getValueAtPercentile(99), perListener.getMaxValue());
    out.put("guests_joined", guests.size());
    out.put("join_statuses", new TreeMap<>(joinStatuses));
    out.put("storm_s", (tJoined - t0) / 1e9);
    out.put("counted_s", (tEnd - t0) / 1e9);
    out.put("by_type", types);
    out.put("joins_after_sum", joinsAfterSum);
    out.put("bytes_per_listener_per_join", perJoin);
    out.put("messages_per_listener_per_join", msgsPerJoin);
    out.put("per_listener_bytes_per_join_p50", perListener.getValueAtPercentile(50));
    out.put("per_listener_bytes_per_join_max", perListener.getMaxValue());
    out.put("host_member_updates", r.host.memberUpdates.get());
    out.put("host_member_update_bytes", r.host.memberUpdateBytes.get());
    out.put("host_view_connected", r.host.connectedMembers);
    int restView = restConnected(r);
    out.put("rest_view_connected", restView);
    System.out.printf("host: %d member_updates (%.1f KB); connected members: %d from member_updates, %d from GET /api/sessions/{id} (expected %d)%n",
        r.host.memberUpdates.get(), r.host.memberUpdateBytes.get() / 1e3, r.host.connectedMembers, restView, guests.size() + 1);
    Latency jl = Latency.of(joinLatency.getIntervalHistogram(), 1000.0);
    Latency jh = Latency.of(joinToHello.getIntervalHistogram(), 1000.0);
    System.out.printf("REST join p50 %.1f / p99 %.1f / max %.1f ms; join answer → hello p50 %.1f / p99 %.1f / max %.1f ms%n",
        jl.p50(), jl.p99(), jl.max(), jh.p50(), jh.p99(), jh.max());
    out.put("join_p99_ms", jl.p99());
    out.put("join_to_hello_p99_ms", jh.p99());
    boolean seekOk = false;
    if (seek != null) {
      long reached = seek.received.get();
      double allMs = seek.received.get() >= seek.expected ? (seek.lastArrivalNanos - seek.sentNanos) / 1e6 : -1;
      Latency sl = Latency.of(deliveries.getIntervalHistogram(), 1000.0);
      seekOk = reached >= seek.expected;
      System.out.printf("seek during the storm: reached %d of %d guests connected when it was sent; %s; per guest p50 %.1f / p99 %.1f / max %.1f ms%n",
          reached, seek.expected, seekOk ? String.format("all by %.1f ms", allMs) : "NOT all", sl.p50(), sl.p99(), sl.max());
      out.put("storm_seek_expected", seek.expected);
      out.put("storm_seek_reached", reached);
      out.put("storm_seek_all_ms", allMs);
      out.put("storm_seek_p50_ms", sl.p50());
      out.put("storm_seek_p99_ms", sl.p99());
      out.put("storm_seek_max_ms", sl.max());
    }
    cpu.report("");
    serverFigures("");
    return guests.size() == listeners && seekOk ? 0 : 1;
  }

  // ---- drop

  /** A client of its own that asks one thing every {@code everyMs}, one request at a time. */
  static final class Poller implements Runnable {
    final String name;
    final HttpRequest request;
    final int expectedStatus;
    final long everyMs;
    final HttpClient client;
    final List<long[]> samples = Collections.synchronizedList(new ArrayList<>()); // start nanos, latency µs, status
    volatile boolean stop;

    Poller(String name, HttpRequest request, int expectedStatus, long everyMs) {
      this.name = name;
      this.request = request;
      this.expectedStatus = expectedStatus;
      this.everyMs = everyMs;
      this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public void run() {
      long next = System.nanoTime();
      while (!stop) {
        long t = System.nanoTime();
        int status;
        try {
          status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (HttpTimeoutException e) {
          status = -2;
        } catch (IOException e) {
          status = -1;
        } catch (InterruptedException e) {
          return;
        }
        samples.add(new long[] {t, (System.nanoTime() - t) / 1000, status});
        next += everyMs * 1_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        } else {
          next = System.nanoTime();
        }
      }
    }

    /** Latency over samples started in [from, to); statuses counted. */
    Map<String, Object> report(String label, long from, long to) {
      Histogram h = new Histogram(3_600_000_000L, 3);
      Map<String, Integer> statuses = new TreeMap<>();
      synchronized (samples) {
        for (long[] s : samples) {
          if (s[0] >= from && s[0] < to) {
            h.recordValue(s[1]);
            statuses.merge(String.valueOf(s[2]), 1, Integer::sum);
          }
        }
      }
      Latency l = Latency.of(h, 1000.0);
      System.out.printf("  %-28s %-9s %5d requests  p50 %7.2f  p99 %7.2f  max %7.2f ms  statuses %s%n", name, label, l.count(), l.p50(), l.p99(), l.max(), statuses);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("requests", l.count());
      m.put("p50_ms", l.p50());
      m.put("p99_ms", l.p99());
      m.put("max_ms", l.max());
      m.put("statuses", statuses);
      return m;
    }
  }

  static int drop(String admin) throws Exception {
    Room r = oneSession(admin);
    long t0 = System.nanoTime();
    List<Client> guests = joinPaced(r, 0, listeners, listeners / (double) Math.max(1, rampPerS));
    boolean allHello = awaitHellos(guests, 1, connectWaitS * 1000L);
    System.out.printf("joins: %d, statuses %s; %d with hello after %.1f s%s%n", guests.size(), new TreeMap<>(joinStatuses), countHello(guests, 1), (System.nanoTime() - t0) / 1e9, allHello ? "" : " (gave up)");
    awaitMembersQuiet(r.host, 120_000);
    int before = r.host.connectedMembers;
    int restBefore = restConnected(r);
    System.out.printf("host's view before the drop: %d connected from member_updates, %d from GET /api/sessions/{id} (expected %d)%n", before, restBefore, guests.size() + 1);
    out.put("rest_view_before", restBefore);
    out.put("join_statuses", new TreeMap<>(joinStatuses));
    out.put("guests_connected", countHello(guests, 1));
    out.put("host_view_before", before);
    Thread.sleep(settleS * 1000L);
    URI base = URI.create(server.base());
    Poller time = new Poller("GET /api/time", HttpRequest.newBuilder(base.resolve("/api/time")).timeout(Duration.ofSeconds(10)).GET().build(), 200, pollMs);
    Poller login =
        new Poller(
            "POST /api/auth/login (wrong)",
            HttpRequest.newBuilder(base.resolve("/api/auth/login"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"nobody-bench\",\"password\":\"wrong-password-1\"}"))
                .build(),
            401,
            loginPollMs);
    Thread tt = new Thread(time, "poll-time");
    Thread tl = new Thread(login, "poll-login");
    tt.start();
    if (loginPollMs > 0) {
      tl.start();
    }
    Thread.sleep(3_000);
    phase("measure");
    Cpu cpu = Cpu.now();
    int updates0 = (int) r.host.memberUpdates.get();
    long bytes0 = r.host.memberUpdateBytes.get();
    long tDrop = System.nanoTime();
    for (Client c : guests) {
      c.abort();
    }
    long tAborted = System.nanoTime();
    System.out.printf("dropped %d guests (aborted in %.1f ms)%n", guests.size(), (tAborted - tDrop) / 1e6);
    // the host's WebSocket view, and the REST view
    long wsRight = -1;
    long restRight = -1;
    int restPolls = 0;
    long watchEnd = tDrop + dropWatchS * 1_000_000_000L;
    long nextRest = System.nanoTime();
    while (System.nanoTime() < watchEnd && (wsRight < 0 || restRight < 0)) {
      if (wsRight < 0 && r.host.connectedMembers == 1) {
        wsRight = r.host.lastMemberUpdateNanos;
      }
      if (restRight < 0 && System.nanoTime() >= nextRest) {
        long asked = System.nanoTime();
        restPolls++;
        if (restConnected(r) == 1) {
          restRight = asked;
        }
        nextRest = asked + sessionPollMs * 1_000_000L;
      }
      Thread.sleep(5);
    }
    long tRight = System.nanoTime();
    // polls go on for 2 s more, and at least 5 s after the drop
    long pollEnd = Math.max(tRight + 2_000_000_000L, tDrop + 5_000_000_000L);
    while (System.nanoTime() < pollEnd) {
      Thread.sleep(10);
    }
    time.stop = true;
    login.stop = true;
    tt.join(15_000);
    if (loginPollMs > 0) {
      tl.join(15_000);
    }
    long tEnd = System.nanoTime();
    phase("measured");
    System.out.printf("%n== drop: %d guests dropped at once%n", guests.size());
    Map<String, Object> polls = new LinkedHashMap<>();
    polls.put("time_before", time.report("before", 0, tDrop));
    polls.put("time_during", time.report("after", tDrop, Math.max(tRight, tDrop + 5_000_000_000L)));
    if (loginPollMs > 0) {
      polls.put("login_before", login.report("before", 0, tDrop));
      polls.put("login_during", login.report("after", tDrop, Math.max(tRight, tDrop + 5_000_000_000L)));
    }
    out.put("polls", polls);
    double wsMs = wsRight < 0 ? -1 : (wsRight - tDrop) / 1e6;
    double restMs = restRight < 0 ? -1 : (restRight - tDrop) / 1e6;
    System.out.printf("  (\"after\": from the drop until both views were right, at least 5 s)%n");
    System.out.printf("host's view right (1 connected: the host) after: member_update %s, GET /api/sessions/{id} %s (%d polls every %d ms)%n",
        wsRight < 0 ? "NEVER within " + dropWatchS + " s (last count " + r.host.connectedMembers + ")" : String.format("%.0f ms", wsMs),
        restRight < 0 ? "NEVER within " + dropWatchS + " s" : String.format("%.0f ms (asked at)", restMs), restPolls, sessionPollMs);
    System.out.printf("host got %d member_updates (%.1f KB) after the drop%n", r.host.memberUpdates.get() - updates0, (r.host.memberUpdateBytes.get() - bytes0) / 1e3);
    out.put("host_view_right_ms", wsMs);
    out.put("rest_view_right_ms", restMs);
    out.put("host_member_updates_after_drop", r.host.memberUpdates.get() - updates0);
    out.put("host_member_update_bytes_after_drop", r.host.memberUpdateBytes.get() - bytes0);
    cpu.report("");
    serverFigures("");
    stopping = true;
    Latency during = Latency.of(histogram(time, tDrop, Math.max(tRight, tDrop + 5_000_000_000L)), 1000.0);
    return wsRight >= 0 && restRight >= 0 && allHello && during.count() > 0 ? 0 : 1;
  }

  static Histogram histogram(Poller p, long from, long to) {
    Histogram h = new Histogram(3_600_000_000L, 3);
    synchronized (p.samples) {
      for (long[] s : p.samples) {
        if (s[0] >= from && s[0] < to) {
          h.recordValue(s[1]);
        }
      }
    }
    return h;
  }

  // ---- restart

  static int restart(String admin) throws Exception {
    Room[] rooms = createRooms(admin, sessions);
    reconnecting = true;
    List<Client> all = populateRooms(rooms);
    System.out.printf("settling %d s%n", settleS);
    Thread.sleep(settleS * 1000L);
    playAll(rooms);
    closeCodes.clear();
    connectOutcomes.clear();
    int total = all.size();
    if (countHello(all, 1) < total) {
      System.err.println("not every socket has its hello; restarting anyway");
    }
    long tAsk = System.currentTimeMillis();
    long nAsk = System.nanoTime();
    phase("restart");
    // the script: SIGTERM, wait for the exit, start again on the same folder and ports
    long killedAt = -1;
    long readyAt = -1;
    long end = System.currentTimeMillis() + connectWaitS * 1000L;
    boolean ok = false;
    int[] helloBefore = new int[total];
    for (int i = 0; i < total; i++) {
      helloBefore[i] = all.get(i).helloCount;
    }
    while (System.currentTimeMillis() < end) {
      if (killedAt < 0) {
        killedAt = phaseTime("killed");
      }
      if (readyAt < 0) {
        readyAt = phaseTime("ready");
      }
      int back = 0;
      for (int i = 0; i < total; i++) {
        if (all.get(i).helloCount > helloBefore[i]) {
          back++;
        }
      }
      if (back == total && readyAt > 0) {
        ok = true;
        break;
      }
      Thread.sleep(50);
    }
    long tAll = System.currentTimeMillis();
    long nAll = System.nanoTime();
    // reconnection times: each socket's new hello − the kill
    Histogram back = new Histogram(3_600_000_000L, 3);
    long killNanos = nAsk + Math.max(0, killedAt - tAsk) * 1_000_000L;
    int reconnected = 0;
    for (int i = 0; i < total; i++) {
      Client c = all.get(i);
      if (c.helloCount > helloBefore[i]) {
        reconnected++;
        back.recordValue(Math.max(0, (c.helloNanos - killNanos) / 1000));
      }
    }
    phase("reconnected");
    System.out.printf("%n== restart: %d sockets (%d hosts + %d guests)%n", total, sessions, total - sessions);
    Latency bl = Latency.of(back, 1000.0);
    System.out.printf("server: SIGTERM at +%d ms, answering again at +%d ms (after the request to restart)%n", killedAt - tAsk, readyAt - tAsk);
    System.out.printf("reconnected (new hello): %d of %d%s; after the SIGTERM: p50 %.1f s  p99 %.1f s  last %.1f s (%.1f s after the server answered again)%n",
        reconnected, total, ok ? "" : " (gave up waiting)", bl.p50() / 1000, bl.p99() / 1000, bl.max() / 1000, (tAll - readyAt) / 1000.0);
    out.put("sockets", total);
    out.put("reconnected", reconnected);
    out.put("killed_after_ms", killedAt - tAsk);
    out.put("server_ready_after_kill_ms", readyAt - killedAt);
    out.put("reconnect_p50_s", bl.p50() / 1000);
    out.put("reconnect_p99_s", bl.p99() / 1000);
    out.put("reconnect_all_s", bl.max() / 1000);
    out.put("all_back_after_ready_s", (tAll - readyAt) / 1000.0);
    // in sync: one command from every host reaches every guest
    deliveries.reset();
    allReceived.reset();
    List<Cmd> cmds = new ArrayList<>();
    long spread = 1_000_000_000L / Math.max(1, rooms.length);
    long s0 = System.nanoTime();
    for (int i = 0; i < rooms.length; i++) {
      long wait = s0 + i * spread - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      Room r = rooms[i];
      long p = r.freshPosition();
      cmds.add(command(r, p, null, playMessage(p)));
    }
    awaitCommands(cmds, Math.max(graceMs, 30_000));
    long tSync = System.nanoTime();
    boolean synced = reportCommands("after the restart, one play-at-position from every host", cmds);
    System.out.printf("in sync (every command reached everyone) %.1f s after the last reconnect, %.1f s after the SIGTERM%s%n",
        (tSync - nAll) / 1e9, (tSync - killNanos) / 1e9, synced ? "" : " — NOT all delivered");
    out.put("synced_after_kill_s", (tSync - killNanos) / 1e9);
    phase("synced");
    return ok && synced ? 0 : 1;
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
