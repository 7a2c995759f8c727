package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Catalog search latency of a running Samesong server: {@code GET /api/catalog/tracks} over HTTP
 * with the query mix that {@code bench/search/SearchFill.java} wrote (shape, q, offset, expected
 * total per line).
 *
 * <p>The admin logs in; the demo tracks the server adds at start are looked up so that the expected
 * totals include them. Then {@code --clients} threads run {@code --warmup} rounds (not recorded) and
 * {@code --rounds} measured rounds; a round sends one query of every shape, in random order, each
 * shape cycling through its queries. Every answer is checked: status 200, {@code total} equal to
 * the expected total, the page size that total implies, and the page ordered by title, then
 * artist (lower-cased). Prints p50/p95/p99/max per shape and the mismatches. Loopback only; the
 * run is bounded by the round count and stops at {@code --max-errors}.
 */
public final class SearchBench {
  private static final int LIMIT = 20;

  record Query(String shape, String q, int offset, long expected) {}

  record Demo(String text, String title, String artist) {}

  private final Options o;
  private final Rest rest;
  private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();
  private final LongAdder errors = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private String token;

  private SearchBench(Options o) {
    this.o = o;
    this.rest = new Rest(Rest.http11(Duration.ofSeconds(5)), o.base.toString(), null);
  }

  public static void main(String[] args) throws Exception {
    Options o = Args.orUsage(() -> Options.parse(args), Options.USAGE);
    System.exit(new SearchBench(o).run());
  }

