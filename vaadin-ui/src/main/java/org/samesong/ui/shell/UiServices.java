package org.samesong.ui.shell;

import com.vaadin.flow.server.VaadinServlet;
import org.samesong.app.Services;

/** How views reach the wired services: an attribute of the servlet context. */
public final class UiServices {
  public static final String ATTRIBUTE = Services.class.getName();

  private UiServices() {}

  public static Services get() {
    Object services = VaadinServlet.getCurrent().getServletContext().getAttribute(ATTRIBUTE);
    if (services == null) {
      throw new IllegalStateException(
          "the Samesong services were not installed in the servlet context");
    }
    return (Services) services;
  }
}
