package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import java.util.Optional;
import org.samesong.user.User;

/** The account logged in to this browser's Vaadin session. */
public final class CurrentUser {
  private CurrentUser() {}

  public static Optional<User> get() {
    VaadinSession session = VaadinSession.getCurrent();
    return session == null
        ? Optional.empty()
        : Optional.ofNullable(session.getAttribute(User.class));
  }

  /** Logs in: a new HTTP session id first (no session fixation), then the user. */
  public static void set(User user) {
    VaadinRequest request = VaadinRequest.getCurrent();
    if (request != null && request.getWrappedSession(false) != null) {
      try {
        VaadinService.reinitializeSession(request);
      } catch (IllegalStateException e) {
        // not inside a real HTTP request (e.g. a test): keep the session
      }
    }
    VaadinSession.getCurrent().setAttribute(User.class, user);
  }

  public static void clear() {
    VaadinSession.getCurrent().setAttribute(User.class, null);
  }
}
