package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code POST /api/sessions/{code}/join}. */
public record JoinRequest(@JsonProperty("display_name") String displayName) {}
