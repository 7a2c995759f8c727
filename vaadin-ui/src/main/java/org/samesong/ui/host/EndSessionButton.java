package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Span;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.ui.shell.Notices;

/**
 * "End session", after a confirmation: every guest is disconnected and the invite stops working.
 */
class EndSessionButton extends Button {
  private final Services services;
  private final String sessionId;
  private final Runnable onEnded;

  /**
   * @param onEnded called once the session is ended (the host view offers to start the next)
   */
  EndSessionButton(Services services, String sessionId, Runnable onEnded) {
    super("End session");
    this.services = services;
    this.sessionId = sessionId;
    this.onEnded = onEnded;
    setId("end-session");
    addThemeVariants(ButtonVariant.LUMO_ERROR);
    addClickListener(e -> confirm());
  }

  private void confirm() {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("End this session?");
    dialog.add(new Span("Every guest is disconnected and the invite stops working."));
    Button confirm = new Button("End session");
    confirm.setId("end-confirm");
    confirm.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    confirm.addClickListener(
        e -> {
          dialog.close();
          try {
            services.sessions().end(sessionId);
          } catch (ApiException ex) {
            Notices.error(ex);
          }
          onEnded.run();
        });
    dialog.getFooter().add(new Button("Keep it running", e -> dialog.close()), confirm);
    dialog.open();
  }
}
