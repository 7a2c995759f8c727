package org.samesong.bench;

import static org.samesong.bench.SyncplayBench.allReceived;
import static org.samesong.bench.SyncplayBench.bytesReceived;
import static org.samesong.bench.SyncplayBench.deliveries;
import static org.samesong.bench.SyncplayBench.dropped;
import static org.samesong.bench.SyncplayBench.errors;
import static org.samesong.bench.SyncplayBench.hellos;
import static org.samesong.bench.SyncplayBench.messagesReceived;
import static org.samesong.bench.SyncplayBench.stopping;
import static org.samesong.bench.SyncplaySeek.cmdIds;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** One TCP connection, its line buffer and the client-side state of the protocol. */
final class SyncplayClient {
  final SyncplayRoom room;
  final String name;
  final boolean seeker;
  SocketChannel ch;
  SelectionKey key;
  final ArrayDeque<ByteBuffer> outbox = new ArrayDeque<>();
  byte[] line = new byte[4096];
  int lineLength;
  volatile boolean open;
  volatile boolean helloSeen;
  volatile long helloNanos;
  // the player as the client sees it (seconds)
  double basePosition;
  long baseNanos = System.nanoTime();
  boolean paused = true;
  // protocols.py bookkeeping
  int serverIgnoringOnTheFly;
  int clientIgnoringOnTheFly;
  double rtt;
  long lastCmdId = -1;

  SyncplayClient(SyncplayRoom room, String name, boolean seeker) {
    this.room = room;
    this.name = name;
    this.seeker = seeker;
  }

  double position() {
    return paused ? basePosition : basePosition + (System.nanoTime() - baseNanos) / 1e9;
  }

  void setPosition(double p, boolean isPaused) {
    basePosition = p;
    baseNanos = System.nanoTime();
    paused = isPaused;
  }

  /** Queues a line; writes what it can now (any thread). */
  synchronized void send(String json) {
    ByteBuffer b = ByteBuffer.wrap((json + "\r\n").getBytes(StandardCharsets.UTF_8));
    if (!open) {
      return;
    }
    try {
      if (outbox.isEmpty()) {
        ch.write(b);
      }
      if (b.hasRemaining()) {
        outbox.add(b);
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        key.selector().wakeup();
      }
    } catch (IOException e) {
      lost("write: " + e.getClass().getSimpleName());
    }
  }

