package org.samesong.bench;

import static org.samesong.bench.FanoutBench.connectWaitS;
import static org.samesong.bench.FanoutBench.dropWatchS;
import static org.samesong.bench.FanoutBench.joinStatuses;
import static org.samesong.bench.FanoutBench.listeners;
import static org.samesong.bench.FanoutBench.loginPollMs;
import static org.samesong.bench.FanoutBench.out;
import static org.samesong.bench.FanoutBench.phase;
import static org.samesong.bench.FanoutBench.pollMs;
import static org.samesong.bench.FanoutBench.rampPerS;
import static org.samesong.bench.FanoutBench.server;
import static org.samesong.bench.FanoutBench.sessionPollMs;
import static org.samesong.bench.FanoutBench.settleS;
import static org.samesong.bench.FanoutBench.stopping;
import static org.samesong.bench.FanoutReport.serverFigures;
import static org.samesong.bench.FanoutSessions.awaitHellos;
import static org.samesong.bench.FanoutSessions.awaitMembersQuiet;
import static org.samesong.bench.FanoutSessions.countHello;
import static org.samesong.bench.FanoutSessions.joinPaced;
import static org.samesong.bench.FanoutSessions.oneSession;
import static org.samesong.bench.FanoutSessions.restConnected;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.samesong.bench.FanoutReport.Cpu;

/**
 * {@code --mode drop}: every guest dropped at once; the API polled meanwhile and how long the
 * host's view of its members takes to be right.
 */
final class DropRun {
  private DropRun() {}

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

  static int run(String admin) throws Exception {
    FanoutRoom r = oneSession(admin);
    long t0 = System.nanoTime();
    List<FanoutClient> guests = joinPaced(r, 0, listeners, listeners / (double) Math.max(1, rampPerS));
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
    for (FanoutClient c : guests) {
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
}
