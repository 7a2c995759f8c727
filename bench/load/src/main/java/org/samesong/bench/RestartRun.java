package org.samesong.bench;

import static org.samesong.bench.FanoutBench.allReceived;
import static org.samesong.bench.FanoutBench.closeCodes;
import static org.samesong.bench.FanoutBench.connectOutcomes;
import static org.samesong.bench.FanoutBench.connectWaitS;
import static org.samesong.bench.FanoutBench.deliveries;
import static org.samesong.bench.FanoutBench.graceMs;
import static org.samesong.bench.FanoutBench.out;
import static org.samesong.bench.FanoutBench.phase;
import static org.samesong.bench.FanoutBench.phaseTime;
import static org.samesong.bench.FanoutBench.reconnecting;
import static org.samesong.bench.FanoutBench.sessions;
import static org.samesong.bench.FanoutBench.settleS;
import static org.samesong.bench.FanoutReport.reportCommands;
import static org.samesong.bench.FanoutSessions.countHello;
import static org.samesong.bench.FanoutSessions.createRooms;
import static org.samesong.bench.FanoutSessions.playAll;
import static org.samesong.bench.FanoutSessions.populateRooms;
import static org.samesong.bench.HostCommand.awaitCommands;
import static org.samesong.bench.HostCommand.command;
import static org.samesong.bench.HostCommand.playMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code --mode restart}: the server restarted under the rooms harness; time until every socket
 * reconnected and a command reaches everyone.
 */
final class RestartRun {
  private RestartRun() {}

  static int run(String admin) throws Exception {
    FanoutRoom[] rooms = createRooms(admin, sessions);
    reconnecting = true;
    List<FanoutClient> all = populateRooms(rooms);
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
      FanoutClient c = all.get(i);
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
    List<HostCommand> cmds = new ArrayList<>();
    long spread = 1_000_000_000L / Math.max(1, rooms.length);
    long s0 = System.nanoTime();
    for (int i = 0; i < rooms.length; i++) {
      long wait = s0 + i * spread - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      FanoutRoom r = rooms[i];
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
}
