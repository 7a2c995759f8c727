package org.samesong.catalog.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A track on the wire, exactly {@code {id, title, artist, album, duration_ms, source, media_type,
 * stream_url}}; {@code artist} and {@code album} are null when unknown.
 *
 * @param streamUrl signed, expiring URL of the audio that needs no other credential
 */
public record TrackJson(
    String id,
    String title,
    String artist,
    String album,
    @JsonProperty("duration_ms") long durationMs,
    String source,
    @JsonProperty("media_type") String mediaType,
    @JsonProperty("stream_url") String streamUrl) {}
