package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** A member as sessions show it. */
@Schema(name = "Member")
public record MemberJson(
    @JsonProperty("member_id") String memberId,
    @JsonProperty("display_name") String displayName,
    @Schema(allowableValues = {"host", "cohost", "guest"}) String role,
    boolean connected,
    @Schema(nullable = true, description = "The listener's last reported drift.")
        @JsonProperty("drift_ms")
        Double driftMs,
    @Schema(
            description =
                "The member's rights: auto_approve, control_playback, decide_requests,"
                    + " edit_playlist (all true for the host and co-hosts).")
        Map<String, Boolean> permissions) {}
