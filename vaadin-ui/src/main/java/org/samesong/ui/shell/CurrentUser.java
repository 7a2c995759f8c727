package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.WrappedHttpSession;
import com.vaadin.flow.server.WrappedSession;
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

  /** How often {@link SignInCheck} checks a signed-in browser's sign-in between pages. */
  static final long CHECK_EVERY_MS = 2_000;

  private static final String TOKEN = CurrentUser.class.getName() + ".token";
  private static final String CHECKED_AT = CurrentUser.class.getName() + ".checkedAt";
  private static final String RENEWED_AT = CurrentUser.class.getName() + ".renewedAt";

  /** A sign-in in use is renewed (kept for as long again) at most this often. */
  private static final long RENEW_EVERY_MS = 24 * 3600 * 1000L;

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
    AuthService auth = UiServices.get().auth();
    if (token == null) {
      Optional<AuthService.Resumed> resumed = BrowserCookie.read(COOKIE).flatMap(auth::resumeLogin);
      if (resumed.isEmpty()) {
        BrowserCookie.read(COOKIE).ifPresent(stale -> BrowserCookie.clear(COOKIE));
        return Optional.empty();
      }
      // a web session that was there before becomes a signed-in one: a new id, so that an id
      // planted in the browser earlier is worth nothing (no fixation). One this very request
      // created (the usual case: a restart forgot the old one) is nobody else's.
      WrappedSession http = VaadinRequest.getCurrent().getWrappedSession(false);
      if (http != null && !isNew(http)) {
        newSessionId();
      }
      keep(VaadinSession.getCurrent(), resumed.get().user(), resumed.get().login());
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
    Long renewedAt = (Long) session.getAttribute(RENEWED_AT);
    if (renewedAt == null || UiServices.get().clock().millis() - renewedAt > RENEW_EVERY_MS) {
      // in use: kept for as long again from now, so a tab used daily is never signed out
      auth.resumeLogin(token).ifPresent(r -> keep(session, r.user(), r.login()));
    }
    return now;
  }

  /**
   * The sign-in token of the web session when it is due for a check (the session must be locked);
   * null when nobody is signed in or it was checked less than {@link #CHECK_EVERY_MS} ago.
   */
  static String tokenDueForCheck(VaadinSession session, long nowMs) {
    String token = (String) session.getAttribute(TOKEN);
    if (token == null || session.getAttribute(User.class) == null) {
      return null;
    }
    Long checkedAt = (Long) session.getAttribute(CHECKED_AT);
    if (checkedAt != null && nowMs - checkedAt < CHECK_EVERY_MS && nowMs >= checkedAt) {
      return null;
    }
    session.setAttribute(CHECKED_AT, nowMs);
    return token;
  }

  private static void keep(VaadinSession session, User user, AuthService.BrowserLogin login) {
    session.setAttribute(User.class, user);
    session.setAttribute(TOKEN, login.token());
    session.setAttribute(RENEWED_AT, UiServices.get().clock().millis());
    BrowserCookie.write(COOKIE, login.token(), login.ttl().toSeconds());
  }

  /**
   * Signs in: a new HTTP session id first (no session fixation), then the user, and a remembered
   * login in the browser's cookie.
   */
  public static void set(User user) {
    newSessionId();
    keep(VaadinSession.getCurrent(), user, UiServices.get().auth().rememberLogin(user));
  }

  private static boolean isNew(WrappedSession http) {
    try {
      return http instanceof WrappedHttpSession wrapped && wrapped.getHttpSession().isNew();
    } catch (IllegalStateException e) {
      return false; // invalidated meanwhile
    }
  }

  /** Moves the web session to a new HTTP session id, its contents kept. */
  private static void newSessionId() {
    VaadinRequest request = VaadinRequest.getCurrent();
    if (request != null && request.getWrappedSession(false) != null) {
      try {
        VaadinService.reinitializeSession(request);
      } catch (IllegalStateException e) {
        // not inside a real HTTP request (e.g. a test): keep the session
      }
    }
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
