package org.samesong.integration.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** An integration token; {@code token} itself only in the answer that made it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntegrationTokenJson(
    String id,
    String name,
    @Schema(
            nullable = true,
            description =
                "The bearer token for `GET /api/sessions/{id}/events`; shown once, never again.")
        String token,
    @Schema(description = "Epoch ms.") @JsonProperty("created_at") long createdAt,
    @Schema(nullable = true, description = "Epoch ms.") @JsonProperty("revoked_at")
        Long revokedAt) {}
