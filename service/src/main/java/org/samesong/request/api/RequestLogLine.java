package org.samesong.request.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One request of the exported request log, as the CSV's columns and the JSON's objects carry it.
 * Times are ISO-8601 in UTC with milliseconds; absent values are null in JSON and empty in CSV.
 */
@Schema(name = "RequestLogLine", description = "One request of the exported request log.")
public record RequestLogLine(
    String id,
    @Schema(allowableValues = {"add", "move", "remove"}) String action,
    @JsonProperty("track_id") String trackId,
    @JsonProperty("track_title") String trackTitle,
    @JsonProperty("track_artist") String trackArtist,
    String url,
    @JsonProperty("item_id") String itemId,
    Integer position,
    String note,
    @Schema(description = "The display name of the guest who asked.") @JsonProperty("requested_by")
        String requestedBy,
    @JsonProperty("created_at") String createdAt,
    String status,
    @Schema(
            description =
                "Who decided: a member's display name, `auto` for an automatic approval, empty"
                    + " when it expired by itself or is pending.")
        @JsonProperty("decided_by")
        String decidedBy,
    @JsonProperty("decided_at") String decidedAt,
    String reason) {

  /** The CSV header, in the order of {@link #values()}. */
  public static final String[] COLUMNS = {
    "id",
    "action",
    "track_id",
    "track_title",
    "track_artist",
    "url",
    "item_id",
    "position",
    "note",
    "requested_by",
    "created_at",
    "status",
    "decided_by",
    "decided_at",
    "reason"
  };

  /** The fields in the order of {@link #COLUMNS}. */
  public Object[] values() {
    return new Object[] {
      id,
      action,
      trackId,
      trackTitle,
      trackArtist,
      url,
      itemId,
      position,
      note,
      requestedBy,
      createdAt,
      status,
      decidedBy,
      decidedAt,
      reason
    };
  }
}
