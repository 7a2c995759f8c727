package org.samesong.auth.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/auth/login}. */
public record LoginRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String username,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String password) {}
