package org.samesong.media.library;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.audio.mp3.MP3File;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;

/**
 * Reads title, artist, album and exact length of an audio file with jaudiotagger (MP3, FLAC, Ogg
 * Vorbis, M4A/AAC, WAV) or, for Ogg Opus, with {@link OggOpus}. Pure Java: FFmpeg is not needed.
 *
 * <p>Media types are the ones Chromium's {@code <audio>} accepts: Ogg Opus is served as {@code
 * audio/ogg} ({@code canPlayType("audio/opus")} answers "" in Chromium, {@code "audio/ogg"} and
 * {@code "audio/ogg; codecs=opus"} are played; RFC 7845 names {@code audio/ogg} for Ogg Opus files
 * too).
 */
public final class TagReader {
  /** Media type of each file extension the library scanner reads. */
  public static final Map<String, String> MEDIA_TYPES =
      Map.of(
          "mp3", "audio/mpeg",
          "flac", "audio/flac",
          "ogg", "audio/ogg",
          "oga", "audio/ogg",
          "opus", "audio/ogg",
          "m4a", "audio/mp4",
          "wav", "audio/wav");

  /**
   * jaudiotagger reports through java.util.logging, at WARNING and SEVERE even for files it then
   * reads fine, and it names every file it fails on in a stack trace: the scanner logs one line per
   * unreadable file itself. Held here because java.util.logging keeps loggers weakly.
   */
  private static final java.util.logging.Logger JAUDIOTAGGER =
      java.util.logging.Logger.getLogger("org.jaudiotagger");

  private TagReader() {}

  /** The media type the file is served with, when its extension is one the scanner reads. */
  public static Optional<String> mediaType(Path file) {
    return Optional.ofNullable(MEDIA_TYPES.get(extension(file)));
  }

  /**
   * Reads the file's tags and length.
   *
   * @throws UnreadableAudioException when the file is not audio of the kind its name says, is
   *     damaged, or holds no audio
   * @throws IOException when the file cannot be read at all
   */
  public static AudioInfo read(Path file) throws IOException, UnreadableAudioException {
    try {
      return readChecked(file);
    } catch (RuntimeException e) {
      // the parsers of a damaged file may fail anywhere (bad lengths, short buffers...)
      throw new UnreadableAudioException(reason(e, file));
    }
  }

  private static AudioInfo readChecked(Path file) throws IOException, UnreadableAudioException {
    String extension = extension(file);
    String mediaType = MEDIA_TYPES.get(extension);
    if (mediaType == null) {
      throw new UnreadableAudioException("not a supported audio file type");
    }
    silenceJaudiotagger();
    if (extension.equals("opus") || (extension.startsWith("og") && OggOpus.isOpus(file))) {
      return OggOpus.read(file, mediaType);
    }
    AudioFile audio;
    try {
      // jaudiotagger picks its reader by extension and knows .oga only as .ogg (Vorbis)
      audio = AudioFileIO.readAs(file.toFile(), extension.equals("oga") ? "ogg" : extension);
    } catch (EOFException e) {
      throw new UnreadableAudioException("the file ends too early");
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      // CannotReadException, InvalidAudioFrameException, TagException, and runtime exceptions
      // of jaudiotagger's parsers on damaged files
      throw new UnreadableAudioException(reason(e, file));
    }
    long durationMs = Math.round(audio.getAudioHeader().getPreciseTrackLength() * 1000);
    if (audio instanceof MP3File mp3 && mp3.getMP3AudioHeader() != null) {
      OptionalLong gapless = LameHeader.durationMs(file, mp3.getMP3AudioHeader().getMp3StartByte());
      if (gapless.isPresent()) {
        durationMs = gapless.getAsLong();
      }
    }
    if (durationMs <= 0) {
      throw new UnreadableAudioException("no audio in the file");
    }
    Tag tag = audio.getTag();
    return new AudioInfo(
        field(tag, FieldKey.TITLE),
        field(tag, FieldKey.ARTIST),
        field(tag, FieldKey.ALBUM),
        durationMs,
        mediaType);
  }

  /**
   * Turns jaudiotagger's java.util.logging output off; called before every use, since a logging
   * reconfiguration (e.g. Dropwizard's at start) may reset the level.
   */
  public static void silenceJaudiotagger() {
    if (JAUDIOTAGGER.getLevel() != Level.OFF) {
      JAUDIOTAGGER.setLevel(Level.OFF);
    }
  }

  private static String field(Tag tag, FieldKey key) {
    if (tag == null) {
      return null;
    }
    try {
      String value = tag.getFirst(key);
      if (value == null) {
        return null;
      }
      // RIFF INFO values end in NUL, which jaudiotagger keeps
      value = value.replace("\u0000", "").strip();
      return value.isEmpty() ? null : value;
    } catch (RuntimeException e) {
      // a tag format without this field (jaudiotagger throws for some): unknown
      return null;
    }
  }

  /** The lower-case extension, or "" when the name has none. */
  public static String extension(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return "";
    }
    String text = name.toString();
    int dot = text.lastIndexOf('.');
    return dot < 0 ? "" : text.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static String reason(Exception e, Path file) {
    String message = e.getMessage();
    if (message != null) {
      // jaudiotagger puts the path in front of some messages: the caller names the file itself
      message = message.replace(file.toString(), "").replace('\n', ' ').strip();
      // what is left around the removed path: "…: /path" or "/path: …"
      message = message.replaceAll("^[:\\s]+|[:\\s]+$", "");
    }
    return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
  }
}
