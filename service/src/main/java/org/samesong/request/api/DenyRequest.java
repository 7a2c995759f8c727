package org.samesong.request.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/requests/{id}/deny}: an optional reason for the guest. */
public record DenyRequest(@Schema(description = "Shown to the guest.") String reason) {}
