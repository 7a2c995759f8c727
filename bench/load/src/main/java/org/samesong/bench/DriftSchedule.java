package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;
import static org.samesong.bench.DriftBench.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's schedule: the playback states it answered (at the start and after every command)
 * over the playlist. A position on the session's timeline = the item's start (the durations of
 * the items before it) + the position in it, so track ends need no special case: the server
 * starts each next item exactly when the previous one ends.
 */
final class DriftSchedule {
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
