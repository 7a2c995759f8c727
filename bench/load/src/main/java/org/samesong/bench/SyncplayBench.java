package org.samesong.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>This class holds the options, the figures the clients share and the run; {@link
 * SyncplayClient} is one connection and the client side of the protocol, in a {@link SyncplayRoom};
 * {@link SyncplayLoop} is a selector thread for a share of the connections; {@link SyncplaySeek} a
 * seek in flight.
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
    SyncplayRoom[] rooms = new SyncplayRoom[nRooms];
    List<SyncplayClient> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int r = i / roomSize;
      if (rooms[r] == null) {
        rooms[r] = new SyncplayRoom("room-" + r);
      }
      boolean seeker = i % roomSize == 0;
      SyncplayClient c = new SyncplayClient(rooms[r], (seeker ? "host-" : "listener-") + i, seeker);
      rooms[r].members.add(c);
      if (seeker) {
        rooms[r].seeker = c;
      }
      all.add(c);
    }
    SyncplayLoop[] loops = {new SyncplayLoop(), new SyncplayLoop()};
    for (SyncplayLoop l : loops) {
      Thread t = new Thread(l, "syncplay-io");
      t.setDaemon(true);
      t.start();
    }
    // seekers first (as hosts connect first), then the others, ramped
    List<SyncplayClient> order = new ArrayList<>();
    for (SyncplayRoom r : rooms) {
      order.add(r.seeker);
    }
    for (SyncplayClient c : all) {
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
      SyncplayClient c = order.get(i);
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
    for (SyncplayRoom r : rooms) {
      r.seeker.play();
    }
    Thread.sleep(2_000);

    long cpu0 = serverPid > 0 ? Proc.cpuTicks(serverPid) : -1;
    long self0 = Proc.cpuTicks(ProcessHandle.current().pid());
    long msg0 = messagesReceived.get();
    deliveries.reset();
    allReceived.reset();
    List<SyncplaySeek> cmds = new ArrayList<>();
    long start = System.nanoTime();
    if (seeks > 0) {
      SyncplayRoom r = rooms[0];
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
          SyncplayRoom r = rooms[i];
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
    for (SyncplaySeek c : cmds) {
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
    for (SyncplayClient c : all) {
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
