package org.samesong.request.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The whole request log of a session, oldest first ({@code ?format=json}). */
public record RequestLogJson(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("exported_at") String exportedAt,
    List<RequestLogLine> requests) {}
