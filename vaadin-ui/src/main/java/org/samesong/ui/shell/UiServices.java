package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinServlet;
import java.util.concurrent.Executor;
import org.samesong.app.Services;

/** How views reach the wired services: an attribute of the servlet context. */
public final class UiServices {
  public static final String ATTRIBUTE = Services.class.getName();

  /** The threads that run the views' live updates (see {@link SessionFollower}). */
  public static final String UPDATES_ATTRIBUTE = UiServices.class.getName() + ".updates";

  private UiServices() {}

  public static Services get() {
    Object services = VaadinServlet.getCurrent().getServletContext().getAttribute(ATTRIBUTE);
    if (services == null) {
      throw new IllegalStateException(
          "the Samesong services were not installed in the servlet context");
    }
    return (Services) services;
  }

  /**
   * Where the views' live updates run: the UI's own threads, never the thread that delivered the
   * event (a request's, or the Redis client's event loop, which must not wait for a database or for
   * Redis itself). Without them (a test's mock servlet), the delivering thread.
   */
  public static Executor updates() {
    Object updates = VaadinServlet.getCurrent().getServletContext().getAttribute(UPDATES_ATTRIBUTE);
    return updates == null ? Runnable::run : (Executor) updates;
  }
}
