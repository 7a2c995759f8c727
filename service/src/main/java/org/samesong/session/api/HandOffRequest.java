package org.samesong.session.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /api/sessions/{id}/host}: the co-host who hosts from now on. */
@Schema(name = "HandOff")
public record HandOffRequest(@JsonProperty("member_id") String memberId) {}
