package org.samesong.auth.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/auth/refresh} and {@code /logout}. */
public record RefreshRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("refresh_token")
        String refreshToken) {}
