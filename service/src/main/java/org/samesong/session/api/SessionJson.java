package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** {@code GET /api/sessions/{id}}: metadata, members and playback state. */
@Schema(name = "Session")
public record SessionJson(
    String id,
    String code,
    String name,
    @Schema(nullable = true, description = "null once ended") @JsonProperty("join_url")
        String joinUrl,
    @JsonProperty("owner_id") String ownerId,
    @Schema(allowableValues = {"live", "ended"}) String status,
    @JsonProperty("created_at") long createdAt,
    @Schema(nullable = true) @JsonProperty("ended_at") Long endedAt,
    List<MemberJson> members,
    @JsonProperty("playlist_version") long playlistVersion,
    @Schema(ref = "#/components/schemas/PlaybackState") @JsonProperty("playback_state")
        Object playbackState,
    @Schema(allowableValues = {"open", "knock", "closed"}) @JsonProperty("join_mode")
        String joinMode,
    @Schema(nullable = true, description = "The member who hosts now (null: nobody)")
        @JsonProperty("host_member_id")
        String hostMemberId) {}
