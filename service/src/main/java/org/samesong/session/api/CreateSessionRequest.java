package org.samesong.session.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/sessions}: an optional name. */
public record CreateSessionRequest(
    @Schema(description = "Default: the host's name with \"'s session\".", maxLength = 120)
        String name) {}
