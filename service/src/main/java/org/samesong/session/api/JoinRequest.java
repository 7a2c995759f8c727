package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/sessions/{code}/join}. */
public record JoinRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 40)
        @JsonProperty("display_name")
        String displayName) {}
