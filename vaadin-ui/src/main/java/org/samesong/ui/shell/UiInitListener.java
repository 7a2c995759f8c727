package org.samesong.ui.shell;

import com.vaadin.flow.server.CustomizedSystemMessages;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;

/**
 * Gives every Vaadin session the error handler, every request the sign-in check, and pages that
 * reload themselves instead of waiting for a click when the server lost them (session expired) or
 * failed them (internal error): a party's screens are often left alone, and a reload puts each back
 * where it was (the sign-in and the guest's seat are in cookies).
 */
public class UiInitListener implements VaadinServiceInitListener {
  @Override
  public void serviceInit(ServiceInitEvent event) {
    event
        .getSource()
        .addSessionInitListener(e -> e.getSession().setErrorHandler(new UiErrorHandler()));
    event.addVaadinRequestInterceptor(new SignInCheck());
    event
        .getSource()
        .setSystemMessagesProvider(
            info -> {
              CustomizedSystemMessages messages = new CustomizedSystemMessages();
              messages.setSessionExpiredNotificationEnabled(false);
              messages.setInternalErrorNotificationEnabled(false);
              return messages;
            });
  }
}
