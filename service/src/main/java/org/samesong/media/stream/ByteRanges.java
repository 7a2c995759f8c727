package org.samesong.media.stream;

import java.util.Locale;

/**
 * Reads a {@code Range} request header (RFC 9110, section 14) against a representation of known
 * length. A header that is malformed, not in bytes, or asks for several ranges is ignored: the
 * answer is then the whole body with 200, which the RFC allows, and which is what the players this
 * endpoint serves need (browsers ask for one range at a time).
 */
public final class ByteRanges {
  private ByteRanges() {}

  /** What to send. */
  public sealed interface Outcome {}

  /** The whole representation, 200. */
  public record Whole() implements Outcome {}

  /** One range, 206; {@code first} and {@code last} inclusive, within the length. */
  public record Part(long first, long last) implements Outcome {
    public long length() {
      return last - first + 1;
    }

    /** The {@code Content-Range} value, e.g. {@code bytes 0-99/1000}. */
    public String contentRange(long total) {
      return "bytes " + first + "-" + last + "/" + total;
    }
  }

  /** Nothing of the representation, 416 with {@code Content-Range: bytes *}{@code /length}. */
  public record Unsatisfiable() implements Outcome {}

  /** Reads {@code header} (null when absent) for a representation of {@code length} bytes. */
  public static Outcome parse(String header, long length) {
    if (header == null) {
      return new Whole();
    }
    String value = header.strip();
    int equals = value.indexOf('=');
    if (equals < 0
        || !value.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
      return new Whole();
    }
    String spec = value.substring(equals + 1).strip();
    if (spec.isEmpty() || spec.indexOf(',') >= 0) {
      // several ranges (or an empty list): served whole, see the class comment
      return new Whole();
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Whole();
    }
    String from = spec.substring(0, dash).strip();
    String to = spec.substring(dash + 1).strip();
    if (from.isEmpty()) {
      // suffix range: the last n bytes
      long n = number(to);
      if (n < 0) {
        return new Whole();
      }
      if (n == 0 || length == 0) {
        return new Unsatisfiable();
      }
      return new Part(Math.max(0, length - n), length - 1);
    }
    long first = number(from);
    if (first < 0) {
      return new Whole();
    }
    long last;
    if (to.isEmpty()) {
      last = Long.MAX_VALUE;
    } else {
      last = number(to);
      if (last < 0 || last < first) {
        return new Whole();
      }
    }
    if (first >= length) {
      return new Unsatisfiable();
    }
    return new Part(first, Math.min(last, length - 1));
  }

  /** A non-negative decimal; {@link Long#MAX_VALUE} when too big; -1 when not a number. */
  private static long number(String digits) {
    if (digits.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    if (digits.length() > 18) {
      return Long.MAX_VALUE;
    }
    return Long.parseLong(digits);
  }
}
