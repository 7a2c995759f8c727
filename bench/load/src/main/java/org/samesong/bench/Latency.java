package org.samesong.bench;

import org.HdrHistogram.Histogram;

/** What a latency histogram holds, in milliseconds: its count, percentiles, maximum and mean. */
record Latency(long count, double p50, double p95, double p99, double p999, double max, double mean) {
  /** {@code perMs}: how many of the histogram's units make a millisecond (1000 for µs, 1e6 for ns). */
  static Latency of(Histogram h, double perMs) {
    return new Latency(
        h.getTotalCount(),
        h.getValueAtPercentile(50) / perMs,
        h.getValueAtPercentile(95) / perMs,
        h.getValueAtPercentile(99) / perMs,
        h.getValueAtPercentile(99.9) / perMs,
        h.getMaxValue() / perMs,
        h.getMean() / perMs);
  }
}
