package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Recorder;

/**
 * Syncplay twin of {@link FanoutBench} for bench/run-fanout.sh: N clients of Debian's
 * {@code syncplay-server} (1.6.9) in rooms of {@code --room-size}, over TCP with Syncplay's JSON
 * lines, behaving as the real client does towards the server (syncplay/protocols.py, {@code
 * SyncClientProtocol}): {@code Hello} with a room, {@code Set file}, and an answer {@code State} to
 * every {@code State} of the server (which sends one per client per second), with the
 * {@code ignoringOnTheFly} bookkeeping. One client per room is the seeker: it starts playback, then
 * seeks — a {@code State} with {@code doSeek: true} at a new position — which the server relays to
 * every client of the room as a forced {@code State} ({@code doSeek: true}, {@code setBy} the
 * seeker). Latency = arrival of that relay at each other client − send, System.nanoTime of this JVM.
 *
 * <p>Without {@code --seeks}: every seeker seeks once a second at a random moment of that second
 * for {@code --duration} s (the rooms harness). With {@code --seeks n}: the clients connect within
 * {@code --connect-seconds}, then the first room's seeker seeks n times, {@code --seek-gap-ms}
 * apart (the one-room harness).
 */
public final class SyncplayBench {
  static int clients = 1000;
  static int roomSize = 10;
  static int durationS = 60;
  static int seeks = 0;
  static int seekGapMs = 500;
  static int rampPerS = 500;
  static int connectSeconds = 0;
  static int connectWaitS = 600;
  static int settleS = 5;
  static int graceMs = 5000;
  static long serverPid = -1;
  static int clkTck = 100;
  static InetSocketAddress address;

  static final Recorder deliveries = new Recorder(3_600_000_000L, 3);
  static final Recorder allReceived = new Recorder(3_600_000_000L, 3);
  static final AtomicLong messagesReceived = new AtomicLong();
  static final AtomicLong bytesReceived = new AtomicLong();
  static final AtomicInteger hellos = new AtomicInteger();
  static final AtomicInteger dropped = new AtomicInteger();
  static final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  static volatile boolean stopping;

  static final class Cmd {
    final long id;
    final double position;
    final long sentNanos;
    final int expected;
    final AtomicInteger received = new AtomicInteger();

    Cmd(long id, double position, long sentNanos, int expected) {
      this.id = id;
      this.position = position;
      this.sentNanos = sentNanos;
      this.expected = expected;
    }
  }

  static final AtomicLong cmdIds = new AtomicLong();

  static final class Room {
    final String name;
    final List<Client> members = new ArrayList<>();
    Client seeker;
    final AtomicReferenceArray<Cmd> recent = new AtomicReferenceArray<>(8);
    int recentNext;

    Room(String name) {
      this.name = name;
    }

    synchronized void remember(Cmd c) {
      recent.set(recentNext++ % recent.length(), c);
    }

    double freshPosition() {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (true) {
        double p = Math.round((5 + rnd.nextDouble() * 50) * 1000) / 1000.0;
        boolean used = false;
        for (int i = 0; i < recent.length(); i++) {
          Cmd c = recent.get(i);
          if (c != null && Math.abs(c.position - p) < 2) {
            used = true;
          }
        }
        if (!used) {
          return p;
        }
      }
    }

    int others(Client except) {
      int n = 0;
      for (Client c : members) {
        if (c != except && c.helloSeen && c.open) {
          n++;
        }
      }
      return n;
    }
  }

  /** One TCP connection, its line buffer and the client-side state of the protocol. */
  static final class Client {
    final Room room;
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

