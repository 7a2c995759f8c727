package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinSession;
import jakarta.servlet.http.HttpServletRequest;

/** Facts about the browser's request that views need (join links, rate limits by address). */
public final class UiRequests {
  private UiRequests() {}

  /**
   * {@code scheme://host:port} as the browser addressed this server; the {@code public_url}
   * setting, when set, wins in the join links the session service makes.
   */
  public static String baseUrl() {
    VaadinRequest request = VaadinRequest.getCurrent();
    if (request instanceof VaadinServletRequest servlet) {
      HttpServletRequest http = servlet.getHttpServletRequest();
      String scheme = http.getScheme();
      int port = http.getServerPort();
      boolean defaultPort =
          ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
      return scheme + "://" + http.getServerName() + (defaultPort || port <= 0 ? "" : ":" + port);
    }
    return "http://localhost";
  }

  /** The browser's address (for per-address limits), or {@code unknown}. */
  public static String clientAddress() {
    VaadinSession session = VaadinSession.getCurrent();
    String address = session == null ? null : session.getBrowser().getAddress();
    return address == null ? "unknown" : address;
  }
}
