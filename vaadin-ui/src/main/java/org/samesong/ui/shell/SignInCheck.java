package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinRequestInterceptor;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.server.VaadinServletService;
import com.vaadin.flow.server.VaadinSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.samesong.app.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a signed-in browser's sign-in before each of its requests reaches a view (at most once
 * every {@link CurrentUser#CHECK_EVERY_MS}): when it ended (logged out elsewhere, the account
 * disabled, its password reset or its role changed), the web session is dropped before Vaadin finds
 * it, so the click that came with the request does nothing and the page reloads on the login form.
 * Views keep the account they were opened with; without this, a disabled admin's open tab could go
 * on creating users.
 */
final class SignInCheck implements VaadinRequestInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(SignInCheck.class);

  @Override
  public void requestStart(VaadinRequest request, VaadinResponse response) {
    try {
      check(request);
    } catch (RuntimeException e) {
      // never a reason to fail a request: the views still check the sign-in on every page
      LOG.warn("checking a browser's sign-in failed: {}", e.toString());
    }
  }

  private void check(VaadinRequest request) {
    if (!(request instanceof VaadinServletRequest servlet)) {
      return;
    }
    HttpServletRequest http = servlet.getHttpServletRequest();
    HttpSession httpSession = http.getSession(false);
    if (httpSession == null) {
      return;
    }
    // the servlet's context: push messages over a WebSocket come as requests without one
    if (!(request.getService() instanceof VaadinServletService service)
        || !(service.getServlet().getServletContext().getAttribute(UiServices.ATTRIBUTE)
            instanceof Services wired)) {
      return;
    }
    for (VaadinSession session : VaadinSession.getAllSessions(httpSession)) {
      String token;
      session.lock();
      try {
        token = CurrentUser.tokenDueForCheck(session, System.currentTimeMillis());
      } finally {
        session.unlock();
      }
      if (token != null && wired.auth().loginOf(token).isEmpty()) {
        LOG.info("a browser's sign-in ended: its web session is dropped");
        try {
          httpSession.invalidate();
        } catch (IllegalStateException e) {
          // invalidated meanwhile by a request of its own
        }
        return;
      }
    }
  }

  @Override
  public void handleException(
      VaadinRequest request, VaadinResponse response, VaadinSession session, Exception e) {}

  @Override
  public void requestEnd(VaadinRequest request, VaadinResponse response, VaadinSession session) {}
}
