package org.samesong.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the server: where the CPU samples are (hottest frames, which
 * component is on the stack, which Samesong methods are on it) and where threads wait (parks,
 * monitor waits and blocks, socket reads, grouped by the nearest Samesong frame), plus GC pauses.
 *
 * <p>Usage: {@code java -cp samesong-load.jar org.samesong.bench.JfrTop recording.jfr [top [package
 * prefix ...]]}: each prefix (e.g. {@code org.jdbi}) adds a list of its methods on the stack.
 */
public final class JfrTop {
  private JfrTop() {}

  /** Components, matched in this order against every frame of a sample (inclusive). */
  private static final Map<String, Predicate<String>> COMPONENTS = new LinkedHashMap<>();

  static {
    COMPONENTS.put("H2 engine", c -> c.startsWith("org.h2."));
    COMPONENTS.put("PostgreSQL driver", c -> c.startsWith("org.postgresql."));
    COMPONENTS.put("connection pool (tomcat-jdbc)", c -> c.startsWith("org.apache.tomcat.jdbc."));
    COMPONENTS.put("JDBI", c -> c.startsWith("org.jdbi."));
    COMPONENTS.put("Jackson", c -> c.startsWith("com.fasterxml.jackson."));
    COMPONENTS.put("JWT (auth0) / crypto", c -> c.startsWith("com.auth0.") || c.startsWith("javax.crypto.") || c.startsWith("com.sun.crypto."));
    COMPONENTS.put("logging (logback)", c -> c.startsWith("ch.qos.logback."));
    COMPONENTS.put("Jersey / HK2", c -> c.startsWith("org.glassfish."));
    COMPONENTS.put("Jetty", c -> c.startsWith("org.eclipse.jetty."));
    COMPONENTS.put("Vaadin", c -> c.startsWith("com.vaadin."));
    COMPONENTS.put("metrics (codahale)", c -> c.startsWith("com.codahale."));
    COMPONENTS.put("Dropwizard", c -> c.startsWith("io.dropwizard."));
    COMPONENTS.put("Samesong code", c -> c.startsWith("org.samesong."));
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrTop recording.jfr [top]");
      System.exit(64);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    List<String> prefixes = List.of(args).subList(Math.min(args.length, 2), args.length);
    Map<String, Map<String, Long>> byPrefix = new LinkedHashMap<>();
    prefixes.forEach(p -> byPrefix.put(p, new HashMap<>()));
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> component = new HashMap<>();
    Map<String, Long> selfComponent = new HashMap<>();
    Map<String, Long> samesong = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    Map<String, Duration> waits = new HashMap<>();
    Map<String, Long> waitCounts = new HashMap<>();
    long samples = 0;
    long gcCount = 0;
    Duration gcPause = Duration.ZERO;
    Duration longestGc = Duration.ZERO;
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        switch (type) {
          case "jdk.ExecutionSample" -> {
            samples++;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
              continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1L, Long::sum);
            selfComponent.merge(owner(frames), 1L, Long::sum);
            Set<String> comps = new LinkedHashSet<>();
            Set<String> ours = new LinkedHashSet<>();
            Map<String, Set<String>> seen = new HashMap<>();
            for (RecordedFrame f : frames) {
              String cls = cls(f);
              for (String p : prefixes) {
                if (cls.startsWith(p)) {
                  seen.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(name(f));
                }
              }
              COMPONENTS.forEach((k, p) -> {
                if (p.test(cls)) {
                  comps.add(k);
                }
              });
              if (cls.startsWith("org.samesong.")) {
                ours.add(name(f));
              }
            }
            comps.forEach(c -> component.merge(c, 1L, Long::sum));
            seen.forEach((p, ms) -> ms.forEach(m -> byPrefix.get(p).merge(m, 1L, Long::sum)));
            ours.forEach(m -> samesong.merge(m, 1L, Long::sum));
            RecordedThread t = e.getThread("sampledThread");
            threads.merge(t == null ? "?" : pool(t.getJavaName()), 1L, Long::sum);
          }
          case "jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.SocketRead", "jdk.ThreadSleep" -> {
            RecordedThread t = e.getThread();
            if (t == null || t.getJavaName() == null || !t.getJavaName().startsWith("dw-")) {
              continue; // only request threads: idle pools park all the time
            }
            if (idle(e.getStackTrace())) {
              continue; // a pooled thread waiting for work, not a request waiting
            }
            String where = type.substring(4) + " in " + nearest(e.getStackTrace());
            waits.merge(where, e.getDuration(), Duration::plus);
            waitCounts.merge(where, 1L, Long::sum);
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
            if (e.getDuration("longestPause").compareTo(longestGc) > 0) {
              longestGc = e.getDuration("longestPause");
            }
          }
          default -> {}
        }
      }
    }
    System.out.printf(Locale.ROOT, "JFR %s: %d CPU samples%n", args[0], samples);
    print("hottest frames (self)", self, samples, top);
    print(
        "CPU by component (self: the first frame from the top outside java.*/jdk.*/sun.* decides)",
        selfComponent,
        samples,
        20);
    print("components on the stack (inclusive; a sample may count for several)", component, samples, 20);
    print("Samesong methods on the stack (inclusive)", samesong, samples, top);
    print("samples by thread pool", threads, samples, 8);
    for (var entry : byPrefix.entrySet()) {
      print(entry.getKey() + " methods on the stack (inclusive)", entry.getValue(), samples, top);
    }
    System.out.println("\nwaiting of request threads (dw-*), by the nearest Samesong/H2/JDBC frame (total time, events over the JFR threshold):");
    waits.entrySet().stream()
        .sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
        .limit(top)
        .forEach(
            w -> System.out.printf(
                Locale.ROOT, "  %9.1f s %7d×  %s%n", w.getValue().toMillis() / 1000.0, waitCounts.get(w.getKey()), w.getKey()));
    System.out.printf(
        Locale.ROOT, "%nGC: %d collections, %.0f ms paused in all, longest pause %.1f ms%n", gcCount, gcPause.toNanos() / 1e6, longestGc.toNanos() / 1e6);
  }

  private static void print(String title, Map<String, Long> counts, long total, int top) {
    System.out.println("\n" + title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(c -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * c.getValue() / Math.max(1, total), c.getKey()));
  }

  /** The first frame that says where the waiting comes from: Samesong, H2, the JDBC driver, the pool. */
  private static String nearest(RecordedStackTrace st) {
    if (st == null) {
      return "?";
    }
    String db = null;
    for (RecordedFrame f : st.getFrames()) {
      String c = cls(f);
      if (db == null && (c.startsWith("org.h2.") || c.startsWith("org.postgresql.") || c.startsWith("org.apache.tomcat.jdbc."))) {
        db = name(f);
      }
      if (c.startsWith("org.samesong.")) {
        return db == null ? name(f) : name(f) + " <- " + db;
      }
    }
    if (db != null) {
      return db;
    }
    // no Samesong or database frame: name the first frame outside the JDK
    for (RecordedFrame f : st.getFrames()) {
      String c = cls(f);
      if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
        return name(f);
      }
    }
    return name(st.getFrames().isEmpty() ? null : st.getFrames().get(0));
  }

  /** The component a sample's own work belongs to: JDK frames count for the library that called them. */
  private static String owner(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String c = cls(f);
      if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.")) {
        continue;
      }
      for (var e : COMPONENTS.entrySet()) {
        if (e.getValue().test(c)) {
          return e.getKey();
        }
      }
      return c.contains(".") ? c.substring(0, c.indexOf('.', c.indexOf('.') + 1) < 0 ? c.length() : c.indexOf('.', c.indexOf('.') + 1)) : c;
    }
    return "JDK only";
  }

  private static boolean idle(RecordedStackTrace st) {
    if (st == null) {
      return false;
    }
    for (RecordedFrame f : st.getFrames()) {
      String m = f.getMethod() == null ? "" : f.getMethod().getName();
      if (m.equals("idleJobPoll") || m.equals("waitForTask") || m.equals("nioSelect")) {
        return true;
      }
    }
    return false;
  }

  private static String cls(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m == null || m.getType() == null ? "?" : m.getType().getName();
  }

  private static String name(RecordedFrame f) {
    if (f == null || f.getMethod() == null) {
      return "?";
    }
    RecordedMethod m = f.getMethod();
    String c = m.getType().getName();
    return c.substring(c.lastIndexOf('.') + 1) + "." + m.getName() + " (" + c.substring(0, Math.max(0, c.lastIndexOf('.'))) + ")";
  }

  private static String pool(String thread) {
    if (thread == null) {
      return "?";
    }
    int request = thread.indexOf(" - ");
    String name = request < 0 ? thread : thread.substring(0, request);
    return name.replaceAll("[-#]?\\d+", "").replaceAll("\\s+", " ").trim();
  }
}
