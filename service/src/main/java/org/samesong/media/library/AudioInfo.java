package org.samesong.media.library;

/**
 * What a library file says about itself: its tags, its exact length and the media type it is served
 * with.
 *
 * @param title the title tag, or null when the file has none (the catalog then uses the file name)
 * @param artist null when unknown
 * @param album null when unknown
 * @param durationMs length of the audio in milliseconds, always positive
 * @param mediaType e.g. {@code audio/mpeg}
 */
public record AudioInfo(
    String title, String artist, String album, long durationMs, String mediaType) {
  public AudioInfo {
    if (durationMs <= 0) {
      throw new IllegalArgumentException("an audio file has a positive duration");
    }
    if (mediaType == null || mediaType.isBlank()) {
      throw new IllegalArgumentException("an audio file has a media type");
    }
  }
}
