package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to {@code POST /api/sessions}: the session and the host's tokens for it. */
@Schema(name = "CreatedSession")
public record CreatedSessionJson(
    String id,
    @Schema(description = "The invite code.") String code,
    @JsonProperty("join_url") String joinUrl,
    @Schema(description = "The host's access token for this session (role `host`).")
        @JsonProperty("host_token")
        String hostToken,
    @JsonProperty("refresh_token") String refreshToken,
    @JsonProperty("expires_in") long expiresIn,
    @JsonProperty("member_id") String memberId,
    SessionJson session) {}
