package org.samesong.ui.shell;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/** The screens' one way to say that something the user asked for did not happen. */
public final class Notices {
  private Notices() {}

  /** Shows {@code message} at the top, in the error colours, for five seconds. */
  public static void error(String message) {
    Notification.show(message, 5000, Notification.Position.TOP_CENTER)
        .addThemeVariants(NotificationVariant.LUMO_ERROR);
  }
}
