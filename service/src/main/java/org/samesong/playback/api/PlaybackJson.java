package org.samesong.playback.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The playback state on the wire; {@code updated_at} is ISO-8601 UTC with milliseconds. */
public record PlaybackJson(
    @JsonProperty("track_id") String trackId,
    @JsonProperty("item_id") String itemId,
    @JsonProperty("position_ms") long positionMs,
    String state,
    @JsonProperty("updated_at") String updatedAt,
    @JsonProperty("duration_ms") Long durationMs) {}
