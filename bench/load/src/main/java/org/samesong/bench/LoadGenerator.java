package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Join + request + approve throughput of a running Samesong server.
 *
 * <p>Setup: the admin logs in, lifts the rate limits ({@code PATCH /api/admin/settings}), picks a
 * catalog track, creates {@code --sessions} sessions (host tokens) and adds the track to each
 * playlist. Then {@code --users} virtual users (one thread each) repeat, for {@code --warmup} plus
 * {@code --duration} seconds: join a random session as a new guest, file a request to add the
 * track, and the session's host approves (or denies, {@code --decide deny}) it. Only cycles that
 * complete inside the measured window count; latencies are recorded for steps started in it.
 *
 * <p>Every status is checked; failures are counted by step, status and error code and the virtual
 * user goes on with a new cycle. The run ends by itself: after the duration, after {@code
 * --max-cycles} measured cycles, after {@code --max-errors} errors, or when the server process
 * ({@code --server-pid}) is gone. Traffic goes to loopback addresses only.
 */
public final class LoadGenerator {
  private static final String[] STEPS = {"join", "request", "decide", "cycle"};
  private static final int JOIN = 0;
  private static final int REQUEST = 1;
  private static final int DECIDE = 2;
  private static final int CYCLE = 3;
  private static final int SLICE_S = 5;

  private final LoadOptions o;
  private final Rest rest;
  private final Map<String, LongAdder> warmupErrors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> measuredErrors = new ConcurrentHashMap<>();
  private final LongAdder allErrors = new LongAdder();
  private final AtomicLong measuredCycles = new AtomicLong();
  private final LongAdder decidedTotal = new LongAdder();
  private final AtomicBoolean stop = new AtomicBoolean();
  private volatile String stopReason = "duration reached";
  private volatile long warmupEnd;
  private volatile long measureEnd;
  private AtomicLongArray slices;

  private LoadGenerator(LoadOptions o) {
    this.o = o;
    this.rest = new Rest(Rest.http11(Duration.ofSeconds(5)), o.base.toString(), o.requestTimeout).withIndentedBodies();
  }

  public static void main(String[] args) throws Exception {
    LoadOptions o = Args.orUsage(() -> LoadOptions.parse(args), LoadOptions.USAGE);
    try {
      System.exit(new LoadGenerator(o).run());
    } catch (Rest.SetupException e) {
      System.err.println("setup failed: " + e.getMessage());
      System.exit(2);
    }
  }

  /** A session created in the setup. */
  record BenchSession(String id, String code, String hostToken) {}

  /** What one virtual user measured. */
  static final class UserStats {
    final Histogram[] steps = new Histogram[STEPS.length];

    UserStats() {
      for (int i = 0; i < steps.length; i++) {
        steps[i] = new Histogram(3_600_000_000L, 3);
      }
    }
  }

