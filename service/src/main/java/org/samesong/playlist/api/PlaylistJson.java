package org.samesong.playlist.api;

import java.util.List;

/** {@code GET /api/sessions/{id}/playlist}. */
public record PlaylistJson(long version, List<PlaylistItemJson> items) {}
