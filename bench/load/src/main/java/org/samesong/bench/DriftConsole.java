package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.error;
import static org.samesong.bench.DriftBench.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the host console shows: polls {@code GET /api/sessions/{id}} once a second (the members'
 * {@code drift_ms}, from each player's last {@code sync_ack}; the Prometheus drift histogram
 * observes the same values) and compares it with the benchmark's own sampler.
 */
final class DriftConsole implements AutoCloseable {
  record Reading(double t, String name, double driftMs) {}

  private final List<Reading> readings = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  DriftConsole() {
    thread = new Thread(this::poll, "drift-console");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    while (running) {
      try {
        JsonNode s = rest.expect("GET", "/api/sessions/" + sessionId, hostToken, null, 200);
        double t = now();
        synchronized (readings) {
          for (JsonNode m : s.path("members")) {
            if (m.hasNonNull("drift_ms")) {
              readings.add(new Reading(t, m.path("display_name").asText(), m.get("drift_ms").asDouble()));
            }
          }
        }
      } catch (RuntimeException e) {
        // a failed poll is a missing reading
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Per listener, over [from, to]: the console's drift against the sampler's mean error in the 2 s
   * before each poll (an ack reports a median of the last readings, about every 2 s).
   */
  void compare(List<DriftListener> listeners, double from, double to) {
    List<Reading> copy;
    synchronized (readings) {
      copy = new ArrayList<>(readings);
    }
    for (DriftListener l : listeners) {
      List<Double> diffs = new ArrayList<>();
      double sumConsole = 0;
      double sumTruth = 0;
      for (Reading r : copy) {
        if (!r.name().equals(l.name) || r.t() < from || r.t() > to) {
          continue;
        }
        double sum = 0;
        int n = 0;
        for (DriftRow row : l.rows) {
          Double e = row.t() > r.t() - 2000 && row.t() <= r.t() ? error(row) : null;
          if (e != null) {
            sum += e;
            n++;
          }
        }
        if (n == 0) {
          continue;
        }
        double truth = sum / n;
        diffs.add(Math.abs(r.driftMs() - truth));
        sumConsole += r.driftMs();
        sumTruth += truth;
      }
      if (diffs.isEmpty()) {
        say(l.name + ": console drift: no readings");
        continue;
      }
      say(
          String.format(
              Locale.ROOT,
              "%s: console drift_ms vs sampler (%d polls): |difference| %s; mean console %+.2f ms, mean sampler %+.2f ms",
              l.name,
              diffs.size(),
              percentiles(diffs),
              sumConsole / diffs.size(),
              sumTruth / diffs.size()));
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
