package org.samesong.user.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code PATCH /api/admin/users/{id}}: any of disable/enable, a new password, a new role. */
public record UserPatch(
    Boolean disabled,
    @Schema(minLength = 8, maxLength = 256) String password,
    @Schema(allowableValues = {"admin", "user"}) String role) {}
