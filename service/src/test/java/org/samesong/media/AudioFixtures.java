package org.samesong.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;
import org.samesong.media.library.TagReader;

/**
 * Real, tagged audio files made by tests, so no test depends on files of its own in the repository:
 * WAV, MP3 and FLAC in pure Java (no FFmpeg needed), and, where FFmpeg is installed, MP3, FLAC, Ogg
 * Vorbis, Opus and M4A encoded by it from a generated WAV.
 *
 * <ul>
 *   <li>WAV: 16-bit mono PCM (a 440 Hz tone) with a RIFF INFO chunk, as the demo catalog writes.
 *   <li>MP3: constant-bitrate MPEG-1 Layer III frames at 48 kHz, 128 kbit/s, mono, each 384 bytes
 *       and 24 ms long, with all-zero side information: a frame whose granules carry no data is
 *       valid silence. Tagged (ID3v2) by jaudiotagger.
 *   <li>FLAC: 44.1 kHz 16-bit mono, frames of 4096 samples stored as verbatim subframes (a 440 Hz
 *       tone), with the STREAMINFO MD5; tagged (Vorbis comments) by jaudiotagger.
 * </ul>
 */
public final class AudioFixtures {
  public static final int WAV_RATE = 44_100;
  public static final int FLAC_RATE = 44_100;

  /** MPEG-1 Layer III at 48 kHz: 1152 samples, 24 ms, per frame. */
  public static final int MP3_FRAME_MS = 24;

  private static final int MP3_FRAME_BYTES = 384; // 144 * 128000 / 48000, no padding needed
  private static final int FLAC_BLOCK = 4096;

  private AudioFixtures() {}

  /** Title, artist and album to tag a file with; any may be null (not written). */
  public record Tags(String title, String artist, String album) {
    /** No tags at all: the catalog falls back to the file name. */
    public static final Tags NONE = new Tags(null, null, null);
  }

  /** A generated file and what a reader should find in it. */
  public record Fixture(Path path, Tags tags, long durationMs, String mediaType) {}

  /** A WAV file of {@code durationMs} (whole milliseconds at 44.1 kHz) with INFO tags. */
  public static Fixture wav(Path file, long durationMs, Tags tags) {
    int samples = Math.toIntExact(durationMs * WAV_RATE / 1000);
    Map<String, String> info = new LinkedHashMap<>();
    put(info, "INAM", tags.title());
    put(info, "IART", tags.artist());
    put(info, "IPRD", tags.album());
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      WavFile.write(file, tone(samples, WAV_RATE), WAV_RATE, info);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Fixture(file, tags, durationMs, "audio/wav");
  }

  /** An MP3 file of silent frames: {@code durationMs} rounded down to whole 24 ms frames. */
  public static Fixture mp3(Path file, long durationMs, Tags tags) {
    int frames = Math.toIntExact(durationMs / MP3_FRAME_MS);
    byte[] data = new byte[frames * MP3_FRAME_BYTES];
    for (int f = 0; f < frames; f++) {
      int at = f * MP3_FRAME_BYTES;
      data[at] = (byte) 0xFF;
      data[at + 1] = (byte) 0xFB; // MPEG-1, Layer III, no CRC
      data[at + 2] = (byte) 0x94; // 128 kbit/s, 48 kHz, no padding
      data[at + 3] = (byte) 0xC4; // mono, original
      // 17 bytes of side information and the main data stay zero: silence
    }
    write(file, data);
    tag(file, tags);
    return new Fixture(file, tags, (long) frames * MP3_FRAME_MS, "audio/mpeg");
  }

