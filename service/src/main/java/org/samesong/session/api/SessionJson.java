package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /api/sessions/{id}}: metadata, members and playback state. */
public record SessionJson(
    String id,
    String code,
    String name,
    @JsonProperty("join_url") String joinUrl,
    @JsonProperty("owner_id") String ownerId,
    String status,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("ended_at") Long endedAt,
    List<MemberJson> members,
    @JsonProperty("playlist_version") long playlistVersion,
    @JsonProperty("playback_state") Object playbackState) {}
