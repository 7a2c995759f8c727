package org.samesong.ui.guest;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.VaadinServletRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The browser's copy of a guest's seat (a seat token, see {@code AuthService.seatFor}), one cookie
 * per invite code: the web session that holds the seat lives in the server's memory and is gone
 * after a restart, and with this cookie the join page puts the guest back in the player instead of
 * asking for a name again. HttpOnly (no script reads it), SameSite=Lax, Secure over HTTPS.
 *
 * <p>Cookies can only be set while answering a browser request (a click, a page load), not from
 * pushed updates: a cookie that outlived its seat is refused and cleared when it is next read.
 */
final class SeatCookie {
  private static final String PREFIX = "samesong_seat_";

  private SeatCookie() {}

  static Optional<String> read(String code) {
    VaadinRequest request = VaadinRequest.getCurrent();
    Cookie[] cookies = request == null ? null : request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie cookie : cookies) {
      if ((PREFIX + code).equals(cookie.getName()) && !cookie.getValue().isBlank()) {
        return Optional.of(cookie.getValue());
      }
    }
    return Optional.empty();
  }

  static void write(String code, String seatToken, long maxAgeSeconds) {
    set(code, seatToken, (int) Math.min(Integer.MAX_VALUE, maxAgeSeconds));
  }

  static void clear(String code) {
    set(code, "", 0);
  }

  private static void set(String code, String value, int maxAge) {
    VaadinResponse response = VaadinResponse.getCurrent();
    if (response == null) {
      return;
    }
    Cookie cookie = new Cookie(PREFIX + code, value);
    cookie.setHttpOnly(true);
    cookie.setPath("/");
    cookie.setMaxAge(maxAge);
    cookie.setSecure(secure());
    cookie.setAttribute("SameSite", "Lax");
    response.addCookie(cookie);
  }

  private static boolean secure() {
    if (VaadinRequest.getCurrent() instanceof VaadinServletRequest servlet) {
      HttpServletRequest http = servlet.getHttpServletRequest();
      return http.isSecure() || "https".equalsIgnoreCase(http.getHeader("X-Forwarded-Proto"));
    }
    return false;
  }
}
