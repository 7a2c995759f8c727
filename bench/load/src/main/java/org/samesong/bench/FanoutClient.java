package org.samesong.bench;

import static org.samesong.bench.FanoutBench.HANDSHAKE_TIMEOUT_S;
import static org.samesong.bench.FanoutBench.allReceived;
import static org.samesong.bench.FanoutBench.byType;
import static org.samesong.bench.FanoutBench.clients;
import static org.samesong.bench.FanoutBench.closeCodes;
import static org.samesong.bench.FanoutBench.connectOutcomes;
import static org.samesong.bench.FanoutBench.count;
import static org.samesong.bench.FanoutBench.counting;
import static org.samesong.bench.FanoutBench.deliveries;
import static org.samesong.bench.FanoutBench.deliveriesMeasured;
import static org.samesong.bench.FanoutBench.heartbeatFrom;
import static org.samesong.bench.FanoutBench.heartbeatTo;
import static org.samesong.bench.FanoutBench.heartbeats;
import static org.samesong.bench.FanoutBench.hellos;
import static org.samesong.bench.FanoutBench.hostErrors;
import static org.samesong.bench.FanoutBench.httpClients;
import static org.samesong.bench.FanoutBench.joinToHello;
import static org.samesong.bench.FanoutBench.messagesReceived;
import static org.samesong.bench.FanoutBench.reconnecting;
import static org.samesong.bench.FanoutBench.stopping;
import static org.samesong.bench.FanoutBench.timer;
import static org.samesong.bench.FanoutBench.wsBase;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One WebSocket: a guest, or the host of its room (which also keeps the member list). */
final class FanoutClient implements WebSocket.Listener {
  final FanoutRoom room;
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
  /** What this listener sends on its own (pings, sync_acks), when the run has listeners chatter. */
  Chatter chatter;
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

  FanoutClient(FanoutRoom room, boolean isHost, String token, int index) {
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
      if (!isHost && Chatter.running()) {
        chatter = Chatter.attach(this, chatter, ws);
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
    HostCommand found = null;
    for (int i = 0; i < room.recent.length(); i++) {
      HostCommand c = room.recent.get(i);
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
}
