package org.samesong.bench;

import static org.samesong.bench.DriftBench.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The drift benchmark's analysis of what the samplers recorded (see {@link DriftBench}). */
final class DriftAnalysis {
  private DriftAnalysis() {}

  /** A playing sample's error against the schedule (ms, + = ahead), or null. */
  static Double error(DriftRow r) {
    if (r.paused() || r.item() == null) {
      return null;
    }
    DriftSchedule.Item item = schedule.item(r.item());
    if (item == null) {
      return null;
    }
    return item.startMs() + r.currentTime() * 1000 - schedule.expected(r.t());
  }

  static void summarize(List<DriftListener> listeners, double from, double to, DriftLoadSampler.Window w) {
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
    for (DriftListener l : listeners) {
      List<Double> errs = new ArrayList<>();
      List<Double> offs = new ArrayList<>();
      List<Double> skew = new ArrayList<>();
      int rated = 0;
      int n = 0;
      double sum = 0;
      List<DriftRow> window = new ArrayList<>();
      for (DriftRow r : l.rows) {
        if (r.t() < from || r.t() > to) {
          continue;
        }
        window.add(r);
        n++;
        Double e = error(r);
        if (e != null) {
          errs.add(Math.abs(e));
          sum += e;
        }
        if (r.offset() != null) {
          offs.add(r.offset());
        }
        skew.add(r.dateNow() - r.t());
        if (Math.abs(r.rate() - 1) > 1e-6) {
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
  static List<Double> spread(List<DriftListener> listeners, double from, double to) {
    List<Double> out = new ArrayList<>();
    for (double g = from; g <= to; g += 50) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      boolean all = true;
      for (DriftListener l : listeners) {
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
  static Double interpolate(List<DriftRow> rows, double g) {
    int lo = 0;
    int hi = rows.size() - 1;
    if (hi < 1 || rows.get(0).t() > g || rows.get(hi).t() < g) {
      return null;
    }
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (rows.get(mid).t() <= g) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    DriftRow a = rows.get(lo);
    DriftRow b = rows.get(hi);
    Double ea = error(a);
    Double eb = error(b);
    if (ea == null || eb == null || b.t() - a.t() > 200) {
      return null;
    }
    if (b.t() == a.t()) {
      return ea;
    }
    return ea + (eb - ea) * (g - a.t()) / (b.t() - a.t());
  }

  /**
   * Around a scheduled track start: when the new item's currentTime started advancing (extrapolated
   * back from its first advancing samples), when the old one stopped, and the error after.
   */
  /** One listener at one track change: error at the new track's first moving sample, overlap, errors after. */
  record Change(String listener, Double startError, Double overlapMs, double worst2s, Double p95From200) {}

  static final List<Change> changeResults = new ArrayList<>();

  static void trackChange(List<DriftListener> listeners, double boundary) {
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
    for (DriftListener l : listeners) {
      Double newStart = null;
      Double newError = null;
      Double oldStop = null;
      Double oldLast = null;
      DriftRow prev = null;
      for (DriftRow r : l.rows) {
        if (r.t() < boundary - 3000 || r.t() > boundary + 4000) {
          prev = r;
          continue;
        }
        // the old item: in either element, playing and advancing
        Double oldPos = null;
        if (oldItem.equals(r.item()) && !r.paused()) {
          oldPos = r.currentTime();
        } else if (oldItem.equals(r.otherItem()) && r.otherPlaying()) {
          oldPos = r.otherTime();
        }
        if (oldPos != null) {
          Double prevPos = prev == null ? null : (oldItem.equals(prev.item()) ? (Double) prev.currentTime() : oldItem.equals(prev.otherItem()) ? prev.otherTime() : null);
          if (prevPos == null || oldPos > prevPos) {
            oldStop = r.t();
            oldLast = oldPos;
          }
        }
        if (newStart == null
            && prev != null
            && newItem.equals(r.item())
            && newItem.equals(prev.item())
            && !r.paused()
            && r.currentTime() > prev.currentTime()
            && r.currentTime() > 0) {
          // the first sample where the new track moves: when, and how far off the schedule
          newStart = r.t();
          newError = error(r);
        }
        prev = r;
      }
      double worst = 0;
      List<Double> after = new ArrayList<>();
      for (DriftRow r : l.rows) {
        Double e = error(r);
        if (e == null) {
          continue;
        }
        if (r.t() >= boundary && r.t() <= boundary + 2000) {
          worst = Math.max(worst, Math.abs(e));
        } else if (r.t() > boundary + 2000 && r.t() <= boundary + 4000) {
          after.add(Math.abs(e));
        }
      }
      DriftSchedule.Item old = schedule.item(oldItem);
      if (newError != null) {
        gaps.add(newError);
      }
      List<Double> from200 = new ArrayList<>();
      for (DriftRow r : l.rows) {
        Double e = error(r);
        if (e != null && r.t() >= boundary + 200 && r.t() <= boundary + 2000) {
          from200.add(Math.abs(e));
        }
      }
      changeResults.add(
          new Change(
              l.name,
              newError,
              oldStop == null || newStart == null ? null : oldStop - newStart,
              worst,
              from200.isEmpty() ? null : pct(from200, 95)));
      say(
          String.format(
              Locale.ROOT,
              "%-8s %12s %14s %16s %14s %12s",
              l.name,
              newError == null ? "never" : signed(newError) + " ms",
              oldStop == null || newStart == null ? "-" : signed(oldStop - newStart) + " ms",
              oldLast == null ? "-" : signed(oldLast * 1000 - old.durationMs()) + " ms",
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

}
