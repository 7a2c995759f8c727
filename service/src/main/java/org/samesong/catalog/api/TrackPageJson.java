package org.samesong.catalog.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** {@code GET /api/catalog/tracks}: {@code {items, total, limit, offset}}. */
@Schema(name = "TrackPage")
public record TrackPageJson(List<TrackJson> items, long total, int limit, int offset) {
  public TrackPageJson {
    items = List.copyOf(items);
  }
}
