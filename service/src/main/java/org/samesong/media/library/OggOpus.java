package org.samesong.media.library;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an Ogg Opus file (RFC 7845) as far as the catalog needs, because jaudiotagger 3.0.1 has no
 * Opus reader: the pre-skip from the {@code OpusHead} packet, the comments of the {@code OpusTags}
 * packet, and the granule position of the stream's last page.
 *
 * <p>Opus granule positions count 48 kHz samples from the start of decoding, pre-skip included, so
 * the playable length is {@code (last granule - pre-skip) / 48000} seconds (RFC 7845, section 4).
 * The last page is looked for in the file's tail (a page is at most 65,307 bytes) and checked by
 * its CRC, so that "OggS" inside compressed data is not taken for a page; a file whose tail holds
 * no page of the stream (e.g. a chained file) is walked page by page from the start instead.
 */
final class OggOpus {
  /** Opus always counts granules at 48 kHz, whatever the input rate was. */
  static final int GRANULE_RATE = 48_000;

  private static final int PAGE_HEADER = 27;
  private static final int MAX_PAGE = PAGE_HEADER + 255 + 255 * 255;

  /** The head and tags packets are read up to this size; larger tags (cover art) are ignored. */
  private static final int MAX_HEADER_PACKETS = 1 << 20;

  private static final byte[] CAPTURE = "OggS".getBytes(StandardCharsets.US_ASCII);
  private static final int[] CRC_TABLE = crcTable();

  private OggOpus() {}

