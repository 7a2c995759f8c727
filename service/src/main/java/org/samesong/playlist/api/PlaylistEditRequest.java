package org.samesong.playlist.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Body of playlist POST ({@code track_id} or {@code url}, optional position) and PATCH (position).
 */
public record PlaylistEditRequest(
    @Schema(description = "POST: a catalog track (or give `url`).") @JsonProperty("track_id")
        String trackId,
    @Schema(description = "POST: an http(s) URL of audio (or give `track_id`).") String url,
    @Schema(
            description =
                "POST: where to insert (default: the end); PATCH: the new index (required).")
        Integer position,
    @Schema(description = "A guest's note for the host.") String note) {}