  synchronized void flush() throws IOException {
    while (!outbox.isEmpty()) {
      ByteBuffer b = outbox.peek();
      ch.write(b);
      if (b.hasRemaining()) {
        return;
      }
      outbox.poll();
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  void lost(String why) {
    if (open) {
      open = false;
      if (!stopping) {
        dropped.incrementAndGet();
        errors.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
      }
      try {
        ch.close();
      } catch (IOException e) {
        // gone anyway
      }
    }
  }

  /** Bytes read from the socket: split into lines. */
  void read(ByteBuffer buf, long now) {
    while (buf.hasRemaining()) {
      byte c = buf.get();
      if (c == '\n') {
        int len = lineLength;
        lineLength = 0;
        if (len > 0 && line[len - 1] == '\r') {
          len--;
        }
        if (len > 0) {
          bytesReceived.addAndGet(len);
          handle(new String(line, 0, len, StandardCharsets.UTF_8), now);
        }
        if (line.length > 64 * 1024) {
          // a room of thousands sends lines of megabytes (its user list); kept per client, the
          // grown buffers of 5,000 clients filled the generator's heap
          line = new byte[4096];
        }
      } else {
        if (lineLength == line.length) {
          line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = c;
      }
    }
  }

  synchronized void handle(String text, long now) {
    messagesReceived.incrementAndGet();
    JsonNode msg;
    try {
      msg = Rest.JSON.readTree(text);
    } catch (IOException e) {
      errors.computeIfAbsent("bad line", k -> new AtomicInteger()).incrementAndGet();
      return;
    }
    if (msg.has("Hello")) {
      if (!helloSeen) {
        helloNanos = now;
        helloSeen = true;
        hellos.incrementAndGet();
      }
    }
    if (msg.has("Error")) {
      errors.computeIfAbsent("Error: " + msg.path("Error").path("message").asText(), k -> new AtomicInteger()).incrementAndGet();
    }
    if (msg.has("State")) {
      handleState(msg.path("State"), now);
    }
  }

  /** SyncClientProtocol.handleState, then its answer (sendState) with the local player's state. */
  private void handleState(JsonNode state, long now) {
    JsonNode ignore = state.path("ignoringOnTheFly");
    if (ignore.isObject()) {
      if (ignore.has("server")) {
        serverIgnoringOnTheFly = ignore.path("server").asInt();
        clientIgnoringOnTheFly = 0;
      } else if (ignore.has("client") && ignore.path("client").asInt() == clientIgnoringOnTheFly) {
        clientIgnoringOnTheFly = 0;
      }
    }
    JsonNode ps = state.path("playstate");
    JsonNode ping = state.path("ping");
    Double latencyCalculation = ping.has("latencyCalculation") ? ping.path("latencyCalculation").asDouble() : null;
    if (ping.has("clientLatencyCalculation")) {
      rtt = Math.max(0, epochSeconds() - ping.path("clientLatencyCalculation").asDouble());
    }
    if (ps.isObject() && ps.has("position") && ps.has("paused") && clientIgnoringOnTheFly == 0) {
      double position = ps.path("position").asDouble();
      boolean isPaused = ps.path("paused").asBoolean();
      boolean doSeek = ps.path("doSeek").asBoolean(false);
      String setBy = ps.path("setBy").asText(null);
      if (doSeek && !seeker && room.seeker != null && room.seeker.name.equals(setBy)) {
        matched(position, now);
      }
      if (doSeek || isPaused != paused || Math.abs(position - position()) > 1.0) {
        setPosition(position, isPaused);
      }
    }
    sendState(position(), paused, false, latencyCalculation, false);
  }

  private void matched(double position, long now) {
    SyncplaySeek found = null;
    for (int i = 0; i < room.recent.length(); i++) {
      SyncplaySeek c = room.recent.get(i);
      if (c == null || c.id <= lastCmdId || c.sentNanos < helloNanos || Math.abs(c.position - position) > 0.5) {
        continue;
      }
      if (found == null || c.id < found.id) {
        found = c;
      }
    }
    if (found == null) {
      return;
    }
    lastCmdId = found.id;
    long micros = Math.max(0, (now - found.sentNanos) / 1000);
    deliveries.recordValue(micros);
    if (found.received.incrementAndGet() == found.expected) {
      allReceived.recordValue(micros);
    }
  }

  /** SyncClientProtocol.sendState. */
  synchronized void sendState(double position, boolean isPaused, boolean doSeek, Double latencyCalculation, boolean stateChange) {
    StringBuilder s = new StringBuilder(256).append("{\"State\": {");
    boolean clientIgnoreIsNotSet = clientIgnoringOnTheFly == 0 || serverIgnoringOnTheFly != 0;
    if (clientIgnoreIsNotSet) {
      s.append("\"playstate\": {\"position\": ").append(String.format(Locale.ROOT, "%.3f", position)).append(", \"paused\": ").append(isPaused);
      if (doSeek) {
        s.append(", \"doSeek\": true");
      }
      s.append("}, ");
    }
    s.append("\"ping\": {");
    if (latencyCalculation != null) {
      s.append("\"latencyCalculation\": ").append(latencyCalculation).append(", ");
    }
    s.append("\"clientLatencyCalculation\": ").append(String.format(Locale.ROOT, "%.6f", epochSeconds()));
    s.append(", \"clientRtt\": ").append(String.format(Locale.ROOT, "%.6f", rtt)).append("}");
    if (stateChange) {
      clientIgnoringOnTheFly++;
    }
    if (serverIgnoringOnTheFly != 0 || clientIgnoringOnTheFly != 0) {
      s.append(", \"ignoringOnTheFly\": {");
      boolean comma = false;
      if (serverIgnoringOnTheFly != 0) {
        s.append("\"server\": ").append(serverIgnoringOnTheFly);
        serverIgnoringOnTheFly = 0;
        comma = true;
      }
      if (clientIgnoringOnTheFly != 0) {
        s.append(comma ? ", " : "").append("\"client\": ").append(clientIgnoringOnTheFly);
      }
      s.append("}");
    }
    send(s.append("}}").toString());
  }

  /** The seeker: a local seek (or play), told to the server as the real client does. */
  synchronized SyncplaySeek seek(double position) {
    SyncplaySeek c = new SyncplaySeek(cmdIds.incrementAndGet(), position, System.nanoTime(), room.others(this));
    room.remember(c);
    setPosition(position, false);
    sendState(position, false, true, null, true);
    return c;
  }

  synchronized void play() {
    setPosition(position(), false);
    sendState(position(), false, false, null, true);
  }

  static double epochSeconds() {
    return System.currentTimeMillis() / 1000.0;
  }

  static void sendHello(SyncplayClient c) {
    c.send(
        "{\"Hello\": {\"username\": \"" + c.name + "\", \"room\": {\"name\": \"" + c.room.name + "\"}, \"version\": \"1.2.255\", \"realversion\": \"1.6.9\","
            + " \"features\": {\"sharedPlaylists\": true, \"chat\": true, \"featureList\": true, \"readiness\": true, \"managedRooms\": true}}}");
    // the client loads a file (sendFileSetting: Set file, then List)
    c.send("{\"Set\": {\"file\": {\"duration\": 90.0, \"name\": \"copper-lanterns.ogg\", \"size\": 1440000}}}");
    c.send("{\"List\": null}");
  }
}
