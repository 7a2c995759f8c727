package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** The answer to a join: the guest's tokens, permissions and the session's current state. */
@Schema(name = "Joined")
public record JoinedJson(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("member_id") String memberId,
    @Schema(allowableValues = "guest") String role,
    @Schema(description = "The guest's access token for this session.") String token,
    @JsonProperty("refresh_token") String refreshToken,
    @JsonProperty("expires_in") long expiresIn,
    List<String> permissions,
    @Schema(ref = "#/components/schemas/SessionState") Map<String, Object> state) {}
