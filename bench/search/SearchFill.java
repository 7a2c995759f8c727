/*
 * Fills a Samesong database with a generated catalog for bench/run-search.sh, and writes the query
 * mix with the exact total each query must report.
 *
 * A single-file program run against the application jar, so that every row is written by the
 * application's own CatalogService (with whatever columns and tables it maintains for search):
 *
 *   java -cp server/target/samesong.jar bench/search/SearchFill.java \
 *        (--h2 DATA_DIR | --url JDBC_URL [--user U] [--password P]) \
 *        [--tracks 100000] [--removed 0.05] [--seed 42] [--threads 2] --queries FILE
 *
 * The H2 database is the file the server opens with SAMESONG_DATA_DIR=DATA_DIR (the server must
 * not be running). The catalog: ~6,000 artists (a few with many tracks, most with few), 1 to 6
 * albums each, titles of 1 to 5 words drawn from ~200 common English song words and ~15,000
 * generated words (Zipf-distributed: a few words are very common, most are rare), some accented
 * words, "(Live)"/"(Remastered …)" suffixes; then a random 5 % of the files are removed again
 * (CatalogService.removeLibraryTrack), as a rescan that finds them gone would.
 *
 * Query file: one line per query, tab-separated: shape, q, offset, expected total. The expected
 * total is computed here from the generated tracks with the catalog's documented semantics: every
 * whitespace-separated word of q is a case-insensitive substring of "title artist album".
 */

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.samesong.app.DatabaseConfig;
import org.samesong.app.Migrator;
import org.samesong.catalog.CatalogService;

public final class SearchFill {
  static final String[] COMMON = (
      "love night heart time day baby home dream fire light rain blue girl boy world life song "
      + "sun moon star sky road river sea summer winter city street dance feel way soul mind "
      + "eyes gold silver black white red green wild free young old little big last first "
      + "never forever tonight tomorrow yesterday morning midnight lonely broken crazy sweet "
      + "heaven angel devil ghost shadow paradise highway train radio money king queen "
      + "running falling waiting dancing burning dreaming walking talking flying crying "
      + "blues rock roll soul funk groove fever magic secret storm thunder ocean island "
      + "mountain valley desert garden flower rose fool stranger friend lover brother sister "
      + "mother father child people man woman hand hands tears kiss fight war peace hope "
      + "heartbeat memory memories story stories letter window door house room wall bridge "
      + "shine glow spark echo silence noise voice whisper call calling coming going gone "
      + "alone together again away back down up out over under inside outside nothing "
      + "everything something somebody nobody everybody goodbye hello believe remember "
      + "forget wonder wonderful beautiful dark cold hot high low fast slow hard easy real "
      + "true blood bones skin fire water earth wind air glass stone steel paper diamond")
      .split("\\s+");
  static final String[] ACCENTED = {
    "café", "señorita", "über", "noël", "déjà", "müde", "ärger", "façade", "niño", "fjäril",
    "björk", "élan", "mañana", "zürich", "crème", "fiancée", "rêve", "naïve", "smörgås", "canción"
  };
  static final String[] FIRST_NAMES = (
      "John Paul Mary Anna James Robert Linda Michael Sarah David Laura Chris Emma Daniel Sofia "
      + "Lucas Mia Noah Olivia Liam Ava Ethan Isabella Mason Amelia Logan Harper Jacob Ella "
      + "Jack Grace Leo Chloe Max Zoe Sam Nina Alex Ruby Ben Iris Tom Lily Joe Rosa Dan Kate "
      + "Marco Elena Pierre Claire Hans Greta Kenji Yuki Omar Leila Ivan Olga")
      .split("\\s+");
  static final String[] SUFFIXES = {
    " (Live)", " (Remastered 2011)", " (Acoustic)", " - Radio Edit", " (Demo)", " Pt. 2",
    " (Remix)", " (Extended Version)"
  };
  static final String[] ALBUM_PATTERNS = {"Greatest Hits", "Live at the %s", "The Best of %s", "%s Sessions", "Volume %d"};

  record Gen(String title, String artist, String album, Path file) {
    String text() {
      // what the catalog searches: the lower-cased "title artist album"
      return (title + " " + artist + " " + album).toLowerCase(Locale.ROOT);
    }
  }

