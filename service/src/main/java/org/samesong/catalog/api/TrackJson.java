package org.samesong.catalog.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A track on the wire, exactly {@code {id, title, artist, album, duration_ms, source, media_type,
 * stream_url}}; {@code artist} and {@code album} are null when unknown.
 *
 * @param streamUrl signed, expiring URL of the audio that needs no other credential
 */
@Schema(name = "Track")
public record TrackJson(
    String id,
    String title,
    @Schema(nullable = true) String artist,
    @Schema(nullable = true) String album,
    @JsonProperty("duration_ms") long durationMs,
    @Schema(allowableValues = {"library", "url"}) String source,
    @Schema(example = "audio/mpeg") @JsonProperty("media_type") String mediaType,
    @Schema(
            description =
                "Signed, expiring URL of the audio (relative to the server), valid 6 hours; it"
                    + " needs no other credential.")
        @JsonProperty("stream_url")
        String streamUrl) {}
