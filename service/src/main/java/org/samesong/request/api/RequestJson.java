package org.samesong.request.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;
import org.samesong.request.RequestStatus;

/** A request on the wire. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "GuestRequest", description = "A guest's proposed playlist change.")
public record RequestJson(
    @JsonProperty("request_id") String requestId,
    @JsonProperty("session_id") String sessionId,
    @Schema(allowableValues = {"add", "move", "remove"}) String action,
    @Schema(
            description =
                "What the change touches: `track_id` or `url`, `item_id`, `position`, as the"
                    + " action needs.")
        Map<String, Object> payload,
    String note,
    @Schema(implementation = RequestStatus.class) String status,
    @Schema(description = "A denial's reason.") String reason,
    @JsonProperty("requested_by") String requestedBy,
    @JsonProperty("requested_by_name") String requestedByName,
    @Schema(description = "Epoch ms.") @JsonProperty("created_at") long createdAt,
    @Schema(description = "Epoch ms.") @JsonProperty("decided_at") Long decidedAt,
    @Schema(
            nullable = true,
            description =
                "Who decided: a member id, or `auto` for a member's own add applied at once"
                    + " (auto_approve).")
        @JsonProperty("decided_by")
        String decidedBy) {}