  public static void main(String[] args) throws Exception {
    // the jar's logback would log every statement at DEBUG without the server's configuration
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    int tracks = Integer.parseInt(o.getOrDefault("--tracks", "100000"));
    double removedShare = Double.parseDouble(o.getOrDefault("--removed", "0.05"));
    long seed = Long.parseLong(o.getOrDefault("--seed", "42"));
    int threads = Integer.parseInt(o.getOrDefault("--threads", "2"));
    Path queries = Path.of(require(o, "--queries"));
    String url;
    String user;
    String password;
    if (o.containsKey("--h2")) {
      url = new DatabaseConfig().effectiveUrl(Path.of(o.get("--h2")));
      user = "sa";
      password = "";
    } else {
      url = require(o, "--url");
      user = o.getOrDefault("--user", "postgres");
      password = o.getOrDefault("--password", "");
    }
    boolean postgres = url.startsWith("jdbc:postgresql:");

    long t0 = System.nanoTime();
    Random random = new Random(seed);
    List<Gen> catalog = generate(random, tracks);
    Set<Integer> removed = new HashSet<>();
    while (removed.size() < Math.round(tracks * removedShare)) {
      removed.add(random.nextInt(tracks));
    }
    System.out.printf(Locale.ROOT, "generated %d tracks (%d to remove) in %.1f s%n", tracks, removed.size(), (System.nanoTime() - t0) / 1e9);

    // one connection per filling thread, kept for the whole fill (Jdbi would otherwise open one per call)
    List<Connection> opened = new ArrayList<>();
    ThreadLocal<Connection> connections =
        ThreadLocal.withInitial(
            () -> {
              try {
                Connection c = DriverManager.getConnection(url, user, password);
                if (postgres) {
                  try (Statement s = c.createStatement()) {
                    s.execute("SET synchronous_commit = off"); // durability of the fill only: the rows are the same
                  }
                }
                synchronized (opened) {
                  opened.add(c);
                }
                return c;
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    Connection keepAlive = DriverManager.getConnection(url, user, password);
    Jdbi jdbi =
        Jdbi.create(
                new ConnectionFactory() {
                  @Override
                  public Connection openConnection() {
                    return connections.get();
                  }

                  @Override
                  public void closeConnection(Connection connection) {
                    // kept for the thread
                  }
                })
            .installPlugin(new SqlObjectPlugin());
    long t1 = System.nanoTime();
    org.h2.jdbcx.JdbcDataSource h2 = null;
    javax.sql.DataSource migrateWith;
    if (postgres) {
      org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
      pg.setUrl(url);
      pg.setUser(user);
      pg.setPassword(password);
      migrateWith = pg;
    } else {
      h2 = new org.h2.jdbcx.JdbcDataSource();
      h2.setURL(url);
      h2.setUser(user);
      h2.setPassword(password);
      migrateWith = h2;
    }
    Migrator.migrate(migrateWith);
    System.out.printf(Locale.ROOT, "migrated in %.1f s%n", (System.nanoTime() - t1) / 1e9);

    CatalogService service = new CatalogService(jdbi, id -> "/api/tracks/" + id + "/stream", Clock.systemUTC());
    long t2 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      work.add(
          pool.submit(
              () -> {
                Random r = new Random();
                for (int i = next.getAndIncrement(); i < tracks; i = next.getAndIncrement()) {
                  Gen g = catalog.get(i);
                  service.upsertLibraryTrack(
                      g.file(), g.title(), g.artist(), g.album(), 60_000 + r.nextInt(360_000), "audio/mpeg", 3_000_000 + r.nextInt(9_000_000), 1_700_000_000_000L + i);
                  if (i > 0 && i % 20_000 == 0) {
                    System.out.printf(Locale.ROOT, "  %d tracks in %.1f s%n", i, (System.nanoTime() - t2) / 1e9);
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double insertS = (System.nanoTime() - t2) / 1e9;
    long t3 = System.nanoTime();
    for (int i : removed) {
      service.removeLibraryTrack(catalog.get(i).file());
    }
    System.out.printf(Locale.ROOT, "registered %d tracks in %.1f s (%.0f/s), removed %d in %.1f s%n", tracks, insertS, tracks / insertS, removed.size(), (System.nanoTime() - t3) / 1e9);

    try (Statement s = keepAlive.createStatement()) {
      if (postgres) {
        // what autovacuum does soon after a bulk load anyway: statistics and the visibility map
        long t4 = System.nanoTime();
        s.execute("VACUUM ANALYZE");
        System.out.printf(Locale.ROOT, "VACUUM ANALYZE in %.1f s%n", (System.nanoTime() - t4) / 1e9);
      }
    }
    for (Connection c : opened) {
      c.close();
    }
    if (!postgres) {
      try (Statement s = keepAlive.createStatement()) {
        s.execute("SHUTDOWN");
      }
    }
    keepAlive.close();

    writeQueries(queries, catalog, removed, new Random(seed + 1));
  }

  static String require(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException(key + " is required");
    }
    return v;
  }

  // ---------------------------------------------------------------- the catalog

  static List<Gen> generate(Random random, int tracks) {
    List<String> synthetic = syntheticWords(random, 15_000);
    Zipf commonZipf = new Zipf(COMMON.length, 1.0);
    Zipf syntheticZipf = new Zipf(synthetic.size(), 0.9);
    int artistCount = Math.max(10, tracks / 16);
    List<String> artists = new ArrayList<>();
    Set<String> seenArtists = new HashSet<>();
    while (artists.size() < artistCount) {
      String name =
          switch (random.nextInt(5)) {
            case 0 -> "The " + cap(word(random, commonZipf, syntheticZipf, synthetic)) + " " + cap(word(random, commonZipf, syntheticZipf, synthetic)) + "s";
            case 1, 2 -> FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " " + cap(synthetic.get(random.nextInt(synthetic.size())));
            case 3 -> cap(synthetic.get(random.nextInt(synthetic.size())));
            default -> cap(synthetic.get(random.nextInt(synthetic.size()))) + " & the " + cap(word(random, commonZipf, syntheticZipf, synthetic)) + "s";
          };
      if (seenArtists.add(name)) {
        artists.add(name);
      }
    }
    List<List<String>> albums = new ArrayList<>();
    for (String artist : artists) {
      List<String> own = new ArrayList<>();
      int n = 1 + random.nextInt(6);
      for (int a = 0; a < n; a++) {
        String album;
        if (random.nextInt(8) == 0) {
          String pattern = ALBUM_PATTERNS[random.nextInt(ALBUM_PATTERNS.length)];
          album = pattern.contains("%d") ? String.format(Locale.ROOT, pattern, a + 1) : String.format(Locale.ROOT, pattern, cap(word(random, commonZipf, syntheticZipf, synthetic)));
        } else {
          album = title(random, commonZipf, syntheticZipf, synthetic, 1 + random.nextInt(3));
        }
        own.add(album);
      }
      albums.add(own);
    }
    Zipf artistZipf = new Zipf(artists.size(), 0.7);
    List<Gen> out = new ArrayList<>(tracks);
    for (int i = 0; i < tracks; i++) {
      int a = artistZipf.sample(random);
      List<String> own = albums.get(a);
      String album = own.get(random.nextInt(own.size()));
      int words = pick(random, new int[] {20, 35, 25, 13, 7}) + 1;
      String title = title(random, commonZipf, syntheticZipf, synthetic, words);
      if (random.nextInt(12) == 0) {
        title += SUFFIXES[random.nextInt(SUFFIXES.length)];
      }
      Path file = Path.of("/bench/music", "a" + a, "b" + album.hashCode(), String.format(Locale.ROOT, "%06d.mp3", i));
      out.add(new Gen(title, artists.get(a), album, file));
    }
    return out;
  }

  static String title(Random random, Zipf common, Zipf syntheticZipf, List<String> synthetic, int words) {
    StringBuilder b = new StringBuilder();
    for (int w = 0; w < words; w++) {
      if (w > 0) {
        b.append(' ');
      }
      b.append(cap(word(random, common, syntheticZipf, synthetic)));
    }
    return b.toString();
  }

  static String word(Random random, Zipf common, Zipf syntheticZipf, List<String> synthetic) {
    int r = random.nextInt(100);
    if (r < 55) {
      return COMMON[common.sample(random)];
    }
    if (r < 57) {
      return ACCENTED[random.nextInt(ACCENTED.length)];
    }
    return synthetic.get(syntheticZipf.sample(random));
  }

  static List<String> syntheticWords(Random random, int count) {
    String[] onsets = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "cr", "dr", "gr", "kl", "pl", "st", "tr", "sh", "ch", "th", "fl"};
    String[] vowels = {"a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "ee", "y"};
    String[] codas = {"", "", "", "n", "r", "l", "s", "m", "x", "nd", "st", "k"};
    Set<String> words = new java.util.LinkedHashSet<>();
    Set<String> common = new HashSet<>(List.of(COMMON));
    while (words.size() < count) {
      int syllables = 1 + random.nextInt(3) + (random.nextInt(3) == 0 ? 1 : 0);
      StringBuilder b = new StringBuilder();
      for (int s = 0; s < syllables; s++) {
        b.append(onsets[random.nextInt(onsets.length)]).append(vowels[random.nextInt(vowels.length)]);
      }
      b.append(codas[random.nextInt(codas.length)]);
      String w = b.toString();
      if (w.length() >= 3 && !common.contains(w)) {
        words.add(w);
      }
    }
    return new ArrayList<>(words);
  }

  static String cap(String w) {
    return w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  static int pick(Random random, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int r = random.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Zipf(n, s) by inverse transform over the cumulative weights. */
  static final class Zipf {
    final double[] cumulative;

    Zipf(int n, double s) {
      cumulative = new double[n];
      double sum = 0;
      for (int k = 1; k <= n; k++) {
        sum += 1 / Math.pow(k, s);
        cumulative[k - 1] = sum;
      }
      for (int k = 0; k < n; k++) {
        cumulative[k] /= sum;
      }
    }

    int sample(Random random) {
      int i = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
      return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
  }

  // ---------------------------------------------------------------- the queries

  static void writeQueries(Path file, List<Gen> catalog, Set<Integer> removed, Random random) throws IOException {
    List<String> live = new ArrayList<>();
    List<Gen> liveGen = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      if (!removed.contains(i)) {
        live.add(catalog.get(i).text());
        liveGen.add(catalog.get(i));
      }
    }
    int total = live.size();
    List<String> lines = new ArrayList<>();
    // the empty query: the first page, and deep pages near the end
    lines.add(line("empty", "", 0, total));
    for (int k = 0; k < 20; k++) {
      lines.add(line("empty_deep", "", Math.max(0, total - 5_000 + k * 137), total));
    }
    // a common word: in 2 % to 10 % of the tracks
    int common = 0;
    for (String w : shuffled(random, COMMON)) {
      long n = count(live, w);
      if (n >= total * 0.02 && n <= total * 0.10) {
        lines.add(line("common_word", w, 0, n));
        if (++common == 20) {
          break;
        }
      }
    }
    // a rare word: a word of some track found in at most 5 tracks
    Set<String> seen = new HashSet<>();
    int rare = 0;
    for (int tries = 0; rare < 50 && tries < 5_000; tries++) {
      Gen g = liveGen.get(random.nextInt(liveGen.size()));
      String[] words = g.title().toLowerCase(Locale.ROOT).split("\\s+");
      String w = words[random.nextInt(words.length)];
      if (w.length() < 4 || !seen.add(w)) {
        continue;
      }
      long n = count(live, w);
      if (n >= 1 && n <= 5) {
        lines.add(line("rare_word", w, 0, n));
        rare++;
      }
    }
    // two words, "artist title", as a person types them (mixed case)
    for (int k = 0; k < 50; k++) {
      Gen g = liveGen.get(random.nextInt(liveGen.size()));
      String[] artistWords = g.artist().split("\\s+");
      String[] titleWords = g.title().split("\\s+");
      String a = artistWords[artistWords.length - 1];
      String t = titleWords[random.nextInt(titleWords.length)];
      String q = a + " " + t;
      lines.add(line("two_words", q, 0, count(live, q)));
    }
    // no match
    for (int k = 0; k < 20; k++) {
      String q = "qzx" + Integer.toString(random.nextInt(1 << 30), 36);
      lines.add(line("no_match", q, 0, count(live, q)));
    }
    // a two-letter start, as the first keystrokes of a search-as-you-type box send it
    for (String q : new String[] {"lo", "th", "ma", "re", "st", "on", "be", "ki", "da", "el"}) {
      lines.add(line("two_letters", q, 0, count(live, q)));
    }
    Files.write(file, lines);
    System.out.printf(Locale.ROOT, "%d queries written to %s (%d live tracks)%n", lines.size(), file, total);
  }

  static List<String> shuffled(Random random, String[] words) {
    List<String> list = new ArrayList<>(new java.util.LinkedHashSet<>(List.of(words)));
    java.util.Collections.shuffle(list, random);
    return list;
  }

  /** Tracks matching q: each whitespace-separated word a substring of the lower-cased text. */
  static long count(List<String> texts, String q) {
    String[] words = q.toLowerCase(Locale.ROOT).strip().split("\\s+");
    long n = 0;
    outer:
    for (String text : texts) {
      for (String w : words) {
        if (!text.contains(w)) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }

  static String line(String shape, String q, int offset, long expected) {
    return shape + "\t" + q + "\t" + offset + "\t" + expected;
  }
}
