package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The answer to a join: the guest's tokens, permissions and the session's current state. */
public record JoinedJson(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("member_id") String memberId,
    String role,
    String token,
    @JsonProperty("refresh_token") String refreshToken,
    @JsonProperty("expires_in") long expiresIn,
    List<String> permissions,
    Map<String, Object> state) {}
