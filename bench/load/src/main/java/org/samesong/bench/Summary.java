package org.samesong.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One Markdown table row per result file of {@link LoadGenerator} ({@code --json}), for comparing
 * runs and for bench/README.md.
 *
 * <p>Usage: {@code java -cp samesong-load.jar org.samesong.bench.Summary result.json ...}
 */
public final class Summary {
  private Summary() {}

  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    System.out.println(
        "| run | cycles/s | join p50/p95/p99/max ms | request p50/p95/p99/max ms | decide p50/p95/p99/max ms"
            + " | errors | server cores | server ms CPU/cycle | PostgreSQL ms CPU/cycle | other processes (cores) | RSS MB (peak) |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String file : args) {
      JsonNode r = json.readTree(Path.of(file).toFile());
      long cycles = r.path("cycles").asLong();
      long errors = 0;
      for (JsonNode n : r.path("errors")) {
        errors += n.asLong();
      }
      String decide = r.path("decide").asText("approve");
      double serverCpu = r.path("server_cpu_s").asDouble();
      double pgCpu = r.path("postgres_cpu_s").asDouble();
      System.out.printf(
          Locale.ROOT,
          "| %s%s | %.1f | %s | %s | %s | %d | %.2f | %.1f | %s | %.2f | %d (%d) |%n",
          r.path("label").asText(),
          decide.equals("approve") ? "" : " (" + decide + ")",
          r.path("cycles_per_s").asDouble(),
          step(r, "join"),
          step(r, "request"),
          step(r, decide),
          errors,
          r.path("server_cores").asDouble(),
          cycles == 0 ? 0 : serverCpu * 1000 / cycles,
          pgCpu < 0.05 || cycles == 0 ? "–" : String.format(Locale.ROOT, "%.1f", pgCpu * 1000 / cycles),
          r.path("other_processes_cores").asDouble(),
          r.path("server_rss_mb").asLong(),
          r.path("server_peak_rss_mb").asLong());
    }
  }

  private static String step(JsonNode r, String name) {
    JsonNode s = r.path("latency_ms").path(name);
    return String.format(
        Locale.ROOT,
        "%.0f / %.0f / %.0f / %.0f",
        s.path("p50").asDouble(),
        s.path("p95").asDouble(),
        s.path("p99").asDouble(),
        s.path("max").asDouble());
  }
}
