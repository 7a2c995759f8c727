package org.samesong.request.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/sessions/{id}/requests}. */
@Schema(name = "NewGuestRequest")
public record NewRequest(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            allowableValues = {"add", "move", "remove"})
        String action,
    @JsonProperty("track_id") String trackId,
    String url,
    @JsonProperty("item_id") String itemId,
    Integer position,
    String note) {}
