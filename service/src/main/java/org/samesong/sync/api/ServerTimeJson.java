package org.samesong.sync.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code GET /api/time}: the server's clock in epoch milliseconds. */
@Schema(name = "ServerTime")
public record ServerTimeJson(
    @Schema(description = "Epoch milliseconds.") @JsonProperty("server_time_ms")
        long serverTimeMs) {}