  private int run() throws Exception {
    // ---- setup
    String adminToken = rest.login(o.adminUser, o.adminPassword);
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put("joins_per_ip_per_minute", 1_000_000);
    limits.put("guest_requests_per_minute", 100_000);
    limits.put("guest_request_burst", 100_000);
    limits.put("session_requests_per_minute", 1_000_000);
    limits.put("max_guests_per_session", 1_000_000);
    limits.put("logins_per_minute", 1_000_000);
    limits.put("access_token_ttl_s", 86_400);
    rest.call("PATCH", "/api/admin/settings", adminToken, limits).expect(200, "raising the limits");
    JsonNode tracks = rest.call("GET", "/api/catalog/tracks?limit=1", adminToken, null).expect(200, "catalog search");
    if (tracks.path("items").size() == 0) {
      throw new Rest.SetupException("the catalog is empty: no track to request");
    }
    String trackId = tracks.path("items").get(0).path("id").asText();
    List<BenchSession> sessions = new ArrayList<>();
    for (int i = 0; i < o.sessions; i++) {
      JsonNode created = rest.call("POST", "/api/sessions", adminToken, Map.of("name", "bench " + i)).expect(201, "creating a session");
      BenchSession s =
          new BenchSession(created.path("id").asText(), created.path("code").asText(), created.path("host_token").asText());
      rest.call("POST", "/api/sessions/" + s.id() + "/playlist", s.hostToken(), Map.of("track_id", trackId)).expect(201, "seeding a playlist");
      sessions.add(s);
    }
    System.out.printf(
        Locale.ROOT,
        "setup: %d sessions with 1 playlist item each, track %s; %d virtual users, warm-up %d s, measured %d s%n",
        sessions.size(),
        trackId,
        o.users,
        o.warmup.toSeconds(),
        o.duration.toSeconds());

    // ---- load
    int sliceCount = (int) Math.max(1, (o.duration.toSeconds() + SLICE_S - 1) / SLICE_S);
    slices = new AtomicLongArray(sliceCount);
    LoadProbe.take(o.serverPid, o.clkTck); // loads the JMX and /proc code before it is timed
    long start = System.nanoTime();
    warmupEnd = start + o.warmup.toNanos();
    measureEnd = warmupEnd + o.duration.toNanos();
    UserStats[] stats = new UserStats[o.users];
    Thread[] threads = new Thread[o.users];
    for (int u = 0; u < o.users; u++) {
      stats[u] = new UserStats();
      int user = u;
      threads[u] = new Thread(() -> virtualUser(user, sessions, trackId, stats[user]), "vu-" + u);
      threads[u].setDaemon(true);
      threads[u].start();
    }
    phase("warmup");
    sleepUntil(warmupEnd);
    phase("measure");
    LoadProbe before = LoadProbe.take(o.serverPid, o.clkTck);
    long measureStart = System.nanoTime();
    while (!stop.get() && System.nanoTime() < measureEnd) {
      sleepUntil(Math.min(measureEnd, System.nanoTime() + 200_000_000L));
      if (o.serverPid > 0 && !Files.exists(Path.of("/proc/" + o.serverPid))) {
        stopReason = "the server process is gone";
        stop.set(true);
      }
    }
    long measureStop = System.nanoTime();
    LoadProbe after = LoadProbe.take(o.serverPid, o.clkTck);
    phase("done");
    stop.set(true);
    for (Thread t : threads) {
      t.join(o.requestTimeout.toMillis() + 5_000);
    }
    long still = java.util.Arrays.stream(threads).filter(Thread::isAlive).count();

    // ---- results
    Latency[] steps = new Latency[STEPS.length];
    for (int i = 0; i < STEPS.length; i++) {
      Histogram merged = new Histogram(3_600_000_000L, 3);
      for (UserStats s : stats) {
        merged.add(s.steps[i]);
      }
      steps[i] = Latency.of(merged, 1000.0);
    }
    // the window the cycles were counted in: from the end of the warm-up to the end (or the stop)
    double seconds = (Math.min(measureStop, measureEnd) - warmupEnd) / 1e9;
    double probeSeconds = (measureStop - measureStart) / 1e9;
    long cycles = Math.min(measuredCycles.get(), o.maxCycles);
    Outcome outcome = new Outcome(steps, cycles, seconds, probeSeconds, cycles / seconds, before, after, checkPlaylists(sessions));
    report(outcome, still);
    if (o.jsonOut != null) {
      writeJson(outcome);
    }
    return measuredErrors.isEmpty() && outcome.check().ok() ? 0 : 1;
  }

