package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code PATCH /api/sessions/{id}}: a new name and/or join mode; what is left out stays. */
@Schema(name = "SessionPatch")
public record SessionPatch(
    @Schema(nullable = true) String name,
    @Schema(
            allowableValues = {"open", "knock", "closed"},
            nullable = true)
        @JsonProperty("join_mode")
        String joinMode) {}
