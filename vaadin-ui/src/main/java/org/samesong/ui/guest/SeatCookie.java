package org.samesong.ui.guest;

import java.util.Optional;
import org.samesong.ui.shell.BrowserCookie;

/**
 * The browser's copy of a guest's seat (a seat token, see {@code AuthService.seatFor}), one cookie
 * per invite code: with it the join page puts the guest back in the player after a restart instead
 * of asking for a name again.
 */
final class SeatCookie {
  private static final String PREFIX = "samesong_seat_";

  private SeatCookie() {}

  static Optional<String> read(String code) {
    return BrowserCookie.read(PREFIX + code);
  }

  static void write(String code, String seatToken, long maxAgeSeconds) {
    BrowserCookie.write(PREFIX + code, seatToken, maxAgeSeconds);
  }

  static void clear(String code) {
    BrowserCookie.clear(PREFIX + code);
  }
}
