package org.samesong.playback.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code POST /api/sessions/{id}/playback}: play, pause, seek, skip_next or skip_prev. */
public record PlaybackCommand(String action, @JsonProperty("position_ms") Long positionMs) {}
