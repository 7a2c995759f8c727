package org.samesong.playback.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/sessions/{id}/playback}: play, pause, seek, skip_next or skip_prev. */
public record PlaybackCommand(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            allowableValues = {"play", "pause", "seek", "skip_next", "skip_prev"})
        String action,
    @Schema(description = "Where to seek to (required for `seek`), in ms from the track's start.")
        @JsonProperty("position_ms")
        Long positionMs) {}
