package org.samesong.playlist.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of playlist POST ({@code track_id} or {@code url}, optional position) and PATCH (position).
 */
public record PlaylistEditRequest(
    @JsonProperty("track_id") String trackId, String url, Integer position, String note) {}
