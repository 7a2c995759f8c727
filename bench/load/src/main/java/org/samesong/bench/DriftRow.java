package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;
import static org.samesong.bench.DriftBench.*;

import com.fasterxml.jackson.databind.JsonNode;

/** One sampler row. */
record DriftRow(
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
  static DriftRow of(JsonNode r) {
    return new DriftRow(
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
