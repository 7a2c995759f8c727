package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;
import static org.samesong.bench.DriftBench.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The drift benchmark's real-network mode ({@code --network 1}): every listener reaches the server
 * through its own {@link DelayProxy} (its page, REST and WebSocket alike), and its page clock is set
 * hundreds of ms off and running tens of ppm fast or slow (an init script skews what the page sees
 * of {@code performance.now()} and {@code Date.now()}; the sampler keeps the real clock, so errors
 * are measured against the machine's clock, which is the server's). Three listeners on 40 ± 15,
 * 80 ± 30 (with spikes) and 40 ± 15 ms paths; the third one's path turns to 150 ± 50 ms with 1 %
 * spikes of 400 ms for the second window; then a late joiner on a 50 ± 20 ms path, then track
 * changes (a seek to 4 s before a track's end, CHANGES times).
 */
final class DriftNetwork {
  private DriftNetwork() {}

  record Spec(String name, DelayProxy.Model model, double clockOffsetMs, double clockPpm) {}

  static void run(List<DriftListener> all) throws Exception {
    int serverPort = java.net.URI.create(base).getPort();
    List<Spec> specs =
        List.of(
            new Spec("net-1", DelayProxy.Model.normal(40, 15), 480, 90),
            new Spec("net-2", DelayProxy.Model.normal(80, 30).withSpikes(0.005, 300), -350, -80),
            new Spec("net-3", DelayProxy.Model.normal(40, 15), 260, -100));
    List<DelayProxy> proxies = new ArrayList<>();
    List<ChromeDriver> drivers = new ArrayList<>();
    DriftConsole console = new DriftConsole();
    try {
      List<DriftListener> three = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        Spec sp = specs.get(i);
        DelayProxy proxy = new DelayProxy(serverPort, sp.model(), i + 1);
        proxies.add(proxy);
        ChromeDriver d = startBrowser();
        drivers.add(d);
        skewClock(d, sp.clockOffsetMs(), sp.clockPpm());
        DriftListener l = new DriftListener(sp.name(), d, null);
        three.add(l);
        all.add(l);
        say(String.format(Locale.ROOT, "%s: path %s each way, page clock %+.0f ms, %+.0f ppm", sp.name(), sp.model(), sp.clockOffsetMs(), sp.clockPpm()));
        l.join("http://127.0.0.1:" + proxy.port());
      }
      settleAndMeasure(three, 120_000, "== 3 listeners on their paths, " + measureS + " s measured after a " + settleS + " s settle");
      double steadyTo = now();
      drain(three);
      say("");
      say("== the host console's drift column (REST members' drift_ms) vs the sampler, the last " + measureS + " s");
      console.compare(three, steadyTo - measureS * 1000L, steadyTo);
      DelayProxy.Model worse = DelayProxy.Model.normal(150, 50).withSpikes(0.01, 400);
      proxies.get(2).set(worse);
      say("");
      say("net-3's path turns to " + worse + " each way");
      for (DriftListener l : three) {
        say("before: " + l.diagnostics());
      }
      double from = now();
      DriftLoadSampler.Mark mark = load.mark();
      sleep(measureS * 1000L);
      double to = now();
      drain(three);
      say("");
      say("== after net-3's path turned, " + measureS + " s measured at once");
      summarize(three, from, to, load.since(mark));
      console.compare(three, from, to);
      for (DriftListener l : three) {
        say("after: " + l.diagnostics());
      }

      // ---- a late joiner on a 50 ± 20 ms path, clock 500 ms off and 100 ppm fast
      DelayProxy lateProxy = new DelayProxy(serverPort, DelayProxy.Model.normal(50, 20), 9);
      proxies.add(lateProxy);
      ChromeDriver lateDriver = startBrowser();
      drivers.add(lateDriver);
      skewClock(lateDriver, -500, 100);
      DriftListener late = new DriftListener("late", lateDriver, null);
      all.add(late);
      late.join("http://127.0.0.1:" + lateProxy.port());
      sleep(12_000);
      List<DriftListener> four = new ArrayList<>(three);
      four.add(late);
      drain(four);
      say("");
      say("== late joiner (path " + lateProxy.model() + " each way, page clock −500 ms, +100 ppm)");
      Double conv = late.convergence(late.clickAt, 10, 1000);
      say(
          String.format(
              Locale.ROOT,
              "join click → |error| ≤ 10 ms for ≥ 1 s: %s (target ≤ 2 s); first sample %s after the click",
              conv == null ? "not within 12 s" : fmt(conv / 1000.0) + " s",
              late.rows.isEmpty() ? "none" : fmt((late.rows.get(0).t() - late.clickAt) / 1000.0) + " s"));

      // ---- track changes
      for (int c = 1; c <= DriftBench.changes; c++) {
        double boundary = seekNearEnd();
        sleep(7_000);
        drain(four);
        say("");
        say("== track change " + c + " of " + DriftBench.changes);
        trackChange(four, boundary);
      }
      summarizeChanges();
      for (DriftListener l : four) {
        say("end: " + l.diagnostics());
      }
    } finally {
      console.close();
      for (ChromeDriver d : drivers) {
        d.quit();
      }
      for (DelayProxy p : proxies) {
        p.close();
      }
    }
  }

  /**
   * Skews what every page of this browser sees of the clock: {@code performance.now()} and {@code
   * Date.now()} run {@code ppm} fast and {@code offsetMs} ahead; {@code window.__realNow()} keeps the
   * true epoch ms for the sampler.
   */
  static void skewClock(ChromeDriver driver, double offsetMs, double ppm) {
    String js =
        String.format(
            Locale.ROOT,
            """
            (() => {
              const now = performance.now.bind(performance);
              const dateNow = Date.now;
              const origin = performance.timeOrigin;
              const rate = 1 + %s / 1e6;
              const offset = %s;
              window.__realNow = () => origin + now();
              performance.now = () => now() * rate + offset;
              Date.now = () => Math.floor(origin + now() * rate + offset);
              void dateNow;
            })();
            """,
            ppm,
            offsetMs);
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", js));
  }

  static void summarizeChanges() {
    say("");
    say("== " + DriftBench.changes + " track changes, all listeners");
    List<Double> starts = new ArrayList<>();
    List<Double> p95s = new ArrayList<>();
    int silences = 0;
    int over5 = 0;
    int never = 0;
    for (Change c : changeResults) {
      if (c.startError() == null) {
        never++;
      } else {
        starts.add(Math.abs(c.startError()));
        if (Math.abs(c.startError()) > 5) {
          over5++;
        }
      }
      if (c.overlapMs() != null && c.overlapMs() < 0) {
        silences++;
      }
      if (c.p95From200() != null) {
        p95s.add(c.p95From200());
      }
    }
    say(
        String.format(
            Locale.ROOT,
            "%d listener-changes: |error| of the new track at its first moving sample %s; starts more than 5 ms off: %d; never seen moving: %d;"
                + " silence between old and new (50-ms samples): %d; per change p95 |error| 0.2–2 s after the boundary: %s",
            changeResults.size(),
            percentiles(starts),
            over5,
            never,
            silences,
            percentiles(p95s)));
  }
}
