package org.samesong.request.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A request on the wire. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestJson(
    @JsonProperty("request_id") String requestId,
    @JsonProperty("session_id") String sessionId,
    String action,
    Map<String, Object> payload,
    String note,
    String status,
    String reason,
    @JsonProperty("requested_by") String requestedBy,
    @JsonProperty("requested_by_name") String requestedByName,
    @JsonProperty("created_at") long createdAt,
    @JsonProperty("decided_at") Long decidedAt) {}
