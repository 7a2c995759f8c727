package org.samesong.bench;

import static org.samesong.bench.FanoutBench.allReceived;
import static org.samesong.bench.FanoutBench.byType;
import static org.samesong.bench.FanoutBench.connectWaitS;
import static org.samesong.bench.FanoutBench.counting;
import static org.samesong.bench.FanoutBench.deliveries;
import static org.samesong.bench.FanoutBench.graceMs;
import static org.samesong.bench.FanoutBench.joinLatency;
import static org.samesong.bench.FanoutBench.joinSeconds;
import static org.samesong.bench.FanoutBench.joinStatuses;
import static org.samesong.bench.FanoutBench.joinToHello;
import static org.samesong.bench.FanoutBench.listeners;
import static org.samesong.bench.FanoutBench.out;
import static org.samesong.bench.FanoutBench.phase;
import static org.samesong.bench.FanoutBench.reconnecting;
import static org.samesong.bench.FanoutBench.seekGapMs;
import static org.samesong.bench.FanoutBench.seeks;
import static org.samesong.bench.FanoutBench.settleS;
import static org.samesong.bench.FanoutBench.wave;
import static org.samesong.bench.FanoutBench.waveGapMs;
import static org.samesong.bench.FanoutReport.reportCommands;
import static org.samesong.bench.FanoutReport.serverFigures;
import static org.samesong.bench.FanoutSessions.awaitHellos;
import static org.samesong.bench.FanoutSessions.awaitMembersQuiet;
import static org.samesong.bench.FanoutSessions.countHello;
import static org.samesong.bench.FanoutSessions.join;
import static org.samesong.bench.FanoutSessions.joinPaced;
import static org.samesong.bench.FanoutSessions.oneSession;
import static org.samesong.bench.FanoutSessions.restConnected;
import static org.samesong.bench.HostCommand.awaitCommands;
import static org.samesong.bench.HostCommand.command;
import static org.samesong.bench.HostCommand.playMessage;
import static org.samesong.bench.HostCommand.seekMessage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.samesong.bench.FanoutReport.Cpu;

/**
 * {@code --mode one-room} (joins within seconds, then host seeks) and {@code --mode join-storm}
 * (joins in waves: what the others receive per join).
 */
final class OneRoomRun {
  private OneRoomRun() {}

  static int oneRoom(String admin) throws Exception {
    FanoutRoom r = oneSession(admin);
    // a player whose connect fails (refused, reset, a bad handshake) tries again with its backoff;
    // so do these, and the outcomes are counted (connect outcomes at the end)
    reconnecting = true;
    long t0 = System.nanoTime();
    Cpu joinCpu = Cpu.now();
    List<FanoutClient> guests = joinPaced(r, 0, listeners, joinSeconds);
    long tJoined = System.nanoTime();
    boolean allHello = awaitHellos(guests, 1, connectWaitS * 1000L);
    long tHello = System.nanoTime();
    Latency jl = Latency.of(joinLatency.getIntervalHistogram(), 1000.0);
    Latency jh = Latency.of(joinToHello.getIntervalHistogram(), 1000.0);
    System.out.printf("joins: %d answered in %.1f s (target %d s), statuses %s; REST join p50 %.1f / p99 %.1f / max %.1f ms%n",
        listeners, (tJoined - t0) / 1e9, joinSeconds, new TreeMap<>(joinStatuses), jl.p50(), jl.p99(), jl.max());
    System.out.printf("hello: %d of %d guests, all by %.1f s after the first join%s; join answer → hello p50 %.1f / p99 %.1f / max %.1f ms%n",
        countHello(guests, 1), guests.size(), (tHello - t0) / 1e9, allHello ? "" : " (gave up)", jh.p50(), jh.p99(), jh.max());
    System.out.print("joins and their sockets until the last hello: ");
    joinCpu.report("join_");
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
    List<HostCommand> cmds = new ArrayList<>();
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
    FanoutRoom r = oneSession(admin);
    r.host.send(playMessage(1_000));
    Thread.sleep(500);
    phase("measure");
    Cpu cpu = Cpu.now();
    counting = true;
    long t0 = System.nanoTime();
    List<FanoutClient> guests = new ArrayList<>();
    int waves = (listeners + wave - 1) / wave;
    HostCommand seek = null;
    int joined = 0;
    for (int w = 0; w < waves; w++) {
      int n = Math.min(wave, listeners - joined);
      List<FanoutClient> got = Collections.synchronizedList(new ArrayList<>());
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
    for (FanoutClient c : guests) {
      if (c.helloCount > 0) {
        hellosAt.add(c.helloNanos);
      }
    }
    Collections.sort(hellosAt);
    long joinsAfterSum = 0;
    Histogram perListener = new Histogram(3);
    for (FanoutClient c : guests) {
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
}
