package org.samesong.catalog.api;

import java.util.List;

/** {@code GET /api/catalog/tracks}: {@code {items, total, limit, offset}}. */
public record TrackPageJson(List<TrackJson> items, long total, int limit, int offset) {
  public TrackPageJson {
    items = List.copyOf(items);
  }
}
