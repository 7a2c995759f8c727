package org.samesong.auth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code POST /api/auth/refresh} and {@code /logout}. */
public record RefreshRequest(@JsonProperty("refresh_token") String refreshToken) {}
