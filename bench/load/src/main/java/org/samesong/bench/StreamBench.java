package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Streaming benchmark of bench/run-stream.sh: L listeners fetch the demo tracks' signed stream URLs
 * the way a browser's {@code <audio>} does. Each listener in a loop: {@code Range: bytes=0-} and
 * reads the whole track (the browser's first request), then SEEKS times a random {@code bytes=X-}
 * of which it reads SEEK_KB before dropping the connection (a seek, then another). Nothing throttles
 * the reads, so this is the worst case of many listeners buffering at once. Counts bytes, requests,
 * time to first byte (request sent → first body byte), errors (status, Content-Range or length not
 * as asked, I/O failures), and samples the server's RSS and CPU from /proc.
 */
public final class StreamBench {
  static Args.Server server;
  static int listeners = 100;
  static int durationS = 30;
  static int warmupS = 5;
  static int seeks = 3;
  static int seekKb = 256;
  static int paceKbps = 0;
  static Path json;

  static final Recorder ttfb = new Recorder(60_000_000_000L, 3);
  static final AtomicLong bytes = new AtomicLong();
  static final AtomicLong requests = new AtomicLong();
  static final AtomicLong fullReads = new AtomicLong();
  static final AtomicLong errors = new AtomicLong();
  static final Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();
  static volatile boolean measuring;
  static volatile boolean stopping;

  record Track(String url, long length) {}

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    server = a.server();
    listeners = a.integer("--listeners", listeners);
    durationS = a.integer("--duration", durationS);
    warmupS = a.integer("--warmup", warmupS);
    seeks = a.integer("--seeks", seeks);
    seekKb = a.integer("--seek-kb", seekKb);
    paceKbps = a.integer("--pace-kbps", paceKbps);
    json = a.path("--json", null);
    a.rejectUnknown();
    // the JDK client reads all its connections on one selector thread: several clients spread them
    HttpClient[] clients = new HttpClient[Math.max(1, Math.min(16, listeners / 25))];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = Rest.http11(Duration.ofSeconds(30));
    }
    HttpClient http = clients[0];

    // ---- the demo tracks' stream URLs, as any account sees them
    Rest rest = new Rest(http, server.base(), null);
    String token = rest.login(server.adminUser(), server.adminPassword());
    JsonNode page = rest.expect("GET", "/api/catalog/tracks?limit=20", token, null, 200);
    List<Track> tracks = new ArrayList<>();
    for (JsonNode t : page.path("items")) {
      String url = server.base() + t.path("stream_url").asText();
      HttpResponse<Void> head =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.discarding());
      long length = head.headers().firstValueAsLong("content-length").orElse(-1);
      if (head.statusCode() != 200 || length <= 0) {
        throw new IllegalStateException("HEAD " + t.path("title").asText() + ": " + head.statusCode());
      }
      tracks.add(new Track(url, length));
    }
    long totalLength = tracks.stream().mapToLong(Track::length).sum();
    System.out.printf(
        "tracks: %d (%.1f MB in all); listeners %d over %d HTTP clients, warm-up %d s, measured %d s, %d seeks of %d KiB after each full read, %s%n",
        tracks.size(),
        totalLength / 1e6,
        listeners,
        clients.length,
        warmupS,
        durationS,
        seeks,
        seekKb,
        paceKbps > 0 ? "each listener reading at most " + paceKbps + " KB/s" : "reads unthrottled");

    // ---- the listeners
    CountDownLatch done = new CountDownLatch(listeners);
    for (int i = 0; i < listeners; i++) {
      Track track = tracks.get(i % tracks.size());
      HttpClient client = clients[i % clients.length];
      Thread t =
          new Thread(
              () -> {
                try {
                  listen(client, track);
                } finally {
                  done.countDown();
                }
              },
              "listener-" + i);
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(warmupS * 1000L);
    ttfb.reset();
    long bytes0 = bytes.get();
    long requests0 = requests.get();
    long full0 = fullReads.get();
    long errors0 = errors.get();
    double cpu0 = cpuSeconds(server.pid());
    long t0 = System.nanoTime();
    measuring = true;
    long rssMax = 0;
    long threadsMax = 0;
    for (int s = 0; s < durationS; s++) {
      Thread.sleep(1000);
      rssMax = Math.max(rssMax, Proc.status(server.pid(), "VmRSS"));
      threadsMax = Math.max(threadsMax, Proc.status(server.pid(), "Threads"));
    }
    measuring = false;
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = cpuSeconds(server.pid()) - cpu0;
    Latency h = Latency.of(ttfb.getIntervalHistogram(), 1e6);
    long b = bytes.get() - bytes0;
    long r = requests.get() - requests0;
    long e = errors.get() - errors0;
    stopping = true;

    System.out.printf(
        "listeners %d: %.1f MB/s (%.0f Mbit/s), %.0f requests/s, %d full reads; time to first byte p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests); errors %d %s%n",
        listeners,
        b / seconds / 1e6,
        b * 8 / seconds / 1e6,
        r / seconds,
        fullReads.get() - full0,
        h.p50(),
        h.p95(),
        h.p99(),
        h.max(),
        h.count(),
        e,
        errorKinds.isEmpty() ? "" : errorKinds.toString());
    System.out.printf(
        "server during the window: CPU %.2f cores, RSS peak %d MB, RSS now %d MB (peak of the process %d MB), threads peak %d%n",
        cpu / seconds,
        rssMax / 1024,
        Proc.status(server.pid(), "VmRSS") / 1024,
        Proc.status(server.pid(), "VmHWM") / 1024,
        threadsMax);
    if (json != null) {
      ObjectNode out = Rest.JSON.createObjectNode();
      out.put("listeners", listeners);
      out.put("seconds", seconds);
      out.put("mb_per_s", b / seconds / 1e6);
      out.put("requests_per_s", r / seconds);
      out.put("ttfb_p50_ms", h.p50());
      out.put("ttfb_p95_ms", h.p95());
      out.put("ttfb_p99_ms", h.p99());
      out.put("ttfb_max_ms", h.max());
      out.put("errors", e);
      out.put("server_cpu_cores", cpu / seconds);
      out.put("server_rss_peak_mb", rssMax / 1024);
      out.put("server_threads_peak", threadsMax);
      Rest.writeJson(json, out);
    }
    System.exit(e > 0 ? 2 : 0);
  }

  /** One listener: a full read from the start, then a few seeks, again and again. */
  static void listen(HttpClient http, Track track) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] buffer = new byte[64 * 1024];
    while (!stopping) {
      fetch(http, track, 0, Long.MAX_VALUE, buffer);
      for (int i = 0; i < seeks && !stopping; i++) {
        long from = random.nextLong(track.length());
        fetch(http, track, from, seekKb * 1024L, buffer);
      }
    }
  }

  /** GET {@code bytes=from-}, reads at most {@code limit} bytes, then closes. */
  static void fetch(HttpClient http, Track track, long from, long limit, byte[] buffer) {
    long sent = System.nanoTime();
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(URI.create(track.url()))
                  .header("Range", "bytes=" + from + "-")
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        String expected = "bytes " + from + "-" + (track.length() - 1) + "/" + track.length();
        if (response.statusCode() != 206
            || !expected.equals(response.headers().firstValue("content-range").orElse(""))) {
          error("status " + response.statusCode());
          return;
        }
        long want = Math.min(limit, track.length() - from);
        long got = 0;
        boolean first = true;
        long started = System.nanoTime();
        while (got < want) {
          if (paceKbps > 0) {
            // read no faster than a player that buffers paceKbps KB per second
            long due = started + got * 1_000_000L / paceKbps;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          }
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, want - got));
          if (n < 0) {
            break;
          }
          if (first) {
            if (measuring) {
              ttfb.recordValue(System.nanoTime() - sent);
            }
            first = false;
          }
          got += n;
          if (measuring) {
            bytes.addAndGet(n);
          }
        }
        if (got < want) {
          error("short body");
          return;
        }
        if (measuring) {
          requests.incrementAndGet();
          if (limit == Long.MAX_VALUE) {
            fullReads.incrementAndGet();
          }
        }
      }
    } catch (IOException e) {
      if (!stopping) {
        error(e.getClass().getSimpleName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void error(String kind) {
    if (measuring) {
      errors.incrementAndGet();
      errorKinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  static double cpuSeconds(long pid) {
    long ticks = pid > 0 ? Proc.cpuTicks(pid) : -1;
    return ticks < 0 ? 0 : ticks / (double) server.clkTck();
  }
}
