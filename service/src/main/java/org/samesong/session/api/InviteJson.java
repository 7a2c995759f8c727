package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/sessions/{id}/invite}: the new invite code and link. */
@Schema(name = "Invite")
public record InviteJson(String code, @JsonProperty("join_url") String joinUrl) {}
