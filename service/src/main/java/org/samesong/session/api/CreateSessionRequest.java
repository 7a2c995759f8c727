package org.samesong.session.api;

/** {@code POST /api/sessions}: an optional name. */
public record CreateSessionRequest(String name) {}
