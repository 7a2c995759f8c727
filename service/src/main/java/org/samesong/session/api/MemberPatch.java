package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * {@code PATCH /api/sessions/{id}/members/{member_id}}: a new role and/or single rights; what is
 * left out stays as it is.
 */
@Schema(name = "MemberPatch")
public record MemberPatch(
    @Schema(
            allowableValues = {"cohost", "guest"},
            nullable = true)
        String role,
    @Schema(
            nullable = true,
            description =
                "Any of auto_approve, control_playback, decide_requests, edit_playlist: true or"
                    + " false")
        @JsonProperty("permissions")
        Map<String, Boolean> permissions) {}
