package org.samesong.user.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/admin/users}: username, password, role ({@code user} when absent). */
public record NewUser(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String username,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 8, maxLength = 256)
        String password,
    @Schema(
            allowableValues = {"admin", "user"},
            defaultValue = "user")
        String role) {}
