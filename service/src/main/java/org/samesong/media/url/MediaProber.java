package org.samesong.media.url;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;
import org.samesong.catalog.ProbedMedia;
import org.samesong.media.Ffmpeg;

/**
 * Reads the duration and tags of a downloaded audio file: with {@code ffprobe} when FFmpeg is
 * installed, else with the pure-Java tag reader jaudiotagger (WAV, MP3, FLAC, Ogg, M4A, AIFF). Only
 * files whose first bytes say they are a known audio container are probed at all, so a text file
 * that names other resources (an HLS playlist, say) never reaches ffprobe.
 */
public final class MediaProber {
  private static final long FFPROBE_TIMEOUT_MS = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  // jaudiotagger reports every chunk it reads at INFO through java.util.logging; the reference is
  // kept because java.util.logging holds its loggers weakly and would forget the level
  private static final java.util.logging.Logger JAUDIOTAGGER_LOG =
      java.util.logging.Logger.getLogger("org.jaudiotagger");

  static {
    JAUDIOTAGGER_LOG.setLevel(Level.SEVERE);
  }

  private final Ffmpeg ffmpeg;

  public MediaProber(Ffmpeg ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** A file that is not audio we can play, with the reason for the person who added it. */
  public static final class NotAudioException extends Exception {
    public NotAudioException(String message) {
      super(message, null, false, false);
    }
  }

  /** A container recognised by its first bytes. */
  record Container(String mediaType, String extension, boolean javaReadable) {}

  /**
   * Probes the file.
   *
   * @param fallbackTitle the title when the tags have none (e.g. the URL's file name)
   */
  public ProbedMedia probe(Path file, String fallbackTitle) throws NotAudioException, IOException {
    Container container =
        sniff(file)
            .orElseThrow(
                () ->
                    new NotAudioException(
                        "the URL does not serve an audio file this server recognises"
                            + " (MP3, AAC, WAV, FLAC, Ogg, Opus, M4A, AIFF or WebM)"));
    return ffmpeg.available()
        ? withFfprobe(file, container, fallbackTitle)
        : withJaudiotagger(file, container, fallbackTitle);
  }

  /** The container type from the file's magic bytes. */
  static Optional<Container> sniff(Path file) throws IOException {
    byte[] h = new byte[64];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(h, 0, h.length);
    }
    if (n >= 12 && ascii(h, 0, "RIFF") && ascii(h, 8, "WAVE")) {
      return Optional.of(new Container("audio/wav", "wav", true));
    }
    if (n >= 12 && ascii(h, 0, "FORM") && (ascii(h, 8, "AIFF") || ascii(h, 8, "AIFC"))) {
      return Optional.of(new Container("audio/aiff", "aif", true));
    }
    if (n >= 4 && ascii(h, 0, "fLaC")) {
      return Optional.of(new Container("audio/flac", "flac", true));
    }
    if (n >= 4 && ascii(h, 0, "OggS")) {
      boolean opus = n >= 36 && ascii(h, 28, "OpusHead");
      return Optional.of(new Container("audio/ogg", opus ? "opus" : "ogg", true));
    }
    if (n >= 12 && ascii(h, 4, "ftyp")) {
      return Optional.of(new Container("audio/mp4", "m4a", true));
    }
    if (n >= 4
        && (h[0] & 0xff) == 0x1a
        && (h[1] & 0xff) == 0x45
        && (h[2] & 0xff) == 0xdf
        && (h[3] & 0xff) == 0xa3) {
      return Optional.of(new Container("audio/webm", "webm", false));
    }
    if (n >= 3 && ascii(h, 0, "ID3")) {
      return Optional.of(new Container("audio/mpeg", "mp3", true));
    }
    if (n >= 2 && (h[0] & 0xff) == 0xff && (h[1] & 0xf6) == 0xf0) {
      return Optional.of(new Container("audio/aac", "aac", false));
    }
    if (n >= 2 && (h[0] & 0xff) == 0xff && (h[1] & 0xe0) == 0xe0) {
      return Optional.of(new Container("audio/mpeg", "mp3", true));
    }
    return Optional.empty();
  }

