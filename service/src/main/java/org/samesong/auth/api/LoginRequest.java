package org.samesong.auth.api;

/** {@code POST /api/auth/login}. */
public record LoginRequest(String username, String password) {}
