package org.samesong.playlist.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.samesong.catalog.api.TrackJson;

/** A playlist item on the wire. */
public record PlaylistItemJson(
    @JsonProperty("item_id") String itemId,
    int position,
    TrackJson track,
    @JsonProperty("added_by") String addedBy,
    @JsonProperty("added_by_name") String addedByName,
    @JsonProperty("added_at") long addedAt) {}