  private ProbedMedia withFfprobe(Path file, Container container, String fallbackTitle)
      throws NotAudioException, IOException {
    List<String> command =
        List.of(
            ffmpeg.ffprobe().orElseThrow().toString(),
            "-v",
            "error",
            "-hide_banner",
            // the file is all ffprobe may open: no network, no other files
            "-protocol_whitelist",
            "file",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            file.toAbsolutePath().toString());
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out;
    try (InputStream in = process.getInputStream()) {
      out = in.readNBytes(1 << 20);
      if (!process.waitFor(FFPROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new NotAudioException("probing the audio took too long");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while probing", e);
    }
    if (process.exitValue() != 0) {
      throw new NotAudioException("the URL does not serve audio that can be read");
    }
    JsonNode root = JSON.readTree(new String(out, StandardCharsets.UTF_8));
    boolean audio = false;
    double streamDuration = 0;
    List<JsonNode> tagSources = new ArrayList<>();
    tagSources.add(root.path("format").path("tags"));
    for (JsonNode stream : root.path("streams")) {
      if ("audio".equals(stream.path("codec_type").asText())) {
        audio = true;
        streamDuration = Math.max(streamDuration, number(stream.path("duration")));
        tagSources.add(stream.path("tags"));
      }
    }
    if (!audio) {
      throw new NotAudioException("the URL serves a file without an audio stream");
    }
    double seconds = number(root.path("format").path("duration"));
    if (seconds <= 0) {
      seconds = streamDuration;
    }
    long durationMs = Math.round(seconds * 1000);
    if (durationMs <= 0) {
      throw new NotAudioException("the audio's duration cannot be determined");
    }
    return new ProbedMedia(
        tag(tagSources, "title").orElse(fallbackTitle),
        tag(tagSources, "artist").orElse(null),
        tag(tagSources, "album").orElse(null),
        durationMs,
        container.mediaType());
  }

  private static ProbedMedia withJaudiotagger(Path file, Container container, String fallbackTitle)
      throws NotAudioException {
    if (!container.javaReadable()) {
      throw new NotAudioException(
          "this server reads "
              + container.mediaType()
              + " only with FFmpeg, which is not installed");
    }
    AudioFile audio;
    try {
      audio = AudioFileIO.readAs(file.toFile(), container.extension());
    } catch (Exception e) {
      // jaudiotagger signals every unreadable file with one of several checked exceptions
      throw new NotAudioException("the URL does not serve audio that can be read");
    }
    double seconds =
        audio.getAudioHeader() == null ? 0 : audio.getAudioHeader().getPreciseTrackLength();
    long durationMs = Math.round(seconds * 1000);
    if (durationMs <= 0) {
      throw new NotAudioException("the audio's duration cannot be determined");
    }
    Tag tag = audio.getTag();
    return new ProbedMedia(
        field(tag, FieldKey.TITLE).orElse(fallbackTitle),
        field(tag, FieldKey.ARTIST).orElse(null),
        field(tag, FieldKey.ALBUM).orElse(null),
        durationMs,
        container.mediaType());
  }

  private static Optional<String> field(Tag tag, FieldKey key) {
    if (tag == null) {
      return Optional.empty();
    }
    try {
      return clean(tag.getFirst(key));
    } catch (RuntimeException e) {
      // a tag format without this field
      return Optional.empty();
    }
  }

  /** The first non-blank tag of that name (any case) in the format's, then the streams' tags. */
  private static Optional<String> tag(List<JsonNode> sources, String name) {
    for (JsonNode tags : sources) {
      Iterator<Map.Entry<String, JsonNode>> fields = tags.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().toLowerCase(Locale.ROOT).equals(name) && field.getValue().isTextual()) {
          Optional<String> value = clean(field.getValue().asText());
          if (value.isPresent()) {
            return value;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A tag value without the NUL terminators and control characters some formats keep. */
  private static Optional<String> clean(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String text = value.replaceAll("\\p{Cntrl}", "").strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static double number(JsonNode node) {
    try {
      double v = node.isNumber() ? node.asDouble() : Double.parseDouble(node.asText("0"));
      return Double.isFinite(v) ? v : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean ascii(byte[] bytes, int at, String text) {
    for (int i = 0; i < text.length(); i++) {
      if (bytes[at + i] != (byte) text.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