  /** A FLAC file of {@code durationMs} (whole milliseconds at 44.1 kHz), verbatim subframes. */
  public static Fixture flac(Path file, long durationMs, Tags tags) {
    int samples = Math.toIntExact(durationMs * FLAC_RATE / 1000);
    short[] pcm = tone(samples, FLAC_RATE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("fLaC".getBytes(StandardCharsets.US_ASCII));
    // STREAMINFO, the last (only) metadata block: jaudiotagger adds the comments when tagging
    ByteBuffer info = ByteBuffer.allocate(4 + 34);
    info.put((byte) 0x80).put((byte) 0).put((byte) 0).put((byte) 34);
    info.putShort((short) FLAC_BLOCK).putShort((short) FLAC_BLOCK);
    info.put(new byte[6]); // frame sizes unknown
    long packed =
        ((long) FLAC_RATE << 44) | (0L << 41) | (15L << 36) | samples; // rate, mono, 16 bits
    info.putLong(packed);
    info.put(md5(pcm));
    out.writeBytes(info.array());
    int frame = 0;
    for (int start = 0; start < samples; start += FLAC_BLOCK, frame++) {
      int block = Math.min(FLAC_BLOCK, samples - start);
      out.writeBytes(flacFrame(pcm, start, block, frame));
    }
    write(file, out.toByteArray());
    tag(file, tags);
    return new Fixture(file, tags, durationMs, "audio/flac");
  }

  /** A file with an audio file's name that holds text: every reader must refuse it. */
  public static Path corrupt(Path file) {
    String text = "This is not audio at all, just text with an audio file's name.\n";
    write(file, text.repeat(40).getBytes(StandardCharsets.US_ASCII));
    return file;
  }

  /** Writes new tags into an existing file (the file's size and time change). */
  public static void retag(Path file, Tags tags) {
    tag(file, tags);
  }

  /** True when the {@code ffmpeg} executable runs on this machine. */
  public static boolean ffmpegAvailable() {
    return Ffmpeg.detect(null).ffmpeg().isPresent();
  }

  /**
   * Encodes a WAV fixture with FFmpeg into the format {@code out}'s extension names ({@code .mp3},
   * {@code .flac}, {@code .ogg} Vorbis, {@code .opus}, {@code .m4a} AAC), with tags; {@code
   * opusInOgg} makes an Ogg Opus file named {@code .ogg}. The length stays the WAV's: encoders'
   * priming and padding are marked in the files, and readers take them off.
   */
  public static Fixture encode(Fixture wav, Path out, Tags tags, boolean opusInOgg) {
    String extension = TagReader.extension(out);
    String codec =
        opusInOgg
            ? "libopus"
            : switch (extension) {
              case "mp3" -> "libmp3lame";
              case "flac" -> "flac";
              case "ogg" -> "libvorbis";
              case "opus" -> "libopus";
              case "m4a" -> "aac";
              default -> throw new IllegalArgumentException("no encoder for " + out);
            };
    List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
    command.addAll(List.of("-i", wav.path().toString(), "-c:a", codec));
    metadata(command, "title", tags.title());
    metadata(command, "artist", tags.artist());
    metadata(command, "album", tags.album());
    if (opusInOgg) {
      command.addAll(List.of("-f", "ogg"));
    }
    command.add(out.toString());
    try {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("ffmpeg failed for " + out + ": " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String mediaType = TagReader.mediaType(out).orElseThrow();
    return new Fixture(out, tags, wav.durationMs(), mediaType);
  }

  private static void metadata(List<String> command, String key, String value) {
    if (value != null) {
      command.addAll(List.of("-metadata", key + "=" + value));
    }
  }

  /** One FLAC frame: header with CRC-8, one verbatim subframe, CRC-16. */
  private static byte[] flacFrame(short[] pcm, int start, int block, int number) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0xFF);
    frame.write(0xF8); // sync, fixed block size
    boolean full = block == FLAC_BLOCK;
    frame.write((full ? 0b1100 : 0b0111) << 4 | 0b1001); // 4096 or 16-bit size at end; 44.1 kHz
    frame.write(0b0000_100_0); // mono, 16 bits per sample
    frame.writeBytes(utf8Number(number));
    if (!full) {
      frame.write((block - 1) >> 8);
      frame.write((block - 1) & 0xFF);
    }
    frame.write(crc8(frame.toByteArray()));
    frame.write(0b0_000001_0); // verbatim subframe, no wasted bits
    for (int i = start; i < start + block; i++) {
      frame.write(pcm[i] >> 8);
      frame.write(pcm[i] & 0xFF);
    }
    int crc = crc16(frame.toByteArray());
    frame.write(crc >> 8);
    frame.write(crc & 0xFF);
    return frame.toByteArray();
  }

  /** The frame number in FLAC's "UTF-8" coding. */
  private static byte[] utf8Number(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x800) {
      return new byte[] {(byte) (0xC0 | (n >> 6)), (byte) (0x80 | (n & 0x3F))};
    }
    return new byte[] {
      (byte) (0xE0 | (n >> 12)), (byte) (0x80 | ((n >> 6) & 0x3F)), (byte) (0x80 | (n & 0x3F))
    };
  }

  private static int crc8(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= b & 0xFF;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
      }
    }
    return crc;
  }

  private static int crc16(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= (b & 0xFF) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
      }
    }
    return crc;
  }

  private static byte[] md5(short[] pcm) {
    ByteBuffer bytes = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asShortBuffer().put(pcm);
    try {
      return MessageDigest.getInstance("MD5").digest(bytes.array());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A quiet 440 Hz tone. */
  private static short[] tone(int samples, int rate) {
    short[] pcm = new short[samples];
    for (int i = 0; i < samples; i++) {
      pcm[i] = (short) Math.round(6000 * Math.sin(2 * Math.PI * 440 * i / rate));
    }
    return pcm;
  }

  private static void tag(Path file, Tags tags) {
    TagReader.silenceJaudiotagger();
    try {
      AudioFile audio = AudioFileIO.read(file.toFile());
      Tag tag = audio.getTagOrCreateAndSetDefault();
      set(tag, FieldKey.TITLE, tags.title());
      set(tag, FieldKey.ARTIST, tags.artist());
      set(tag, FieldKey.ALBUM, tags.album());
      audio.commit();
    } catch (Exception e) {
      throw new IllegalStateException("cannot tag " + file + ": " + e, e);
    }
  }

  private static void set(Tag tag, FieldKey key, String value) throws Exception {
    if (value == null) {
      tag.deleteField(key);
    } else {
      tag.setField(key, value);
    }
  }

  private static void put(Map<String, String> info, String key, String value) {
    if (value != null) {
      info.put(key, value);
    }
  }

  private static void write(Path file, byte[] data) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small PNG picture (a square of one colour), as a cover's bytes. */
  public static byte[] png(int rgb) {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 8; y++) {
        image.setRGB(x, y, rgb);
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Embeds {@code picture} as the file's front cover, as a tagger would (MP3 or FLAC). */
  public static void embedCover(Path file, byte[] picture, String mimeType) {
    try {
      org.jaudiotagger.audio.AudioFile audio =
          org.jaudiotagger.audio.AudioFileIO.read(file.toFile());
      org.jaudiotagger.tag.Tag tag = audio.getTagOrCreateAndSetDefault();
      org.jaudiotagger.tag.images.Artwork artwork =
          org.jaudiotagger.tag.images.ArtworkFactory.getNew();
      artwork.setBinaryData(picture);
      artwork.setMimeType(mimeType);
      artwork.setPictureType(3); // front cover
      tag.setField(artwork);
      audio.commit();
    } catch (Exception e) {
      throw new IllegalStateException("cannot embed a cover in " + file, e);
    }
  }
}
