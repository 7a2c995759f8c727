package org.samesong.ui.shell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Positions as people type and read them: {@code 1:23}, {@code 83} (seconds), {@code 1:02:03}. */
public final class MinutesSeconds {
  private static final Pattern SECONDS = Pattern.compile("(\\d{1,6})(?:\\.(\\d{1,3}))?");
  private static final Pattern CLOCK =
      Pattern.compile("(?:(\\d{1,3}):)?(\\d{1,4}):(\\d{1,2})(?:\\.(\\d{1,3}))?");

  private MinutesSeconds() {}

  /**
   * Milliseconds from {@code mm:ss}, {@code h:mm:ss} or a plain number of seconds.
   *
   * @throws IllegalArgumentException with a message for the person who typed it
   */
  public static long parse(String text) {
    String value = text == null ? "" : text.strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Enter a time such as 1:23 or 83");
    }
    Matcher plain = SECONDS.matcher(value);
    if (plain.matches()) {
      return Long.parseLong(plain.group(1)) * 1000 + millis(plain.group(2));
    }
    Matcher clock = CLOCK.matcher(value);
    if (!clock.matches()) {
      throw new IllegalArgumentException("\"" + value + "\" is not a time such as 1:23 or 83");
    }
    long hours = clock.group(1) == null ? 0 : Long.parseLong(clock.group(1));
    long minutes = Long.parseLong(clock.group(2));
    long seconds = Long.parseLong(clock.group(3));
    if (seconds > 59) {
      throw new IllegalArgumentException("Seconds go from 00 to 59 (\"" + value + "\")");
    }
    if (clock.group(1) != null && minutes > 59) {
      throw new IllegalArgumentException("Minutes go from 00 to 59 after the hours");
    }
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis(clock.group(4));
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  public static String format(long millis) {
    long total = Math.max(0, millis) / 1000;
    long hours = total / 3600;
    long minutes = (total / 60) % 60;
    long seconds = total % 60;
    return hours > 0
        ? String.format("%d:%02d:%02d", hours, minutes, seconds)
        : String.format("%d:%02d", minutes, seconds);
  }

  private static long millis(String fraction) {
    if (fraction == null) {
      return 0;
    }
    String padded = (fraction + "00").substring(0, 3);
    return Long.parseLong(padded);
  }
}
