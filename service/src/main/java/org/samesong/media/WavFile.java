package org.samesong.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.UUID;

/**
 * Writes 16-bit PCM mono RIFF/WAVE files with a {@code LIST/INFO} chunk (INAM title, IART artist,
 * IPRD album...) ahead of the samples, where tag readers look for it.
 */
public final class WavFile {
  private WavFile() {}

  /** The exact size in bytes of the file {@link #write} makes. */
  public static long size(int samples, Map<String, String> info) {
    return 12 + 24 + infoChunkSize(info) + 8 + 2L * samples;
  }

  /** Writes the file through a temporary file in the same folder, so no reader sees half of it. */
  public static void write(Path file, short[] samples, int rate, Map<String, String> info)
      throws IOException {
    long size = size(samples.length, info);
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    out.put(ascii("RIFF")).putInt((int) (size - 8)).put(ascii("WAVE"));
    out.put(ascii("fmt ")).putInt(16);
    out.putShort((short) 1); // PCM
    out.putShort((short) 1); // mono
    out.putInt(rate);
    out.putInt(rate * 2); // bytes per second
    out.putShort((short) 2); // bytes per frame
    out.putShort((short) 16); // bits per sample
    out.put(ascii("LIST")).putInt(infoChunkSize(info) - 8).put(ascii("INFO"));
    for (Map.Entry<String, String> tag : info.entrySet()) {
      byte[] text = text(tag.getValue());
      out.put(ascii(tag.getKey())).putInt(text.length).put(text);
      if (text.length % 2 == 1) {
        out.put((byte) 0);
      }
    }
    out.put(ascii("data")).putInt(2 * samples.length);
    out.asShortBuffer().put(samples);
    // not Files.createTempFile: its owner-only permissions would stick to the finished file
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, out.array());
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The whole LIST chunk: header, "INFO" and each tag padded to an even length. */
  private static int infoChunkSize(Map<String, String> info) {
    int size = 12;
    for (String value : info.values()) {
      int length = text(value).length;
      size += 8 + length + (length % 2);
    }
    return size;
  }

  /** A tag value: NUL-terminated, as RIFF INFO readers expect. */
  private static byte[] text(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    byte[] terminated = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, terminated, 0, bytes.length);
    return terminated;
  }

  private static byte[] ascii(String id) {
    return id.getBytes(StandardCharsets.US_ASCII);
  }
}
