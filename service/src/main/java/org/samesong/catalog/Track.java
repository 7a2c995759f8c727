package org.samesong.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A catalog entry. The API shows it as {@link org.samesong.catalog.api.TrackJson}; the {@code
 * location} (a file path or a URL) stays on the server and is never serialised.
 *
 * @param id UUID
 * @param title never blank
 * @param artist may be null
 * @param album may be null
 * @param durationMs length in milliseconds, 0 when unknown
 * @param source {@link #LIBRARY} or {@link #URL}
 * @param mediaType e.g. {@code audio/wav}
 * @param location absolute file path (library) or http(s) URL (url): for the stream endpoint only
 */
public record Track(
    String id,
    String title,
    String artist,
    String album,
    @JsonProperty("duration_ms") long durationMs,
    String source,
    @JsonProperty("media_type") String mediaType,
    @JsonIgnore String location) {

  /** A file found in a library folder (or generated, like the demo tracks). */
  public static final String LIBRARY = "library";

  /** A remote http(s) resource added by its URL. */
  public static final String URL = "url";

  public Track {
    Objects.requireNonNull(id, "id");
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("a track needs a title");
    }
    if (durationMs < 0) {
      throw new IllegalArgumentException("duration_ms must not be negative");
    }
    if (!LIBRARY.equals(source) && !URL.equals(source)) {
      throw new IllegalArgumentException("source must be library or url, not " + source);
    }
    if (mediaType == null || mediaType.isBlank()) {
      throw new IllegalArgumentException("a track needs a media type");
    }
    Objects.requireNonNull(location, "location");
  }

  /** Never print where the file is when a track is logged. */
  @Override
  public String toString() {
    return "Track["
        + id
        + ", "
        + title
        + " / "
        + artist
        + " / "
        + album
        + ", "
        + durationMs
        + " ms]";
  }
}
