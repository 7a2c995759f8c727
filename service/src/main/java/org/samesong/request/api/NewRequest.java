package org.samesong.request.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code POST /api/sessions/{id}/requests}. */
public record NewRequest(
    String action,
    @JsonProperty("track_id") String trackId,
    String url,
    @JsonProperty("item_id") String itemId,
    Integer position,
    String note) {}
