package org.samesong.request.api;

/** {@code POST /api/requests/{id}/deny}: an optional reason for the guest. */
public record DenyRequest(String reason) {}
