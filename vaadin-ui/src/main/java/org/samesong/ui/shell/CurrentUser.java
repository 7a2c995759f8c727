package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import java.util.Optional;
import org.samesong.auth.AuthService;
import org.samesong.user.User;

/**
 * The account signed in to this browser. The browser keeps its sign-in in a cookie (a remembered
 * login, see {@link AuthService#rememberLogin}), so a restart of the server, which forgets the web
 * sessions, does not send anybody back to the login form. Within a request the sign-in is checked
 * against the database each time it is asked for (on every page opened): a logout in another tab, a
 * disabled account or a reset password ends it at once.
 */
public final class CurrentUser {
  /** The cookie that holds the remembered sign-in. */
  public static final String COOKIE = "samesong_login";

  private static final String TOKEN = CurrentUser.class.getName() + ".token";

  private CurrentUser() {}

  public static Optional<User> get() {
    VaadinSession session = VaadinSession.getCurrent();
    if (session == null) {
      return Optional.empty();
    }
    User user = session.getAttribute(User.class);
    if (VaadinRequest.getCurrent() == null) {
      // pushed from a background thread: no request to check or resume with
      return Optional.ofNullable(user);
    }
    String token = (String) session.getAttribute(TOKEN);
    if (user != null && token == null) {
      return Optional.of(user); // signed in before the browser could be given a cookie
    }
    AuthService auth = UiServices.get().auth();
    if (token == null) {
      Optional<AuthService.Resumed> resumed = BrowserCookie.read(COOKIE).flatMap(auth::resumeLogin);
      if (resumed.isEmpty()) {
        BrowserCookie.read(COOKIE).ifPresent(stale -> BrowserCookie.clear(COOKIE));
        return Optional.empty();
      }
      keep(session, resumed.get().user(), resumed.get().login());
      return Optional.of(resumed.get().user());
    }
    Optional<User> now = auth.loginOf(token);
    if (now.isEmpty()) {
      session.setAttribute(User.class, null);
      session.setAttribute(TOKEN, null);
      BrowserCookie.clear(COOKIE);
      return Optional.empty();
    }
    session.setAttribute(User.class, now.get());
    return now;
  }

  private static void keep(VaadinSession session, User user, AuthService.BrowserLogin login) {
    session.setAttribute(User.class, user);
    session.setAttribute(TOKEN, login.token());
    BrowserCookie.write(COOKIE, login.token(), login.ttl().toSeconds());
  }

  /**
   * Signs in: a new HTTP session id first (no session fixation), then the user, and a remembered
   * login in the browser's cookie.
   */
  public static void set(User user) {
    VaadinRequest request = VaadinRequest.getCurrent();
    if (request != null && request.getWrappedSession(false) != null) {
      try {
        VaadinService.reinitializeSession(request);
      } catch (IllegalStateException e) {
        // not inside a real HTTP request (e.g. a test): keep the session
      }
    }
    VaadinSession session = VaadinSession.getCurrent();
    keep(session, user, UiServices.get().auth().rememberLogin(user));
  }

  /** Signs out: the remembered login ends (its cookie is no good anywhere) and is cleared. */
  public static void clear() {
    VaadinSession session = VaadinSession.getCurrent();
    String token = (String) session.getAttribute(TOKEN);
    if (token != null) {
      UiServices.get().auth().endLogin(token);
    }
    session.setAttribute(User.class, null);
    session.setAttribute(TOKEN, null);
    BrowserCookie.clear(COOKIE);
  }
}
