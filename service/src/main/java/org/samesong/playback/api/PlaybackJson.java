package org.samesong.playback.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** The playback state on the wire; {@code updated_at} is ISO-8601 UTC with milliseconds. */
@Schema(
    name = "PlaybackState",
    description =
        "Server-owned. While playing, the position now is `position_ms + (now - updated_at)`.")
public record PlaybackJson(
    @Schema(nullable = true, description = "null when nothing is loaded") @JsonProperty("track_id")
        String trackId,
    @Schema(nullable = true) @JsonProperty("item_id") String itemId,
    @Schema(description = "The position at `updated_at`, in ms.") @JsonProperty("position_ms")
        long positionMs,
    @Schema(allowableValues = {"playing", "paused"}) String state,
    @Schema(format = "date-time", description = "Server time when `position_ms` was true.")
        @JsonProperty("updated_at")
        String updatedAt,
    @Schema(nullable = true) @JsonProperty("duration_ms") Long durationMs) {}
