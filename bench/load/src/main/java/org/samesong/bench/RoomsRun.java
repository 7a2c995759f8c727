package org.samesong.bench;

import static org.samesong.bench.FanoutBench.allReceived;
import static org.samesong.bench.FanoutBench.deliveries;
import static org.samesong.bench.FanoutBench.durationS;
import static org.samesong.bench.FanoutBench.graceMs;
import static org.samesong.bench.FanoutBench.heartbeatFrom;
import static org.samesong.bench.FanoutBench.heartbeatTo;
import static org.samesong.bench.FanoutBench.heartbeats;
import static org.samesong.bench.FanoutBench.intervalMs;
import static org.samesong.bench.FanoutBench.listeners;
import static org.samesong.bench.FanoutBench.messagesReceived;
import static org.samesong.bench.FanoutBench.out;
import static org.samesong.bench.FanoutBench.pattern;
import static org.samesong.bench.FanoutBench.phase;
import static org.samesong.bench.FanoutBench.sessions;
import static org.samesong.bench.FanoutBench.settleS;
import static org.samesong.bench.FanoutReport.reportCommands;
import static org.samesong.bench.FanoutReport.serverFigures;
import static org.samesong.bench.FanoutSessions.createRooms;
import static org.samesong.bench.FanoutSessions.playAll;
import static org.samesong.bench.FanoutSessions.populateRooms;
import static org.samesong.bench.HostCommand.awaitCommands;
import static org.samesong.bench.HostCommand.command;
import static org.samesong.bench.HostCommand.commandAsync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.samesong.bench.FanoutReport.Cpu;

/**
 * {@code --mode rooms}: S sessions of L guests in all; the hosts seek once a second at a random
 * moment (or play/pause in turn).
 */
final class RoomsRun {
  private RoomsRun() {}

  static int run(String admin) throws Exception {
    FanoutRoom[] rooms = createRooms(admin, sessions);
    List<FanoutClient> all = populateRooms(rooms);
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
    List<HostCommand> cmds = new ArrayList<>();
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
          FanoutRoom r = rooms[i];
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
        FanoutRoom r = rooms[k++ % rooms.length];
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
}
