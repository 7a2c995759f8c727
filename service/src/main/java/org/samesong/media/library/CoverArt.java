package org.samesong.media.library;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.tag.Tag;
import org.jaudiotagger.tag.images.Artwork;
import org.samesong.catalog.Track;

/**
 * The cover picture embedded in a library track's file (ID3 APIC, FLAC and Vorbis PICTURE, MP4
 * covr), read with the same tag library as the scan. The few most recently asked are kept in memory
 * (a room shows one track to everyone), each until its file changes; a file without a picture, a
 * URL track, or a picture larger than {@link #MAX_BYTES} has none, and the screens draw a generated
 * cover instead.
 */
public final class CoverArt {
  /** Pictures above this size are not served (a phone does not need a poster). */
  public static final int MAX_BYTES = 2 * 1024 * 1024;

  private static final int KEPT = 16;

  /** An embedded picture. */
  public record Picture(byte[] data, String mediaType) {}

  private record Kept(long modified, long size, Optional<Picture> picture) {}

  private static final Map<String, Kept> KEPT_BY_TRACK =
      Collections.synchronizedMap(
          new LinkedHashMap<>(KEPT, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
              return size() > KEPT;
            }
          });

  private CoverArt() {}

  /** The picture embedded in the track's file, if it is a library track and has one. */
  public static Optional<Picture> of(Track track) {
    if (track == null || !Track.LIBRARY.equals(track.source()) || track.location() == null) {
      return Optional.empty();
    }
    Path file = Path.of(track.location());
    long modified;
    long size;
    try {
      modified = Files.getLastModifiedTime(file).toMillis();
      size = Files.size(file);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
    Kept kept = KEPT_BY_TRACK.get(track.id());
    if (kept != null && kept.modified() == modified && kept.size() == size) {
      return kept.picture();
    }
    Optional<Picture> picture = read(file);
    KEPT_BY_TRACK.put(track.id(), new Kept(modified, size, picture));
    return picture;
  }

  /** Reads the file's first embedded picture; none when there is none or it cannot be read. */
  static Optional<Picture> read(Path file) {
    String extension = TagReader.extension(file);
    if (!TagReader.MEDIA_TYPES.containsKey(extension)) {
      return Optional.empty();
    }
    TagReader.silenceJaudiotagger();
    try {
      AudioFile audio =
          AudioFileIO.readAs(file.toFile(), extension.equals("oga") ? "ogg" : extension);
      Tag tag = audio.getTag();
      Artwork artwork = tag == null ? null : tag.getFirstArtwork();
      if (artwork == null || artwork.isLinked()) {
        return Optional.empty();
      }
      byte[] data = artwork.getBinaryData();
      String type = mediaType(data);
      if (data == null || data.length == 0 || data.length > MAX_BYTES || type == null) {
        return Optional.empty();
      }
      return Optional.of(new Picture(data, type));
    } catch (Exception | LinkageError e) {
      // a damaged tag, an Opus file jaudiotagger cannot parse: no picture, not a failure
      return Optional.empty();
    }
  }

  /** Only the picture formats a browser shows, told by their bytes (tags often misname them). */
  private static String mediaType(byte[] data) {
    if (data == null || data.length < 4) {
      return null;
    }
    if ((data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xd8) {
      return "image/jpeg";
    }
    if ((data[0] & 0xff) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G') {
      return "image/png";
    }
    if (data.length >= 12 && data[8] == 'W' && data[9] == 'E' && data[10] == 'B') {
      return "image/webp";
    }
    if (data[0] == 'G' && data[1] == 'I' && data[2] == 'F') {
      return "image/gif";
    }
    return null; // BMP, TIFF, or not a picture at all
  }
}
