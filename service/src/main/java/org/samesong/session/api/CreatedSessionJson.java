package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to {@code POST /api/sessions}: the session and the host's tokens for it. */
public record CreatedSessionJson(
    String id,
    String code,
    @JsonProperty("join_url") String joinUrl,
    @JsonProperty("host_token") String hostToken,
    @JsonProperty("refresh_token") String refreshToken,
    @JsonProperty("expires_in") long expiresIn,
    @JsonProperty("member_id") String memberId,
    SessionJson session) {}
