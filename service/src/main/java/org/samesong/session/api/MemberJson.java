package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A member as sessions show it. */
public record MemberJson(
    @JsonProperty("member_id") String memberId,
    @JsonProperty("display_name") String displayName,
    String role,
    boolean connected,
    @JsonProperty("drift_ms") Double driftMs) {}