  /** True when the file is an Ogg stream whose first packet is an {@code OpusHead}. */
  static boolean isOpus(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Page first = Page.read(channel, 0);
      if (first == null || first.laces.length == 0) {
        return false;
      }
      ByteBuffer start = ByteBuffer.allocate(8);
      channel.read(start, first.offset + first.headerLength);
      return start.position() == 8
          && new String(start.array(), StandardCharsets.US_ASCII).equals("OpusHead");
    }
  }

  /** Title, artist, album and exact length of an Ogg Opus file, served as {@code audio/ogg}. */
  static AudioInfo read(Path file, String mediaType) throws IOException, UnreadableAudioException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[][] headers = headerPackets(channel);
      ByteBuffer head = ByteBuffer.wrap(headers[0]).order(ByteOrder.LITTLE_ENDIAN);
      if (headers[0].length < 19
          || !new String(headers[0], 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
        throw new UnreadableAudioException("no OpusHead packet");
      }
      int preSkip = Short.toUnsignedInt(head.getShort(10));
      int serial = Page.read(channel, 0).serial;
      long granule = lastGranule(channel, serial);
      if (granule < 0) {
        throw new UnreadableAudioException("no Opus audio page");
      }
      long samples = granule - preSkip;
      long durationMs = Math.round(samples * 1000.0 / GRANULE_RATE);
      if (durationMs <= 0) {
        throw new UnreadableAudioException("no Opus audio");
      }
      Map<String, String> tags = comments(headers[1]);
      return new AudioInfo(
          tags.get("TITLE"), tags.get("ARTIST"), tags.get("ALBUM"), durationMs, mediaType);
    }
  }

  /** The first two packets of the first logical stream: OpusHead and OpusTags (maybe empty). */
  private static byte[][] headerPackets(FileChannel channel)
      throws IOException, UnreadableAudioException {
    Page first = Page.read(channel, 0);
    if (first == null) {
      throw new UnreadableAudioException("not an Ogg file");
    }
    byte[][] packets = {new byte[0], new byte[0]};
    int packet = 0;
    ByteBuffer current = ByteBuffer.allocate(0);
    long position = 0;
    boolean tooBig = false;
    while (packet < 2 && position < channel.size()) {
      Page page = Page.read(channel, position);
      if (page == null) {
        break;
      }
      position = page.offset + page.headerLength + page.bodyLength;
      if (page.serial != first.serial) {
        continue;
      }
      ByteBuffer body = ByteBuffer.allocate(page.bodyLength);
      channel.read(body, page.offset + page.headerLength);
      body.flip();
      for (int lace : page.laces) {
        if (packet >= 2) {
          break;
        }
        byte[] part = new byte[Math.min(lace, body.remaining())];
        body.get(part);
        if (!tooBig) {
          if (current.position() + part.length > MAX_HEADER_PACKETS) {
            tooBig = true;
          } else {
            current = grow(current, part.length);
            current.put(part);
          }
        }
        if (lace < 255) {
          packets[packet++] =
              tooBig ? new byte[0] : Arrays.copyOf(current.array(), current.position());
          current = ByteBuffer.allocate(0);
          tooBig = false;
        }
      }
    }
    return packets;
  }

  private static ByteBuffer grow(ByteBuffer buffer, int more) {
    if (buffer.remaining() >= more) {
      return buffer;
    }
    ByteBuffer bigger =
        ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  /** The granule position of the stream's last page that has one, or -1. */
  private static long lastGranule(FileChannel channel, int serial) throws IOException {
    long size = channel.size();
    int tailLength = (int) Math.min(size, 2L * MAX_PAGE);
    ByteBuffer tail = ByteBuffer.allocate(tailLength).order(ByteOrder.LITTLE_ENDIAN);
    channel.read(tail, size - tailLength);
    byte[] bytes = tail.array();
    int length = tail.position();
    for (int i = length - PAGE_HEADER; i >= 0; i--) {
      if (bytes[i] != 'O' || !startsWith(bytes, i, CAPTURE) || bytes[i + 4] != 0) {
        continue;
      }
      int segments = Byte.toUnsignedInt(bytes[i + 26]);
      int headerLength = PAGE_HEADER + segments;
      if (i + headerLength > length) {
        continue;
      }
      int bodyLength = 0;
      for (int s = 0; s < segments; s++) {
        bodyLength += Byte.toUnsignedInt(bytes[i + PAGE_HEADER + s]);
      }
      if (i + headerLength + bodyLength > length
          || !crcMatches(bytes, i, headerLength + bodyLength)) {
        continue;
      }
      long granule = tail.getLong(i + 6);
      if (tail.getInt(i + 14) == serial && granule != -1) {
        return granule;
      }
    }
    // no page of this stream at the end: walk every page header from the start
    long granule = -1;
    long position = 0;
    while (position < size) {
      Page page = Page.read(channel, position);
      if (page == null) {
        break;
      }
      if (page.serial == serial && page.granule != -1) {
        granule = page.granule;
      }
      position = page.offset + page.headerLength + page.bodyLength;
    }
    return granule;
  }

  /** Vorbis-comment fields (RFC 7845, section 5.2) by upper-case name; the first value wins. */
  private static Map<String, String> comments(byte[] packet) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (packet.length < 16
        || !new String(packet, 0, 8, StandardCharsets.US_ASCII).equals("OpusTags")) {
      return fields;
    }
    ByteBuffer in = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
    in.position(8);
    long vendor = Integer.toUnsignedLong(in.getInt());
    if (vendor > in.remaining() - 4) {
      return fields;
    }
    in.position(in.position() + (int) vendor);
    long count = Integer.toUnsignedLong(in.getInt());
    for (long c = 0; c < count && in.remaining() >= 4; c++) {
      long length = Integer.toUnsignedLong(in.getInt());
      if (length > in.remaining()) {
        break;
      }
      byte[] text = new byte[(int) length];
      in.get(text);
      String field = new String(text, StandardCharsets.UTF_8);
      int eq = field.indexOf('=');
      if (eq > 0) {
        // a NUL is no character to the databases (PostgreSQL refuses it)
        String value = field.substring(eq + 1).replace("\u0000", "").strip();
        if (!value.isEmpty()) {
          fields.putIfAbsent(field.substring(0, eq).toUpperCase(Locale.ROOT), value);
        }
      }
    }
    return fields;
  }

  private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
    if (at + prefix.length > bytes.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Ogg's CRC-32 (polynomial 0x04c11db7, not reflected, initial 0) with the CRC field as zero. */
  private static boolean crcMatches(byte[] bytes, int start, int length) {
    int stored = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(start + 22);
    int crc = 0;
    for (int i = 0; i < length; i++) {
      int b = (i >= 22 && i < 26) ? 0 : Byte.toUnsignedInt(bytes[start + i]);
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff];
    }
    return crc == stored;
  }

  private static int[] crcTable() {
    int[] table = new int[256];
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
      }
      table[i] = r;
    }
    return table;
  }

  /** One page header: where it is, its granule position, stream serial and lacing values. */
  private record Page(
      long offset, long granule, int serial, int[] laces, int headerLength, int bodyLength) {
    /** The page header at {@code offset}, or null when there is none. */
    static Page read(FileChannel channel, long offset) throws IOException {
      ByteBuffer header = ByteBuffer.allocate(PAGE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(header, offset);
      if (header.position() < PAGE_HEADER
          || !startsWith(header.array(), 0, CAPTURE)
          || header.get(4) != 0) {
        return null;
      }
      int segments = Byte.toUnsignedInt(header.get(26));
      ByteBuffer lacing = ByteBuffer.allocate(segments);
      channel.read(lacing, offset + PAGE_HEADER);
      if (lacing.position() < segments) {
        return null;
      }
      int[] laces = new int[segments];
      int body = 0;
      for (int s = 0; s < segments; s++) {
        laces[s] = Byte.toUnsignedInt(lacing.get(s));
        body += laces[s];
      }
      return new Page(
          offset, header.getLong(6), header.getInt(14), laces, PAGE_HEADER + segments, body);
    }
  }
}
