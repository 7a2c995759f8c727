package org.samesong.playlist.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.samesong.catalog.api.TrackJson;

/** A playlist item on the wire. */
@Schema(name = "PlaylistItem")
public record PlaylistItemJson(
    @JsonProperty("item_id") String itemId,
    int position,
    TrackJson track,
    @JsonProperty("added_by") String addedBy,
    @Schema(nullable = true) @JsonProperty("added_by_name") String addedByName,
    @Schema(description = "Epoch ms.") @JsonProperty("added_at") long addedAt) {}
