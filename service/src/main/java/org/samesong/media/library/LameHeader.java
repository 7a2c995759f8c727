package org.samesong.media.library;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The playable length of an MP3 file that starts with a Xing/Info frame carrying a LAME extension
 * (written by LAME and by FFmpeg): the frame count times the samples per frame, less the encoder's
 * delay and padding that decoders such as Chromium's drop. jaudiotagger counts whole frames only,
 * which for a short file is tens of milliseconds too long.
 *
 * <p>Layout: the Xing/Info tag follows the first frame's side information; after its optional frame
 * count, byte count, 100-byte table and quality come the LAME extension's 9-byte encoder name, and
 * 21 bytes into the extension two 12-bit numbers: the delay and the padding in samples.
 */
final class LameHeader {
  private static final int READ = 512;

  private LameHeader() {}

  /**
   * The playable length in milliseconds, when the frame at {@code frameStart} is a Xing/Info frame
   * with a frame count and a LAME extension; empty otherwise.
   */
  static OptionalLong durationMs(Path file, long frameStart) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(READ);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.read(frame, frameStart);
    }
    byte[] b = frame.array();
    int length = frame.position();
    if (length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xe0) != 0xe0) {
      return OptionalLong.empty();
    }
    int version = (b[1] >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    int layer = (b[1] >> 1) & 3; // 1 = Layer III
    int rateIndex = (b[2] >> 2) & 3;
    if (version == 1 || layer != 1 || rateIndex == 3) {
      return OptionalLong.empty();
    }
    int[] rates =
        switch (version) {
          case 3 -> new int[] {44_100, 48_000, 32_000};
          case 2 -> new int[] {22_050, 24_000, 16_000};
          default -> new int[] {11_025, 12_000, 8_000};
        };
    int sampleRate = rates[rateIndex];
    boolean mono = ((b[3] >> 6) & 3) == 3;
    boolean crc = (b[1] & 1) == 0;
    int sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
    int samplesPerFrame = version == 3 ? 1152 : 576;
    int at = 4 + (crc ? 2 : 0) + sideInfo;
    if (at + 8 > length) {
      return OptionalLong.empty();
    }
    String tag = new String(b, at, 4, StandardCharsets.US_ASCII);
    if (!tag.equals("Xing") && !tag.equals("Info")) {
      return OptionalLong.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(b, 0, length);
    int flags = in.getInt(at + 4);
    int p = at + 8;
    if ((flags & 1) == 0 || p + 4 > length) {
      return OptionalLong.empty();
    }
    long frames = Integer.toUnsignedLong(in.getInt(p));
    p += 4;
    p += (flags & 2) != 0 ? 4 : 0;
    p += (flags & 4) != 0 ? 100 : 0;
    p += (flags & 8) != 0 ? 4 : 0;
    if (p + 24 > length || !printable(b, p, 9)) {
      return OptionalLong.empty();
    }
    int delay = ((b[p + 21] & 0xff) << 4) | ((b[p + 22] & 0xff) >> 4);
    int padding = ((b[p + 22] & 0x0f) << 8) | (b[p + 23] & 0xff);
    long samples = frames * samplesPerFrame - delay - padding;
    if (samples <= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.round(samples * 1000.0 / sampleRate));
  }

  /**
   * The LAME extension starts with an encoder name such as {@code LAME3.100} or {@code Lavc59.37}.
   */
  private static boolean printable(byte[] b, int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (b[i] < 0x20 || b[i] > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
