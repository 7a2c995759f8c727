package org.samesong.playlist.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** {@code GET /api/sessions/{id}/playlist}. */
@Schema(name = "Playlist")
public record PlaylistJson(
    @Schema(description = "Grows by one with every change.") long version,
    List<PlaylistItemJson> items) {}
