package org.samesong.ui.shell;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;

/** Gives every Vaadin session the error handler, and every request the sign-in check. */
public class UiInitListener implements VaadinServiceInitListener {
  @Override
  public void serviceInit(ServiceInitEvent event) {
    event
        .getSource()
        .addSessionInitListener(e -> e.getSession().setErrorHandler(new UiErrorHandler()));
    event.addVaadinRequestInterceptor(new SignInCheck());
  }
}
