package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

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

  static HttpClient http;
  static Rest rest;
  static String hostToken;
  static String sessionId;
  static String code;
  static final Schedule schedule = new Schedule();
  static final LoadSampler load = new LoadSampler();
  static final List<String> report = new ArrayList<>();

  /** The in-page sampler: one row every 50 ms from the shadow root's {@code #audio}. */
  static final String SAMPLER =
      """
      if (window.__drift) { return 'present'; }
      const d = { rows: [] };
      window.__drift = d;
      const itemOf = (el, a) => {
        try { const s = el.engine.slots.find((x) => x.audio === a); return s ? s.itemId : null; }
        catch (e) { return null; }
      };
      d.timer = setInterval(() => {
        const t = performance.timeOrigin + performance.now();
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
      List<Listener> all = new ArrayList<>();
      runPairPhase(all);
      runCrowdPhase(all);
      for (Listener l : all) {
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

  static void runPairPhase(List<Listener> all) throws Exception {
    ChromeDriver a = startBrowser();
    ChromeDriver b = startBrowser();
    ChromeDriver c = null;
    try {
      Listener la = new Listener("pair-1", a, null);
      Listener lb = new Listener("pair-2", b, null);
      all.add(la);
      all.add(lb);
      la.join(base);
      lb.join(base);
      List<Listener> pair = List.of(la, lb);
      settleAndMeasure(pair, 30_000, "== 2 browsers (2 Chromium processes), " + measureS + " s measured after a " + settleS + " s settle");

      // ---- a late joiner: a third browser, once the first two are settled
      c = startBrowser();
      Listener lc = new Listener("late", c, null);
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
              lc.rows.isEmpty() ? "none" : fmt((lc.rows.get(0).t - lc.clickAt) / 1000.0) + " s"));

      // ---- a track change: seek to 4 s before the current track's end
      List<Listener> three = List.of(la, lb, lc);
      for (Listener l : three) {
        say("before: " + l.diagnostics());
      }
      double boundary = seekNearEnd();
      sleep(8_000);
      drain(three);
      say("");
      say("== track change (seek to duration − 4 s; the next track is due at the boundary)");
      trackChange(three, boundary);
      for (Listener l : three) {
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
  static void settleAndMeasure(List<Listener> listeners, long convergeMs, String heading) throws Exception {
    waitConverged(listeners, convergeMs);
    sleep(settleS * 1000L);
    double from = now();
    LoadSampler.Mark mark = load.mark();
    sleep(measureS * 1000L);
    double to = now();
    drain(listeners);
    say("");
    say(heading);
    summarize(listeners, from, to, load.since(mark));
  }

  static void runCrowdPhase(List<Listener> all) throws Exception {
    ChromeDriver browser = startBrowser();
    try {
      List<Listener> crowdList = new ArrayList<>();
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
        Listener l = new Listener("crowd-" + (i + 1), browser, handle);
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
        browserCdp = new Cdp(String.valueOf(browser.getCapabilities().getCapability("se:cdp")));
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

  static Cdp browserCdp;

  /** A minimal Chrome DevTools Protocol client: one WebSocket, calls answered by id. */
  static final class Cdp implements java.net.http.WebSocket.Listener {
    final java.net.http.WebSocket ws;
    final Map<Long, java.util.concurrent.CompletableFuture<JsonNode>> pending =
        new java.util.concurrent.ConcurrentHashMap<>();
    final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
    StringBuilder partial = new StringBuilder();

    Cdp(String url) {
      if (!url.startsWith("ws://")) {
        throw new IllegalStateException("no DevTools endpoint (se:cdp is " + url + ")");
      }
      ws = http.newWebSocketBuilder().buildAsync(URI.create(url), this).join();
    }

    JsonNode call(String method, ObjectNode params) throws IOException, InterruptedException {
      long id = ids.incrementAndGet();
      java.util.concurrent.CompletableFuture<JsonNode> f = new java.util.concurrent.CompletableFuture<>();
      pending.put(id, f);
      ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
      msg.set("params", params);
      ws.sendText(msg.toString(), true).join();
      try {
        JsonNode reply = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        if (reply.has("error")) {
          throw new IllegalStateException(method + ": " + reply.path("error"));
        }
        return reply.path("result");
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IOException(method + ": " + e, e);
      }
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onText(
        java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial = new StringBuilder();
        try {
          JsonNode msg = JSON.readTree(text);
          if (msg.has("id")) {
            java.util.concurrent.CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asLong());
            if (f != null) {
              f.complete(msg);
            }
          }
        } catch (IOException e) {
          // not an answer of ours
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  static double seekNearEnd() throws Exception {
    JsonNode state = rest.expect("GET", "/api/sessions/" + sessionId, hostToken, null, 200).path("playback_state");
    String itemId = state.path("item_id").asText();
    Schedule.Item item = schedule.item(itemId);
    command(JSON.createObjectNode().put("action", "seek").put("position_ms", item.durationMs - 4000));
    Schedule.State s = schedule.states.get(schedule.states.size() - 1);
    double boundary = s.updatedAt + (item.durationMs - s.positionMs);
    say(
        String.format(
            Locale.ROOT,
            "seek: item %d at %d ms of %d; the next item is due %.0f ms after the command",
            item.index + 1,
            s.positionMs,
            item.durationMs,
            boundary - s.updatedAt));
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

  static void waitConverged(List<Listener> listeners, long maxMs) throws Exception {
    long until = System.currentTimeMillis() + maxMs;
    while (System.currentTimeMillis() < until) {
      sleep(1000);
      drain(listeners);
      boolean all = true;
      for (Listener l : listeners) {
        all &= l.recentWithin(20, 1000);
      }
      if (all) {
        return;
      }
    }
    say("note: not every listener was within 20 ms after " + maxMs / 1000 + " s; measuring anyway");
  }

  static void drain(List<Listener> listeners) throws IOException {
    for (Listener l : listeners) {
      l.drain();
    }
  }

  /** One guest page: its driver (and window), its samples. */
  static final class Listener {
    final String name;
    final ChromeDriver driver;
    final String handle;
    final List<Row> rows = new ArrayList<>();
    double clickAt;

    Listener(String name, ChromeDriver driver, String handle) {
      this.name = name;
      this.driver = driver;
      this.handle = handle;
    }

    void focus() {
      if (handle != null && !handle.equals(driver.getWindowHandle())) {
        driver.switchTo().window(handle);
      }
    }

    void join(String origin) {
      focus();
      driver.get(origin + "/join/" + code);
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
      WebElement field = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("display-name")));
      WebElement input = field.findElement(By.cssSelector("input"));
      input.click();
      input.sendKeys(name);
      driver.executeScript(SAMPLER);
      WebElement join = driver.findElement(By.id("join"));
      clickAt = now();
      join.click();
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("player")));
      // the join swaps the view in place; if it ever reloads the page, sample again
      driver.executeScript(SAMPLER);
    }

    /** The controller's learned latencies and last landings (for the profile of a miss). */
    String diagnostics() {
      focus();
      Object out = driver.executeScript(DIAGNOSTICS);
      return name + ": " + out;
    }

    void drain() throws IOException {
      focus();
      Object out = driver.executeScript(DRAIN);
      if (out == null) {
        driver.executeScript(SAMPLER);
        return;
      }
      for (JsonNode r : JSON.readTree(out.toString())) {
        rows.add(Row.of(r));
      }
    }

    /** Whether the samples of the last {@code ms} all lie within {@code bound} ms of the schedule. */
    boolean recentWithin(double bound, double ms) {
      if (rows.isEmpty()) {
        return false;
      }
      double last = rows.get(rows.size() - 1).t;
      int n = 0;
      for (int i = rows.size() - 1; i >= 0 && rows.get(i).t >= last - ms; i--) {
        Double e = error(rows.get(i));
        if (e == null || Math.abs(e) > bound) {
          return false;
        }
        n++;
      }
      return n >= ms / 100;
    }

    /** The first time after {@code from} from which |error| ≤ bound for ≥ hold ms; ms after from. */
    Double convergence(double from, double bound, double hold) {
      Double start = null;
      for (Row r : rows) {
        if (r.t < from) {
          continue;
        }
        Double e = error(r);
        if (e == null || Math.abs(e) > bound) {
          start = null;
          continue;
        }
        if (start == null) {
          start = r.t;
        }
        if (r.t - start >= hold) {
          return start - from;
        }
      }
      return null;
    }

    void writeCsv(Path file) throws IOException {
      List<String> lines = new ArrayList<>();
      lines.add(
          "t_ms,current_time_s,item,paused,rate,other_time_s,other_item,other_playing,offset_ms,date_now_ms,visible,expected_timeline_ms,error_ms");
      for (Row r : rows) {
        Double e = error(r);
        lines.add(
            String.format(
                Locale.ROOT,
                "%.3f,%.6f,%s,%d,%.4f,%s,%s,%d,%s,%d,%d,%.3f,%s",
                r.t,
                r.currentTime,
                r.item == null ? "" : r.item,
                r.paused ? 1 : 0,
                r.rate,
                r.otherTime == null ? "" : String.format(Locale.ROOT, "%.6f", r.otherTime),
                r.otherItem == null ? "" : r.otherItem,
                r.otherPlaying ? 1 : 0,
                r.offset == null ? "" : String.format(Locale.ROOT, "%.3f", r.offset),
                r.dateNow,
                r.visible ? 1 : 0,
                schedule.expected(r.t),
                e == null ? "" : String.format(Locale.ROOT, "%.3f", e)));
      }
      Files.write(file, lines);
    }
  }

  /** One sampler row. */
  record Row(
      double t,
      double currentTime,
      String item,
      boolean paused,
      double rate,
      Double otherTime,
      String otherItem,
      boolean otherPlaying,
      Double offset,
      long dateNow,
      boolean visible) {
    static Row of(JsonNode r) {
      return new Row(
          r.get(0).asDouble(),
          r.get(1).asDouble(),
          r.get(2).isNull() ? null : r.get(2).asText(),
          r.get(3).asInt() == 1,
          r.get(4).asDouble(),
          r.get(5).isNull() ? null : r.get(5).asDouble(),
          r.get(6).isNull() ? null : r.get(6).asText(),
          r.get(7).asInt() == 1,
          r.get(8).isNull() ? null : r.get(8).asDouble(),
          r.get(9).asLong(),
          r.get(10).asInt() == 1);
    }
  }

  /** A playing sample's error against the schedule (ms, + = ahead), or null. */
  static Double error(Row r) {
    if (r.paused || r.item == null) {
      return null;
    }
    Schedule.Item item = schedule.item(r.item);
    if (item == null) {
      return null;
    }
    return item.startMs + r.currentTime * 1000 - schedule.expected(r.t);
  }

  // ---------------------------------------------------------------- analysis

  static void summarize(List<Listener> listeners, double from, double to, LoadSampler.Window w) {
    say(
        String.format(
            Locale.ROOT,
            "%-8s %7s %7s %7s %7s %8s %9s %9s %7s",
            "listener",
            "samples",
            "|err|50",
            "|err|95",
            "|errmax",
            "mean err",
            "offset ms",
            "clk skew",
            "rate≠1"));
    List<Double> pooled = new ArrayList<>();
    for (Listener l : listeners) {
      List<Double> errs = new ArrayList<>();
      List<Double> offs = new ArrayList<>();
      List<Double> skew = new ArrayList<>();
      int rated = 0;
      int n = 0;
      double sum = 0;
      List<Row> window = new ArrayList<>();
      for (Row r : l.rows) {
        if (r.t < from || r.t > to) {
          continue;
        }
        window.add(r);
        n++;
        Double e = error(r);
        if (e != null) {
          errs.add(Math.abs(e));
          sum += e;
        }
        if (r.offset != null) {
          offs.add(r.offset);
        }
        skew.add(r.dateNow - r.t);
        if (Math.abs(r.rate - 1) > 1e-6) {
          rated++;
        }
      }
      pooled.addAll(errs);
      say(
          String.format(
              Locale.ROOT,
              "%-8s %7d %7s %7s %7s %8s %9s %9s %6.0f%%",
              l.name,
              n,
              fmt(pct(errs, 50)),
              fmt(pct(errs, 95)),
              fmt(pct(errs, 100)),
              errs.isEmpty() ? "-" : fmt(sum / errs.size()),
              offs.isEmpty() ? "-" : fmt(pct(offs, 50)) + "±" + fmt((pct(offs, 100) - pct(offs, 0)) / 2),
              skew.isEmpty() ? "-" : fmt(pct(skew, 50)),
              n == 0 ? 0 : 100.0 * rated / n));
    }
    List<Double> spread = spread(listeners, from, to);
    say(
        String.format(
            Locale.ROOT,
            "error vs schedule, all listeners: |error| %s ms (%d samples)",
            percentiles(pooled),
            pooled.size()));
    say(
        String.format(
            Locale.ROOT,
            "spread between listeners (max − min at common 50-ms instants): %s ms (%d instants); target p95 ≤ %d ms",
            percentiles(spread),
            spread.size(),
            listeners.size() <= 2 ? 5 : 10));
    say(w.toString());
  }

  /** max − min of the listeners' errors, each interpolated at a 50-ms grid; all must have a value. */
  static List<Double> spread(List<Listener> listeners, double from, double to) {
    List<Double> out = new ArrayList<>();
    for (double g = from; g <= to; g += 50) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      boolean all = true;
      for (Listener l : listeners) {
        Double v = interpolate(l.rows, g);
        if (v == null) {
          all = false;
          break;
        }
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (all) {
        out.add(max - min);
      }
    }
    return out;
  }

  /** A listener's error at time g, interpolated between the samples either side (≤ 200 ms apart). */
  static Double interpolate(List<Row> rows, double g) {
    int lo = 0;
    int hi = rows.size() - 1;
    if (hi < 1 || rows.get(0).t > g || rows.get(hi).t < g) {
      return null;
    }
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (rows.get(mid).t <= g) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    Row a = rows.get(lo);
    Row b = rows.get(hi);
    Double ea = error(a);
    Double eb = error(b);
    if (ea == null || eb == null || b.t - a.t > 200) {
      return null;
    }
    if (b.t == a.t) {
      return ea;
    }
    return ea + (eb - ea) * (g - a.t) / (b.t - a.t);
  }

  /**
   * Around a scheduled track start: when the new item's currentTime started advancing (extrapolated
   * back from its first advancing samples), when the old one stopped, and the error after.
   */
  static void trackChange(List<Listener> listeners, double boundary) {
    String newItem = schedule.itemAt(boundary + 1);
    String oldItem = schedule.itemAt(boundary - 1);
    say(
        String.format(
            Locale.ROOT,
            "%-8s %12s %14s %16s %14s %12s",
            "listener",
            "new moving",
            "overlap",
            "old reached end",
            "max|err| 0–2 s",
            "|err| 2 s on"));
    List<Double> gaps = new ArrayList<>();
    for (Listener l : listeners) {
      Double newStart = null;
      Double newError = null;
      Double oldStop = null;
      Double oldLast = null;
      Row prev = null;
      for (Row r : l.rows) {
        if (r.t < boundary - 3000 || r.t > boundary + 4000) {
          prev = r;
          continue;
        }
        // the old item: in either element, playing and advancing
        Double oldPos = null;
        if (oldItem.equals(r.item) && !r.paused) {
          oldPos = r.currentTime;
        } else if (oldItem.equals(r.otherItem) && r.otherPlaying) {
          oldPos = r.otherTime;
        }
        if (oldPos != null) {
          Double prevPos = prev == null ? null : (oldItem.equals(prev.item) ? (Double) prev.currentTime : oldItem.equals(prev.otherItem) ? prev.otherTime : null);
          if (prevPos == null || oldPos > prevPos) {
            oldStop = r.t;
            oldLast = oldPos;
          }
        }
        if (newStart == null
            && prev != null
            && newItem.equals(r.item)
            && newItem.equals(prev.item)
            && !r.paused
            && r.currentTime > prev.currentTime
            && r.currentTime > 0) {
          // the first sample where the new track moves: when, and how far off the schedule
          newStart = r.t;
          newError = error(r);
        }
        prev = r;
      }
      double worst = 0;
      List<Double> after = new ArrayList<>();
      for (Row r : l.rows) {
        Double e = error(r);
        if (e == null) {
          continue;
        }
        if (r.t >= boundary && r.t <= boundary + 2000) {
          worst = Math.max(worst, Math.abs(e));
        } else if (r.t > boundary + 2000 && r.t <= boundary + 4000) {
          after.add(Math.abs(e));
        }
      }
      Schedule.Item old = schedule.item(oldItem);
      if (newError != null) {
        gaps.add(newError);
      }
      say(
          String.format(
              Locale.ROOT,
              "%-8s %12s %14s %16s %14s %12s",
              l.name,
              newError == null ? "never" : signed(newError) + " ms",
              oldStop == null || newStart == null ? "-" : signed(oldStop - newStart) + " ms",
              oldLast == null ? "-" : signed(oldLast * 1000 - old.durationMs) + " ms",
              fmt(worst) + " ms",
              after.isEmpty() ? "-" : "p50 " + fmt(pct(after, 50))));
    }
    say(
        "new moving: the new track's error at its first sample that moved (+ = ahead); overlap: the old"
            + " one's last moving sample − the new one's first (≥ 0: no silence between them; 50-ms"
            + " samples); old reached end: its last position vs its duration (− = stopped before the end)");
    if (!gaps.isEmpty()) {
      say(
          String.format(
              Locale.ROOT,
              "the new track's error when it first moved: %s ms (max |…| %s ms)",
              gaps.stream().map(DriftBench::signed).toList(),
              fmt(gaps.stream().mapToDouble(Math::abs).max().orElse(0))));
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

  /**
   * The server's schedule: the playback states it answered (at the start and after every command)
   * over the playlist. A position on the session's timeline = the item's start (the durations of
   * the items before it) + the position in it, so track ends need no special case: the server
   * starts each next item exactly when the previous one ends.
   */
  static final class Schedule {
    record Item(String id, int index, long startMs, long durationMs) {}

    record State(String itemId, long positionMs, boolean playing, double updatedAt) {}

    final List<Item> items = new ArrayList<>();
    final Map<String, Item> byId = new LinkedHashMap<>();
    final List<State> states = new ArrayList<>();

    void setPlaylist(JsonNode list) {
      long start = 0;
      for (JsonNode i : list) {
        long d = i.path("track").path("duration_ms").asLong();
        Item item = new Item(i.path("item_id").asText(), items.size(), start, d);
        items.add(item);
        byId.put(item.id, item);
        start += d;
      }
    }

    long totalMs() {
      return items.isEmpty() ? 0 : items.get(items.size() - 1).startMs + items.get(items.size() - 1).durationMs;
    }

    Item item(String id) {
      return byId.get(id);
    }

    void addState(JsonNode s) {
      states.add(
          new State(
              s.path("item_id").asText(),
              s.path("position_ms").asLong(),
              "playing".equals(s.path("state").asText()),
              Instant.parse(s.path("updated_at").asText()).toEpochMilli()));
    }

    /** The scheduled timeline position (ms) at machine time t. */
    double expected(double t) {
      State s = states.get(0);
      for (State x : states) {
        if (x.updatedAt <= t) {
          s = x;
        }
      }
      Item item = byId.get(s.itemId);
      double pos = item.startMs + s.positionMs + (s.playing ? t - s.updatedAt : 0);
      return Math.min(pos, totalMs());
    }

    /** The item scheduled at machine time t. */
    String itemAt(double t) {
      double pos = expected(t);
      String id = items.get(0).id;
      for (Item i : items) {
        if (i.startMs <= pos) {
          id = i.id;
        }
      }
      return id;
    }
  }

  /** The machine's load average and busy cores (/proc), every second. */
  static final class LoadSampler {
    record Sample(double at, double load1, double busyCores) {}

    record Mark(int index) {}

    record Window(List<Sample> samples) {
      @Override
      public String toString() {
        if (samples.isEmpty()) {
          return "load: no samples";
        }
        List<Double> l = samples.stream().map(Sample::load1).toList();
        List<Double> b = samples.stream().map(Sample::busyCores).toList();
        return String.format(
            Locale.ROOT,
            "machine during the window: load average (1 min) %.2f–%.2f; busy cores mean %.2f, max %.2f of %d",
            pct(l, 0),
            pct(l, 100),
            b.stream().mapToDouble(Double::doubleValue).average().orElse(0),
            pct(b, 100),
            Runtime.getRuntime().availableProcessors());
      }
    }

    final List<Sample> samples = new ArrayList<>();
    Thread thread;
    volatile boolean stop;

    void start() {
      thread =
          new Thread(
              () -> {
                long[] last = cpu();
                while (!stop) {
                  try {
                    Thread.sleep(1000);
                    long[] c = cpu();
                    double busy =
                        c[1] - last[1] == 0
                            ? 0
                            : (double) (c[0] - last[0]) / (c[1] - last[1]) * Runtime.getRuntime().availableProcessors();
                    last = c;
                    double load1 = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                    synchronized (samples) {
                      samples.add(new Sample(now(), load1, busy));
                    }
                  } catch (InterruptedException e) {
                    return;
                  } catch (IOException | RuntimeException e) {
                    // no /proc: no load figures
                  }
                }
              },
              "load-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      stop = true;
      if (thread != null) {
        thread.interrupt();
      }
    }

    Mark mark() {
      synchronized (samples) {
        return new Mark(samples.size());
      }
    }

    Window since(Mark m) {
      synchronized (samples) {
        return new Window(new ArrayList<>(samples.subList(m.index, samples.size())));
      }
    }

    /** {busy jiffies, all jiffies} of the whole machine. */
    static long[] cpu() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long all = 0;
        for (int i = 1; i < f.length; i++) {
          all += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {all - idle, all};
      } catch (IOException | RuntimeException e) {
        return new long[] {0, 0};
      }
    }
  }
}