  /** Tells a watcher (bench/run-api.sh's profiler) which phase the run is in. */
  private void phase(String name) throws IOException {
    if (o.phaseFile != null) {
      Path tmp = o.phaseFile.resolveSibling(o.phaseFile.getFileName() + ".tmp");
      Files.writeString(tmp, name + "\n");
      Files.move(tmp, o.phaseFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private void virtualUser(int user, List<BenchSession> sessions, String trackId, UserStats stats) {
    SplittableRandom random = new SplittableRandom(user * 7919L + System.nanoTime());
    long seq = 0;
    Map<String, Object> requestBody = Map.of("action", "add", "track_id", trackId);
    while (!stop.get()) {
      long cycleStart = System.nanoTime();
      if (cycleStart >= measureEnd) {
        break;
      }
      BenchSession session = sessions.get(random.nextInt(sessions.size()));
      String name = "vu" + user + "-" + seq++;
      // join
      long t0 = System.nanoTime();
      Rest.Result join = rest.call("POST", "/api/sessions/" + session.code() + "/join", null, Map.of("display_name", name));
      long t1 = System.nanoTime();
      if (!ok(JOIN, join, 200, t0, t1, stats)) {
        continue;
      }
      String guestToken = join.body().path("token").asText();
      // request
      Rest.Result request = rest.call("POST", "/api/sessions/" + session.id() + "/requests", guestToken, requestBody);
      long t2 = System.nanoTime();
      if (!ok(REQUEST, request, 201, t1, t2, stats)) {
        continue;
      }
      String requestId = request.body().path("request_id").asText();
      // the host decides
      Rest.Result decision =
          rest.call("POST", "/api/requests/" + requestId + "/" + o.decide, session.hostToken(), o.decide.equals("deny") ? Map.of() : null);
      long t3 = System.nanoTime();
      if (!ok(DECIDE, decision, 200, t2, t3, stats)) {
        continue;
      }
      String expected = o.decide.equals("approve") ? "approved" : "denied";
      if (!expected.equals(decision.body().path("status").asText())) {
        error(DECIDE, t2, "200 status=" + decision.body().path("status").asText());
        continue;
      }
      decidedTotal.increment();
      if (cycleStart >= warmupEnd) {
        stats.steps[CYCLE].recordValue(Math.max(1, (t3 - cycleStart) / 1_000));
      }
      if (t3 >= warmupEnd && t3 <= measureEnd && !stop.get()) {
        long n = measuredCycles.incrementAndGet();
        int slice = (int) ((t3 - warmupEnd) / (SLICE_S * 1_000_000_000L));
        if (slice < slices.length()) {
          slices.incrementAndGet(slice);
        }
        if (n >= o.maxCycles) {
          stopReason = "--max-cycles reached";
          stop.set(true);
        }
      }
    }
  }

  /** Records the step's latency (when it started in the measured window) and checks its status. */
  private boolean ok(int step, Rest.Result r, int expected, long started, long ended, UserStats stats) {
    if (started >= warmupEnd && started < measureEnd) {
      stats.steps[step].recordValue(Math.max(1, (ended - started) / 1_000));
    }
    if (r.status() == expected) {
      return true;
    }
    String code = r.body() == null ? "" : r.body().path("error").path("code").asText("");
    error(step, started, r.status() < 0 ? r.failure() : r.status() + (code.isEmpty() ? "" : " " + code));
    return false;
  }

  private void error(int step, long started, String what) {
    Map<String, LongAdder> errors = started >= warmupEnd ? measuredErrors : warmupErrors;
    errors.computeIfAbsent(STEPS[step] + " " + what, k -> new LongAdder()).increment();
    allErrors.increment();
    if (allErrors.sum() >= o.maxErrors && stop.compareAndSet(false, true)) {
      stopReason = "--max-errors (" + o.maxErrors + ") reached";
    }
    try {
      Thread.sleep(10); // no hot loop against a failing server
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- checks and output

  /** Every approval must have landed in a playlist: items = seeded + approved. */
  record PlaylistCheck(long items, long expected, String problem) {
    boolean ok() {
      return problem == null && items == expected;
    }
  }

  private PlaylistCheck checkPlaylists(List<BenchSession> sessions) {
    long items = 0;
    for (BenchSession s : sessions) {
      Rest.Result r = rest.call("GET", "/api/sessions/" + s.id() + "/playlist", s.hostToken(), null);
      if (r.status() != 200) {
        return new PlaylistCheck(items, 0, "GET playlist: " + (r.status() < 0 ? r.failure() : r.status()));
      }
      items += r.body().path("items").size();
    }
    long expected = sessions.size() + (o.decide.equals("approve") ? decidedTotal.sum() : 0);
    return new PlaylistCheck(items, expected, null);
  }

  /**
   * What a run measured: the latency per step (µs histograms), the cycles counted in {@code
   * seconds} (the window after the warm-up), the /proc probes {@code probeSeconds} apart.
   */
  record Outcome(
      Latency[] steps,
      long cycles,
      double seconds,
      double probeSeconds,
      double rate,
      LoadProbe before,
      LoadProbe after,
      PlaylistCheck check) {}

  private void report(Outcome r, long still) {
    long cycles = r.cycles();
    double probeSeconds = r.probeSeconds();
    LoadProbe before = r.before();
    LoadProbe after = r.after();
    PlaylistCheck check = r.check();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n== %s: join + request + %s ==%n", o.label, o.decide));
    out.append(
        String.format(
            Locale.ROOT,
            "throughput: %d cycles in %.1f s = %.1f cycles/s (%.1f API calls/s); %d users, %d sessions; stop: %s%n",
            cycles,
            r.seconds(),
            r.rate(),
            r.rate() * 3,
            o.users,
            o.sessions,
            stopReason));
    StringBuilder sl = new StringBuilder();
    for (int i = 0; i < slices.length(); i++) {
      sl.append(String.format(Locale.ROOT, " %.0f", slices.get(i) / (double) SLICE_S));
    }
    out.append("cycles/s per " + SLICE_S + " s slice:" + sl + "\n");
    out.append(String.format(Locale.ROOT, "%-8s %8s %8s %8s %8s %8s %8s%n", "step", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"));
    for (int i = 0; i < STEPS.length; i++) {
      Latency l = r.steps()[i];
      out.append(
          String.format(
              Locale.ROOT,
              "%-8s %8d %8.2f %8.2f %8.2f %8.2f %8.2f%n",
              i == DECIDE ? o.decide : STEPS[i],
              l.count(),
              round(l.p50()),
              round(l.p95()),
              round(l.p99()),
              round(l.max()),
              l.mean()));
    }
    out.append("errors in the measured window: ").append(describe(measuredErrors)).append('\n');
    if (!warmupErrors.isEmpty()) {
      out.append("errors in the warm-up: ").append(describe(warmupErrors)).append('\n');
    }
    if (before != null && after != null) {
      double cpu = after.serverCpuS() - before.serverCpuS();
      double gen = after.selfCpuS() - before.selfCpuS();
      double busy = after.machineBusyS() - before.machineBusyS();
      out.append(
          String.format(
              Locale.ROOT,
              "server: CPU %.1f s in %.1f s (%.2f cores, %.2f ms per cycle), RSS %d MB at the end (peak %d MB), %d threads%n",
              cpu,
              probeSeconds,
              cpu / probeSeconds,
              cycles == 0 ? 0 : cpu * 1000 / cycles,
              after.rssKb() / 1024,
              after.hwmKb() / 1024,
              after.threads()));
      Map<String, Double> delta = new TreeMap<>();
      after.threadCpuS().forEach((k, v) -> delta.put(k, v - before.threadCpuS().getOrDefault(k, 0.0)));
      StringBuilder threads = new StringBuilder();
      delta.entrySet().stream()
          .filter(e -> e.getValue() >= 0.05)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .limit(8)
          .forEach(e -> threads.append(String.format(Locale.ROOT, "%s%s %.1f s", threads.length() == 0 ? "" : ", ", e.getKey(), e.getValue())));
      out.append("server CPU by thread: ").append(threads).append('\n');
      out.append(String.format(Locale.ROOT, "generator: CPU %.1f s (%.2f cores)%n", gen, gen / probeSeconds));
      double pg = after.postgresCpuS() - before.postgresCpuS();
      if (pg >= 0.05) {
        out.append(
            String.format(
                Locale.ROOT,
                "PostgreSQL processes (all on the machine): CPU %.1f s (%.2f cores, %.2f ms per cycle)%n",
                pg,
                pg / probeSeconds,
                cycles == 0 ? 0 : pg * 1000 / cycles));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "machine: %d cores, busy %.2f cores on average, of which other processes %.2f; load average %s -> %s%n",
              Runtime.getRuntime().availableProcessors(),
              busy / probeSeconds,
              Math.max(0, busy - cpu - gen - pg) / probeSeconds,
              before.loadAvg(),
              after.loadAvg()));
    }
    out.append(
        check.problem() != null
            ? "playlist check: " + check.problem() + "\n"
            : String.format(
                Locale.ROOT,
                "playlist check: %d items in %d playlists, expected %d: %s%n",
                check.items(),
                o.sessions,
                check.expected(),
                check.ok() ? "OK" : "MISMATCH"));
    if (still > 0) {
      out.append(still + " virtual users were still waiting for an answer at the end\n");
    }
    System.out.print(out);
  }

  private void writeJson(Outcome r) {
    double probeSeconds = r.probeSeconds();
    LoadProbe before = r.before();
    LoadProbe after = r.after();
    ObjectNode root = Rest.JSON.createObjectNode();
    root.put("label", o.label);
    root.put("decide", o.decide);
    root.put("users", o.users);
    root.put("sessions", o.sessions);
    root.put("warmup_s", o.warmup.toSeconds());
    root.put("measured_s", round(r.seconds()));
    root.put("cycles", r.cycles());
    root.put("cycles_per_s", round(r.rate()));
    root.put("stop", stopReason);
    var sl = root.putArray("cycles_per_s_slices");
    for (int i = 0; i < slices.length(); i++) {
      sl.add(slices.get(i) / (double) SLICE_S);
    }
    ObjectNode steps = root.putObject("latency_ms");
    for (int i = 0; i < STEPS.length; i++) {
      Latency l = r.steps()[i];
      ObjectNode s = steps.putObject(i == DECIDE ? o.decide : STEPS[i]);
      s.put("count", l.count());
      s.put("p50", round(l.p50()));
      s.put("p95", round(l.p95()));
      s.put("p99", round(l.p99()));
      s.put("max", round(l.max()));
      s.put("mean", round(l.mean()));
    }
    ObjectNode errors = root.putObject("errors");
    new TreeMap<>(measuredErrors).forEach((k, v) -> errors.put(k, v.sum()));
    ObjectNode warm = root.putObject("warmup_errors");
    new TreeMap<>(warmupErrors).forEach((k, v) -> warm.put(k, v.sum()));
    if (before != null && after != null) {
      root.put("server_cpu_s", round(after.serverCpuS() - before.serverCpuS()));
      ObjectNode byThread = root.putObject("server_cpu_s_by_thread");
      after.threadCpuS().forEach((k, v) -> {
        double d = v - before.threadCpuS().getOrDefault(k, 0.0);
        if (d >= 0.05) {
          byThread.put(k, round(d));
        }
      });
      root.put("server_rss_mb", after.rssKb() / 1024);
      root.put("server_peak_rss_mb", after.hwmKb() / 1024);
      root.put("generator_cpu_s", round(after.selfCpuS() - before.selfCpuS()));
      root.put("server_cores", round((after.serverCpuS() - before.serverCpuS()) / probeSeconds));
      root.put("generator_cores", round((after.selfCpuS() - before.selfCpuS()) / probeSeconds));
      double pg = after.postgresCpuS() - before.postgresCpuS();
      root.put("postgres_cpu_s", round(pg));
      root.put("machine_busy_cores", round((after.machineBusyS() - before.machineBusyS()) / probeSeconds));
      root.put(
          "other_processes_cores",
          round(
              Math.max(
                      0,
                      (after.machineBusyS() - before.machineBusyS())
                          - (after.serverCpuS() - before.serverCpuS())
                          - (after.selfCpuS() - before.selfCpuS())
                          - pg)
                  / probeSeconds));
      root.put("loadavg_before", before.loadAvg());
      root.put("loadavg_after", after.loadAvg());
    }
    root.put("playlist_items", r.check().items());
    root.put("playlist_expected", r.check().expected());
    Rest.writeJson(o.jsonOut, root);
  }

  private static String describe(Map<String, LongAdder> errors) {
    if (errors.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    new TreeMap<>(errors).forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ×").append(v.sum()));
    return b.toString();
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
    }
  }
}
