package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Drift benchmark of bench/run-drift.sh: listeners join one playing session through the real join
 * page in headless Chromium, and every 50 ms an in-page sampler notes the machine clock ({@code
 * performance.timeOrigin + performance.now()}) and the playing {@code <audio>}'s currentTime. The
 * server runs on the same machine, so its clock is the listeners' clock: each sample is compared with
 * the server's schedule (its {@code playback_state}, advanced over track ends by the playlist's
 * durations), and listeners with each other (the spread).
 *
 * <p>Phases: two separate Chromium processes (settle, then measure); a third joins late (time until
 * its error stays within 10 ms for 1 s); a seek to 4 s before a track's end (the error and the gap at
 * the change); then one Chromium with five browser contexts (settle, measure).
 */
public final class DriftBench {
  static final ObjectMapper JSON = Rest.JSON;

  static Args.Server server;
  static String base;
  static Path results = Path.of("bench/results/drift");
  static Path chromium = Path.of("/usr/bin/chromium");
  static Path chromedriver = Path.of("/usr/bin/chromedriver");
  static int settleS = 5;
  static int measureS = 30;
  static int crowd = 5;
  static String contexts = "cdp";
  static boolean network = false;
  static int changes = 10;

  static HttpClient http;
  static Rest rest;
  static String hostToken;
  static String sessionId;
  static String code;
  static final DriftSchedule schedule = new DriftSchedule();
  static final DriftLoadSampler load = new DriftLoadSampler();
  static final List<String> report = new ArrayList<>();

  /** The in-page sampler: one row every 50 ms from the shadow root's {@code #audio}. */
  static final String SAMPLER =
      """
      if (window.__drift) { return 'present'; }
      const d = { rows: [] };
      window.__drift = d;
      // the real clock: a page whose clock is skewed (network mode) keeps the true one here
      const realNow = window.__realNow || (() => performance.timeOrigin + performance.now());
      const itemOf = (el, a) => {
        try { const s = el.engine.slots.find((x) => x.audio === a); return s ? s.itemId : null; }
        catch (e) { return null; }
      };
      d.timer = setInterval(() => {
        const t = realNow();
        const el = document.querySelector('sync-audio');
        if (!el || !el.shadowRoot) { return; }
        const a = el.shadowRoot.getElementById('audio');
        const b = el.shadowRoot.getElementById('audio-next');
        if (!a) { return; }
        let off = null;
        try { off = el.engine.offset(); } catch (e) { off = null; }
        d.rows.push([t, a.currentTime, itemOf(el, a), a.paused ? 1 : 0, a.playbackRate,
          b ? b.currentTime : null, b ? itemOf(el, b) : null, b && !b.paused ? 1 : 0,
          off, Date.now(), document.visibilityState === 'visible' ? 1 : 0]);
      }, 50);
      return 'installed';
      """;

  static final String DRAIN =
      "const d = window.__drift; if (!d) { return null; }"
          + " const r = d.rows; d.rows = []; return JSON.stringify(r);";

