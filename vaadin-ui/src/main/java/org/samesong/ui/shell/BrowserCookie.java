package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.VaadinServletRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * A cookie that carries what the browser must keep when the server forgets it: the web session that
 * holds a sign-in or a guest's seat lives in the server's memory and is gone after a restart (or on
 * another instance of a cluster). HttpOnly (no script reads it), path {@code /}, SameSite=Lax,
 * Secure over HTTPS (directly or behind a proxy that says so).
 *
 * <p>Cookies can only be set while answering a browser request (a click, a page load), not from
 * pushed updates: a cookie that outlived what it stands for is refused and cleared when it is next
 * read.
 */
public final class BrowserCookie {
  private BrowserCookie() {}

  /** The cookie's value in the current request; empty outside a request or when blank. */
  public static Optional<String> read(String name) {
    VaadinRequest request = VaadinRequest.getCurrent();
    Cookie[] cookies = request == null ? null : request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie cookie : cookies) {
      if (name.equals(cookie.getName()) && !cookie.getValue().isBlank()) {
        return Optional.of(cookie.getValue());
      }
    }
    return Optional.empty();
  }

  public static void write(String name, String value, long maxAgeSeconds) {
    set(name, value, (int) Math.min(Integer.MAX_VALUE, maxAgeSeconds));
  }

  public static void clear(String name) {
    set(name, "", 0);
  }

  private static void set(String name, String value, int maxAge) {
    VaadinResponse response = VaadinResponse.getCurrent();
    if (response == null) {
      return;
    }
    Cookie cookie = new Cookie(name, value);
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
