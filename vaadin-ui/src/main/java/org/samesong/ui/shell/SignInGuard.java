package org.samesong.ui.shell;

import com.vaadin.flow.router.BeforeEnterEvent;
import java.util.Optional;
import org.samesong.user.User;

/**
 * The check every signed-in screen makes before it shows: who is signed in, and may they be here.
 */
public final class SignInGuard {
  private SignInGuard() {}

  /** The signed-in account; without one, the browser is forwarded to the login form. */
  public static Optional<User> signedIn(BeforeEnterEvent event) {
    Optional<User> user = CurrentUser.get();
    if (user.isEmpty()) {
      event.forwardTo(Routes.LOGIN);
    }
    return user;
  }

  /**
   * The signed-in administrator; without a sign-in the browser goes to the login form, an account
   * that is not an administrator to the host console, with a notice saying why.
   */
  public static Optional<User> admin(BeforeEnterEvent event) {
    Optional<User> user = signedIn(event);
    if (user.isPresent() && !user.get().isAdmin()) {
      Notices.info(
          "The admin screen is for administrators; "
              + user.get().username()
              + " can host sessions here. Ask an administrator for admin rights.");
      event.forwardTo(Routes.HOST);
      return Optional.empty();
    }
    return user;
  }
}