  static final String DIAGNOSTICS =
      """
      const el = document.querySelector('sync-audio');
      if (!el || !el.engine) { return 'no player'; }
      const c = el.engine.controller;
      const r = (x) => Math.round(x * 10) / 10;
      const learned = Object.entries(c.learners).map(([k, l]) => k + ' ' + r(l.value) + ' ms (' + l.count + ')');
      const landings = c.landings.slice(-4).map((l) => l.kind + ' ' + r(l.errorMs) + ' (lead ' + r(l.lead) + ')');
      return 'learned ' + learned.join(', ') + '; last landings ' + landings.join(', ');
      """;

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    server = a.server();
    base = server.base();
    results = a.path("--results", results);
    chromium = a.path("--chromium", chromium);
    chromedriver = a.path("--chromedriver", chromedriver);
    settleS = a.integer("--settle", settleS);
    measureS = a.integer("--measure", measureS);
    crowd = a.integer("--crowd", crowd);
    contexts = a.string("--contexts", contexts);
    network = a.integer("--network", 0) == 1;
    changes = a.integer("--changes", changes);
    a.rejectUnknown();
    if (!URI.create(base).getHost().matches("127\\.0\\.0\\.1|localhost")) {
      throw new IllegalArgumentException("loopback only: " + base);
    }
    Files.createDirectories(results);
    http = Rest.http11(Duration.ofSeconds(30));
    rest = new Rest(http, base, Duration.ofSeconds(30));
    load.start();
    try {
      setUp();
      List<DriftListener> all = new ArrayList<>();
      if (network) {
        DriftNetwork.run(all);
      } else {
        runPairPhase(all);
        runCrowdPhase(all);
      }
      for (DriftListener l : all) {
        l.writeCsv(results.resolve("samples-" + l.name + ".csv"));
      }
    } finally {
      load.stop();
      Files.write(results.resolve("summary.txt"), report);
    }
  }

  // ---------------------------------------------------------------- REST set-up

  static void setUp() throws Exception {
    String admin = rest.login(server.adminUser(), server.adminPassword());
    ObjectNode limits = JSON.createObjectNode();
    limits.put("joins_per_ip_per_minute", 1000);
    limits.put("access_token_ttl_s", 3600);
    rest.expect("PATCH", "/api/admin/settings", admin, limits, 200);
    JsonNode created =
        rest.expect("POST", "/api/sessions", admin, JSON.createObjectNode().put("name", "drift"), 201);
    sessionId = created.path("id").asText();
    code = created.path("code").asText();
    hostToken = created.path("host_token").asText();
    JsonNode tracks = rest.expect("GET", "/api/catalog/tracks?limit=20", admin, null, 200).path("items");
    long total = 0;
    for (JsonNode t : tracks) {
      total += t.path("duration_ms").asLong();
    }
    if (total <= 0) {
      throw new IllegalStateException("no demo tracks in the catalog");
    }
    // the playlist pauses after its last item: repeat the demo tracks to outlast the run
    int rounds = (int) Math.max(1, Math.ceil(900_000.0 / total));
    for (int r = 0; r < rounds; r++) {
      for (JsonNode t : tracks) {
        rest.expect(
            "POST",
            "/api/sessions/" + sessionId + "/playlist",
            hostToken,
            JSON.createObjectNode().put("track_id", t.path("id").asText()),
            201);
      }
    }
    JsonNode playlist = rest.expect("GET", "/api/sessions/" + sessionId + "/playlist", hostToken, null, 200);
    schedule.setPlaylist(playlist.path("items"));
    command(JSON.createObjectNode().put("action", "play"));
    say(
        String.format(
            Locale.ROOT,
            "session %s (code %s): %d demo tracks × %d = %d items, %.0f s in all; playing",
            sessionId,
            code,
            tracks.size(),
            rounds,
            schedule.items.size(),
            schedule.totalMs() / 1000.0));
  }

  /** A playback command; the new state (fetched at once) is the schedule from now on. */
  static void command(ObjectNode body) throws Exception {
    rest.expect("POST", "/api/sessions/" + sessionId + "/playback", hostToken, body, 200);
    JsonNode session = rest.expect("GET", "/api/sessions/" + sessionId, hostToken, null, 200);
    schedule.addState(session.path("playback_state"));
  }

  // ---------------------------------------------------------------- phases

  static void runPairPhase(List<DriftListener> all) throws Exception {
    ChromeDriver a = startBrowser();
    ChromeDriver b = startBrowser();
    ChromeDriver c = null;
    try {
      DriftListener la = new DriftListener("pair-1", a, null);
      DriftListener lb = new DriftListener("pair-2", b, null);
      all.add(la);
      all.add(lb);
      la.join(base);
      lb.join(base);
      List<DriftListener> pair = List.of(la, lb);
      settleAndMeasure(pair, 30_000, "== 2 browsers (2 Chromium processes), " + measureS + " s measured after a " + settleS + " s settle");

      // ---- a late joiner: a third browser, once the first two are settled
      c = startBrowser();
      DriftListener lc = new DriftListener("late", c, null);
      all.add(lc);
      lc.join(base);
      sleep(12_000);
      drain(List.of(la, lb, lc));
      say("");
      say("== late joiner (a third Chromium process)");
      Double conv = lc.convergence(lc.clickAt, 10, 1000);
      say(
          String.format(
              Locale.ROOT,
              "join click → |error| ≤ 10 ms for ≥ 1 s: %s (target ≤ 3 s); first sample %s after the click",
              conv == null ? "not within 12 s" : fmt(conv / 1000.0) + " s",
              lc.rows.isEmpty() ? "none" : fmt((lc.rows.get(0).t() - lc.clickAt) / 1000.0) + " s"));

      // ---- a track change: seek to 4 s before the current track's end
      List<DriftListener> three = List.of(la, lb, lc);
      for (DriftListener l : three) {
        say("before: " + l.diagnostics());
      }
      double boundary = seekNearEnd();
      sleep(8_000);
      drain(three);
      say("");
      say("== track change (seek to duration − 4 s; the next track is due at the boundary)");
      trackChange(three, boundary);
      for (DriftListener l : three) {
        say("after: " + l.diagnostics());
      }
    } finally {
      a.quit();
      b.quit();
      if (c != null) {
        c.quit();
      }
    }
  }

  /**
   * Waits until the listeners are within 20 ms of each other (at most {@code convergeMs}), lets
   * them settle, measures, and prints the window under {@code heading}.
   */
  static void settleAndMeasure(List<DriftListener> listeners, long convergeMs, String heading) throws Exception {
    waitConverged(listeners, convergeMs);
    sleep(settleS * 1000L);
    double from = now();
    DriftLoadSampler.Mark mark = load.mark();
    sleep(measureS * 1000L);
    double to = now();
    drain(listeners);
    say("");
    say(heading);
    summarize(listeners, from, to, load.since(mark));
  }

  static void runCrowdPhase(List<DriftListener> all) throws Exception {
    ChromeDriver browser = startBrowser();
    try {
      List<DriftListener> crowdList = new ArrayList<>();
      String how = null;
      // base is 127.0.0.1: the others need other host names to get cookies of their own
      String[] hosts = {"127.0.0.1", "localhost", "127.0.0.2", "127.0.0.3", "127.0.0.4"};
      int port = URI.create(base).getPort();
      for (int i = 0; i < crowd; i++) {
        String handle = null;
        String origin = base;
        if (i > 0 && contexts.equals("cdp")) {
          try {
            handle = newContextWindow(browser);
            how = "a browser context each (CDP Target.createBrowserContext + Target.createTarget)";
          } catch (RuntimeException e) {
            say(
                "CDP browser contexts not available ("
                    + firstLine(e)
                    + "); tabs on other host names instead");
            contexts = "hosts";
          }
        }
        if (i > 0 && contexts.equals("hosts")) {
          browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
          handle = browser.getWindowHandle();
          origin = "http://" + hosts[i % hosts.length] + ":" + port;
          how = "a tab each on another loopback host name (own cookies)";
        }
        if (i == 0) {
          handle = browser.getWindowHandle();
        }
        DriftListener l = new DriftListener("crowd-" + (i + 1), browser, handle);
        crowdList.add(l);
        all.add(l);
        l.join(origin);
      }
      settleAndMeasure(
          crowdList,
          45_000,
          "== "
              + crowd
              + " listeners in one Chromium ("
              + (how == null ? "the default context" : how)
              + "), "
              + measureS
              + " s measured after a "
              + settleS
              + " s settle");
    } finally {
      if (browserCdp != null) {
        browserCdp.ws.abort();
        browserCdp = null;
      }
      browser.quit();
    }
  }

  /**
   * A new browser context (own cookies, so its own Vaadin session and guest) with one page; its
   * window handle. chromedriver's own CDP passthrough talks to the page, which may not create
   * contexts ("Not allowed"), so this goes to the browser's DevTools endpoint directly; the
   * connection stays open, as the context lives only as long as it.
   */
  static String newContextWindow(ChromeDriver browser) {
    try {
      if (browserCdp == null) {
        browserCdp = new DriftCdp(String.valueOf(browser.getCapabilities().getCapability("se:cdp")));
      }
      JsonNode ctx = browserCdp.call("Target.createBrowserContext", JSON.createObjectNode());
      ObjectNode params = JSON.createObjectNode();
      params.put("url", "about:blank");
      params.put("browserContextId", ctx.path("browserContextId").asText());
      params.put("newWindow", true);
      String targetId = browserCdp.call("Target.createTarget", params).path("targetId").asText();
      long until = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < until) {
        for (String h : browser.getWindowHandles()) {
          if (h.equalsIgnoreCase(targetId)) {
            return h;
          }
        }
        sleep(100);
      }
      throw new IllegalStateException("chromedriver does not list the new context's page");
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static DriftCdp browserCdp;

  static double seekNearEnd() throws Exception {
    JsonNode state = rest.expect("GET", "/api/sessions/" + sessionId, hostToken, null, 200).path("playback_state");
    String itemId = state.path("item_id").asText();
    DriftSchedule.Item item = schedule.item(itemId);
    command(JSON.createObjectNode().put("action", "seek").put("position_ms", item.durationMs() - 4000));
    DriftSchedule.State s = schedule.states.get(schedule.states.size() - 1);
    double boundary = s.updatedAt() + (item.durationMs() - s.positionMs());
    say(
        String.format(
            Locale.ROOT,
            "seek: item %d at %d ms of %d; the next item is due %.0f ms after the command",
            item.index() + 1,
            s.positionMs(),
            item.durationMs(),
            boundary - s.updatedAt()));
    return boundary;
  }

  // ---------------------------------------------------------------- browsers and listeners

  static ChromeDriver startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        // every listener is a foreground page on its own device: no timer throttling of the
        // pages that are not the focused one
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--window-size=900,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  static void waitConverged(List<DriftListener> listeners, long maxMs) throws Exception {
    long until = System.currentTimeMillis() + maxMs;
    while (System.currentTimeMillis() < until) {
      sleep(1000);
      drain(listeners);
      boolean all = true;
      for (DriftListener l : listeners) {
        all &= l.recentWithin(20, 1000);
      }
      if (all) {
        return;
      }
    }
    say("note: not every listener was within 20 ms after " + maxMs / 1000 + " s; measuring anyway");
  }

  static void drain(List<DriftListener> listeners) throws IOException {
    for (DriftListener l : listeners) {
      l.drain();
    }
  }

  // ---------------------------------------------------------------- helpers

  static double pct(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(values);
    s.sort(null);
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
  }

  /** "p50 …  p95 …  max …" of the values. */
  static String percentiles(List<Double> values) {
    return "p50 " + fmt(pct(values, 50)) + "  p95 " + fmt(pct(values, 95)) + "  max " + fmt(pct(values, 100));
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  static String signed(double v) {
    return String.format(Locale.ROOT, "%+.1f", v);
  }

  static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  static double now() {
    return System.currentTimeMillis();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void say(String line) {
    System.out.println(line);
    report.add(line);
  }
}