    Client(Room room, String name, boolean seeker) {
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
      Cmd found = null;
      for (int i = 0; i < room.recent.length(); i++) {
        Cmd c = room.recent.get(i);
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
    synchronized Cmd seek(double position) {
      Cmd c = new Cmd(cmdIds.incrementAndGet(), position, System.nanoTime(), room.others(this));
      room.remember(c);
      setPosition(position, false);
      sendState(position, false, true, null, true);
      return c;
    }

    synchronized void play() {
      setPosition(position(), false);
      sendState(position(), false, false, null, true);
    }
  }

  static double epochSeconds() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** One selector thread for a share of the connections. */
  static final class Loop implements Runnable {
    final Selector selector;
    final ConcurrentLinkedQueue<Client> toRegister = new ConcurrentLinkedQueue<>();

    Loop() throws IOException {
      selector = Selector.open();
    }

    void add(Client c) {
      toRegister.add(c);
      selector.wakeup();
    }

    @Override
    public void run() {
      ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
      while (!stopping) {
        try {
          selector.select(100);
          Client c;
          while ((c = toRegister.poll()) != null) {
            synchronized (c) {
              c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
              c.open = true;
            }
            sendHello(c);
          }
          long now = System.nanoTime();
          for (SelectionKey k : selector.selectedKeys()) {
            Client cl = (Client) k.attachment();
            try {
              if (k.isValid() && k.isWritable()) {
                cl.flush();
              }
              if (k.isValid() && k.isReadable()) {
                buf.clear();
                int n = cl.ch.read(buf);
                if (n < 0) {
                  cl.lost("closed by the server");
                  k.cancel();
                  continue;
                }
                buf.flip();
                cl.read(buf, now);
              }
            } catch (IOException e) {
              cl.lost(e.getClass().getSimpleName());
              k.cancel();
            }
          }
          selector.selectedKeys().clear();
        } catch (IOException e) {
          System.err.println("selector: " + e);
        }
      }
    }
  }

  static void sendHello(Client c) {
    c.send(
        "{\"Hello\": {\"username\": \"" + c.name + "\", \"room\": {\"name\": \"" + c.room.name + "\"}, \"version\": \"1.2.255\", \"realversion\": \"1.6.9\","
            + " \"features\": {\"sharedPlaylists\": true, \"chat\": true, \"featureList\": true, \"readiness\": true, \"managedRooms\": true}}}");
    // the client loads a file (sendFileSetting: Set file, then List)
    c.send("{\"Set\": {\"file\": {\"duration\": 90.0, \"name\": \"copper-lanterns.ogg\", \"size\": 1440000}}}");
    c.send("{\"List\": null}");
  }

  public static void main(String[] args) throws Exception {
    Args a = Args.orUsage(() -> Args.parse(args), "see bench/run-fanout.sh");
    String host = a.string("--host", "127.0.0.1");
    int port = a.integer("--port", 8999);
    clients = a.integer("--clients", clients);
    roomSize = a.integer("--room-size", roomSize);
    durationS = a.integer("--duration", durationS);
    seeks = a.integer("--seeks", seeks);
    seekGapMs = a.integer("--seek-gap-ms", seekGapMs);
    rampPerS = a.integer("--ramp", rampPerS);
    connectSeconds = a.integer("--connect-seconds", connectSeconds);
    connectWaitS = a.integer("--connect-wait", connectWaitS);
    settleS = a.integer("--settle", settleS);
    graceMs = a.integer("--grace-ms", graceMs);
    serverPid = a.longValue("--server-pid", -1);
    clkTck = a.integer("--clk-tck", 100);
    Path json = a.path("--json", null);
    Args.orUsage(
        () -> {
          a.rejectUnknown();
          try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
              throw new IllegalArgumentException("--host must be this machine (loopback), not " + host);
            }
          } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host);
          }
          return null;
        },
        "see bench/run-fanout.sh");
    address = new InetSocketAddress(host, port);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("server", "syncplay");
    out.put("mode", seeks > 0 ? "one-room" : "rooms");
    out.put("clients", clients);
    out.put("room_size", roomSize);

    int nRooms = (clients + roomSize - 1) / roomSize;
    Room[] rooms = new Room[nRooms];
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int r = i / roomSize;
      if (rooms[r] == null) {
        rooms[r] = new Room("room-" + r);
      }
      boolean seeker = i % roomSize == 0;
      Client c = new Client(rooms[r], (seeker ? "host-" : "listener-") + i, seeker);
      rooms[r].members.add(c);
      if (seeker) {
        rooms[r].seeker = c;
      }
      all.add(c);
    }
    Loop[] loops = {new Loop(), new Loop()};
    for (Loop l : loops) {
      Thread t = new Thread(l, "syncplay-io");
      t.setDaemon(true);
      t.start();
    }
    // seekers first (as hosts connect first), then the others, ramped
    List<Client> order = new ArrayList<>();
    for (Room r : rooms) {
      order.add(r.seeker);
    }
    for (Client c : all) {
      if (!c.seeker) {
        order.add(c);
      }
    }
    double rate = connectSeconds > 0 ? Math.max(1.0, order.size() / (double) connectSeconds) : rampPerS;
    long step = (long) (1e9 / rate);
    long t0 = System.nanoTime();
    int connectFailures = 0;
    for (int i = 0; i < order.size(); i++) {
      long wait = t0 + i * step - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      Client c = order.get(i);
      try {
        c.ch = SocketChannel.open(address);
        c.ch.configureBlocking(false);
        c.ch.socket().setTcpNoDelay(true);
        loops[i % loops.length].add(c);
      } catch (IOException e) {
        connectFailures++;
        errors.computeIfAbsent("connect: " + e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
      }
    }
    long end = System.currentTimeMillis() + connectWaitS * 1000L;
    while (hellos.get() < clients - connectFailures && System.currentTimeMillis() < end) {
      Thread.sleep(20);
    }
    long t1 = System.nanoTime();
    System.out.printf("connected: %d of %d reached Hello in %.1f s (%.0f/s asked), %d connect failures, %d dropped%n",
        hellos.get(), clients, (t1 - t0) / 1e9, rate, connectFailures, dropped.get());
    out.put("connected", hellos.get());
    out.put("connect_s", (t1 - t0) / 1e9);
    System.out.printf("settling %d s%n", settleS);
    Thread.sleep(settleS * 1000L);
    for (Room r : rooms) {
      r.seeker.play();
    }
    Thread.sleep(2_000);

    long cpu0 = serverPid > 0 ? Proc.cpuTicks(serverPid) : -1;
    long self0 = Proc.cpuTicks(ProcessHandle.current().pid());
    long msg0 = messagesReceived.get();
    deliveries.reset();
    allReceived.reset();
    List<Cmd> cmds = new ArrayList<>();
    long start = System.nanoTime();
    if (seeks > 0) {
      Room r = rooms[0];
      for (int i = 0; i < seeks; i++) {
        cmds.add(r.seeker.seek(r.freshPosition()));
        Thread.sleep(seekGapMs);
      }
    } else {
      long stop = start + durationS * 1_000_000_000L;
      long[] due = new long[rooms.length];
      Integer[] idx = new Integer[rooms.length];
      for (long second = start; second < stop; second += 1_000_000_000L) {
        for (int i = 0; i < rooms.length; i++) {
          due[i] = second + ThreadLocalRandom.current().nextLong(1_000_000_000L);
          idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Long.compare(due[x], due[y]));
        for (Integer i : idx) {
          long wait = due[i] - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          Room r = rooms[i];
          cmds.add(r.seeker.seek(r.freshPosition()));
        }
      }
    }
    long windowNanos = System.nanoTime() - start;
    long graceEnd = System.currentTimeMillis() + graceMs;
    while (System.currentTimeMillis() < graceEnd && cmds.stream().anyMatch(c -> c.received.get() < c.expected)) {
      Thread.sleep(10);
    }
    long elapsed = System.nanoTime() - start;
    long cpu1 = serverPid > 0 ? Proc.cpuTicks(serverPid) : -1;
    long self1 = Proc.cpuTicks(ProcessHandle.current().pid());
    long msgs = messagesReceived.get() - msg0;

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
    int connected = (int) all.stream().filter(c -> c.open && c.helloSeen).count();
    System.out.printf("%n== Syncplay: %d clients in %d rooms of %d, %s%n", connected, rooms.length, roomSize,
        seeks > 0 ? seeks + " seeks " + seekGapMs + " ms apart" : String.format("every seeker once a second, %.1f s", windowNanos / 1e9));
    System.out.printf("seeks: %d; deliveries %d of %d (%d lost); seeks not reaching everyone: %d%n", cmds.size(), received, expected, expected - received, incomplete);
    System.out.printf("delivery latency per client: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  (mean %.2f)%n",
        each.p50(), each.p95(), each.p99(), each.p999(), each.max(), each.mean());
    System.out.printf("every client of the room reached: p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", whole.p50(), whole.p99(), whole.max());
    System.out.printf("messages received per client per second: %.2f%n", msgs / (double) Math.max(1, connected) / (elapsed / 1e9));
    out.put("connected_at_end", connected);
    out.put("window_s", windowNanos / 1e9);
    out.put("commands_sent", cmds.size());
    out.put("deliveries_expected", expected);
    out.put("deliveries_measured", received);
    out.put("deliveries_lost", expected - received);
    out.put("p50_ms", each.p50());
    out.put("p95_ms", each.p95());
    out.put("p99_ms", each.p99());
    out.put("p999_ms", each.p999());
    out.put("max_ms", each.max());
    out.put("mean_ms", each.mean());
    out.put("all_reached_p50_ms", whole.p50());
    out.put("all_reached_p99_ms", whole.p99());
    out.put("messages_per_client_per_s", msgs / (double) Math.max(1, connected) / (elapsed / 1e9));
    if (serverPid > 0) {
      double cpu = (cpu1 - cpu0) / (double) clkTck;
      out.put("server_cpu_s", cpu);
      out.put("server_cores", cpu / (elapsed / 1e9));
      out.put("server_rss_mb", Proc.status(serverPid, "VmRSS") / 1024);
      System.out.printf("syncplay-server CPU: %.1f s = %.2f cores over %.1f s (one Python thread: 1.00 is its ceiling)%n", cpu, cpu / (elapsed / 1e9), elapsed / 1e9);
    }
    double own = (self1 - self0) / (double) clkTck;
    out.put("loadgen_cores", own / (elapsed / 1e9));
    System.out.printf("load generator CPU: %.1f s = %.2f cores%n", own, own / (elapsed / 1e9));
    out.put("errors", new TreeMap<>(errors));
    out.put("dropped", dropped.get());
    System.out.printf("dropped connections: %d; errors: %s%n", dropped.get(), new TreeMap<>(errors));
    if (json != null) {
      Rest.writeJson(json, out);
    }
    stopping = true;
    for (Client c : all) {
      try {
        if (c.ch != null) {
          c.ch.close();
        }
      } catch (IOException e) {
        // closing anyway
      }
    }
    boolean ok = expected > 0 && received == expected && connected == clients;
    System.exit(ok ? 0 : 1);
  }
}