  private int run() throws Exception {
    try {
      token = rest.login(o.adminUser, o.adminPassword);
      // a slow run must not outlive the access token (15 minutes by default)
      rest.call("PATCH", "/api/admin/settings", token, Map.of("access_token_ttl_s", 86_400)).expect(200, "raising access_token_ttl_s");
      token = rest.login(o.adminUser, o.adminPassword);
    } catch (Rest.SetupException e) {
      System.err.println(e.getMessage());
      return 2;
    }

    // the demo tracks the server registers at start count in every total they match
    List<Demo> demos = new ArrayList<>();
    JsonNode demoPage = Rest.JSON.readTree(get("samesong demo", 0, 100).body());
    for (JsonNode t : demoPage.path("items")) {
      String title = t.path("title").asText();
      String artist = t.path("artist").isNull() ? null : t.path("artist").asText();
      String album = t.path("album").isNull() ? null : t.path("album").asText();
      StringBuilder text = new StringBuilder(title);
      if (artist != null) {
        text.append(' ').append(artist);
      }
      if (album != null) {
        text.append(' ').append(album);
      }
      demos.add(new Demo(text.toString().toLowerCase(Locale.ROOT), title, artist));
    }

    Map<String, List<Query>> shapes = new LinkedHashMap<>();
    for (String line : Files.readAllLines(o.queries, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      long expected = Long.parseLong(f[3]) + demos.stream().filter(d -> matches(d.text(), f[1])).count();
      shapes.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Query(f[0], f[1], Integer.parseInt(f[2]), expected));
    }
    List<String> names = new ArrayList<>(shapes.keySet());
    System.out.printf(
        Locale.ROOT,
        "%s: %d shapes, %d queries (%d demo tracks counted in); %d client(s), %d warm-up + %d measured rounds%n",
        o.label,
        names.size(),
        shapes.values().stream().mapToInt(List::size).sum(),
        demos.size(),
        o.clients,
        o.warmup,
        o.rounds);

    Map<String, Histogram> histograms = new ConcurrentHashMap<>();
    for (String s : names) {
      histograms.put(s, new Histogram(60_000_000L, 3));
    }
    Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    Thread[] threads = new Thread[o.clients];
    long start = System.nanoTime();
    for (int c = 0; c < o.clients; c++) {
      int client = c;
      threads[c] =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(client * 7919L + 1);
                Map<String, Histogram> own = new LinkedHashMap<>();
                for (String s : names) {
                  own.put(s, new Histogram(60_000_000L, 3));
                }
                for (int round = 0; round < o.warmup + o.rounds && errors.sum() < o.maxErrors; round++) {
                  List<String> order = new ArrayList<>(names);
                  for (int i = order.size() - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    order.set(i, order.set(j, order.get(i)));
                  }
                  for (String shape : order) {
                    List<Query> qs = shapes.get(shape);
                    Query q = qs.get(Math.floorMod(cursors.computeIfAbsent(shape, k -> new AtomicInteger()).getAndIncrement(), qs.size()));
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r;
                    try {
                      sent.increment();
                      r = get(q.q(), q.offset(), LIMIT);
                    } catch (IOException | InterruptedException e) {
                      problem(shape, e.getClass().getSimpleName());
                      continue;
                    }
                    long micros = Math.max(1, (System.nanoTime() - t0) / 1_000);
                    if (round >= o.warmup && r.statusCode() == 200) {
                      own.get(shape).recordValue(Math.min(micros, 60_000_000L));
                    }
                    check(q, r);
                  }
                }
                synchronized (histograms) {
                  own.forEach((s, h) -> histograms.get(s).add(h));
                }
              },
              "search-" + c);
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n== %s: catalog search, %d client(s), limit %d ==%n", o.label, o.clients, LIMIT));
    out.append(String.format(Locale.ROOT, "%-12s %7s %9s %8s %8s %8s %8s %8s%n", "shape", "count", "total", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"));
    ObjectNode json = Rest.JSON.createObjectNode();
    json.put("label", o.label);
    json.put("clients", o.clients);
    json.put("rounds", o.rounds);
    ObjectNode perShape = json.putObject("shapes");
    long requests = 0;
    for (String s : names) {
      Histogram h = histograms.get(s);
      requests += h.getTotalCount();
      List<Query> qs = shapes.get(s);
      Latency l = Latency.of(h, 1000.0);
      String totals = qs.stream().mapToLong(Query::expected).min().getAsLong() == qs.stream().mapToLong(Query::expected).max().getAsLong()
          ? Long.toString(qs.get(0).expected())
          : qs.stream().mapToLong(Query::expected).min().getAsLong() + "-" + qs.stream().mapToLong(Query::expected).max().getAsLong();
      out.append(
          String.format(
              Locale.ROOT, "%-12s %7d %9s %8.2f %8.2f %8.2f %8.2f %8.2f%n", s, l.count(), totals, l.p50(), l.p95(), l.p99(), l.max(), l.mean()));
      ObjectNode n = perShape.putObject(s);
      n.put("count", l.count());
      n.put("totals", totals);
      n.put("p50_ms", l.p50());
      n.put("p95_ms", l.p95());
      n.put("p99_ms", l.p99());
      n.put("max_ms", l.max());
    }
    out.append(String.format(Locale.ROOT, "%d requests measured, %d sent with the warm-up, in %.1f s%n", requests, sent.sum(), seconds));
    if (problems.isEmpty()) {
      out.append("every answer checked: status, exact total, page size, order\n");
    } else {
      out.append("PROBLEMS:\n");
      problems.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %6d  %s%n", v.sum(), k)));
    }
    System.out.print(out);
    ObjectNode p = json.putObject("problems");
    problems.forEach((k, v) -> p.put(k, v.sum()));
    if (o.jsonOut != null) {
      Rest.writeJson(o.jsonOut, json);
    }
    return problems.isEmpty() ? 0 : 1;
  }

  /** The catalog's semantics: every whitespace-separated word of q is a substring of the text. */
  static boolean matches(String text, String q) {
    for (String w : q.toLowerCase(Locale.ROOT).strip().split("\\s+")) {
      if (!w.isEmpty() && !text.contains(w)) {
        return false;
      }
    }
    return true;
  }

  private void check(Query q, HttpResponse<byte[]> r) {
    if (r.statusCode() != 200) {
      problem(q.shape(), "status " + r.statusCode());
      return;
    }
    JsonNode body;
    try {
      body = Rest.JSON.readTree(r.body());
    } catch (IOException e) {
      problem(q.shape(), "unreadable body");
      return;
    }
    long total = body.path("total").asLong(-1);
    if (total != q.expected()) {
      problem(q.shape(), "total " + total + " instead of " + q.expected() + " (q=" + q.q() + ")");
    }
    long size = Math.max(0, Math.min(LIMIT, q.expected() - q.offset()));
    if (body.path("items").size() != size) {
      problem(q.shape(), "page of " + body.path("items").size() + " instead of " + size);
    }
    String previous = null;
    for (JsonNode t : body.path("items")) {
      String key = t.path("title").asText().toLowerCase(Locale.ROOT) + "\u0000" + (t.path("artist").isNull() ? "" : t.path("artist").asText().toLowerCase(Locale.ROOT));
      if (previous != null && previous.compareTo(key) > 0) {
        problem(q.shape(), "page not ordered by title, artist");
        break;
      }
      previous = key;
    }
  }

  private void problem(String shape, String what) {
    problems.computeIfAbsent(shape + ": " + what, k -> new LongAdder()).increment();
    errors.increment();
  }

  private HttpResponse<byte[]> get(String q, int offset, int limit) throws IOException, InterruptedException {
    return rest.send("GET", "/api/catalog/tracks?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&offset=" + offset + "&limit=" + limit, token, null);
  }

  static final class Options {
    static final String USAGE =
        """
        usage: java -cp samesong-load.jar org.samesong.bench.SearchBench --base http://127.0.0.1:18080
               --admin-user U --admin-password P --queries FILE
               [--clients 1] [--warmup 10] [--rounds 100] [--max-errors 1000] [--label NAME] [--json FILE]
        The base URL must be a loopback address.""";

    URI base;
    String adminUser;
    String adminPassword;
    Path queries;
    int clients = 1;
    int warmup = 10;
    int rounds = 100;
    long maxErrors = 1000;
    String label = "samesong";
    Path jsonOut;

    static Options parse(String[] args) {
      Args a = Args.parse(args);
      Options o = new Options();
      String base = a.string("--base", null);
      o.adminUser = a.string("--admin-user", null);
      o.adminPassword = a.string("--admin-password", null);
      o.queries = a.path("--queries", null);
      o.clients = a.integer("--clients", o.clients, 1, 64);
      o.warmup = a.integer("--warmup", o.warmup, 0, 10_000);
      o.rounds = a.integer("--rounds", o.rounds, 1, 100_000);
      o.maxErrors = a.integer("--max-errors", (int) o.maxErrors, 1, 1_000_000);
      o.label = a.string("--label", o.label);
      o.jsonOut = a.path("--json", null);
      a.rejectUnknown();
      if (base == null || o.adminUser == null || o.adminPassword == null || o.queries == null) {
        throw new IllegalArgumentException("--base, --admin-user, --admin-password and --queries are required");
      }
      o.base = Args.loopbackBase(base);
      return o;
    }
  }
}
