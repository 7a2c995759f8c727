package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Session;
import org.samesong.session.api.InviteJson;
import org.samesong.session.api.KnockJson;
import org.samesong.session.api.SessionPatch;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.UiRequests;

/**
 * Who may come in: the join mode (open, knock, closed; the host sets it), rotating the invite code
 * when a link leaked (host or co-host), and the knocks waiting to be let in, each with Admit and
 * Refuse (host or co-host).
 */
class HostingPanel extends VerticalLayout {
  static final Map<String, String> MODES =
      Map.of(
          Session.OPEN, "Open: anyone with the code joins",
          Session.KNOCK, "Knock: I let each newcomer in",
          Session.CLOSED, "Closed: no new guests");

  private final Services services;
  private final SamesongPrincipal me;
  private final String sessionId;
  private final RadioButtonGroup<String> mode = new RadioButtonGroup<>();
  private final VerticalLayout knocks = new VerticalLayout();
  private final Span noKnocks = new Span("Nobody is waiting to be let in.");
  private boolean quiet;

  /**
   * @param me the host or co-host using the console
   * @param onRotated gets the new invite after a rotation, so the invitation shows it
   */
  HostingPanel(
      Services services, SamesongPrincipal me, String sessionId, Consumer<InviteJson> onRotated) {
    this.services = services;
    this.me = me;
    this.sessionId = sessionId;
    setId("hosting-panel");
    setPadding(false);
    setSpacing(false);

    mode.setId("join-mode");
    mode.setLabel("Who may join");
    mode.setItems(List.of(Session.OPEN, Session.KNOCK, Session.CLOSED));
    mode.setItemLabelGenerator(MODES::get);
    mode.addThemeName("vertical");
    // the join mode is the host's; a co-host sees it
    mode.setReadOnly(!me.rights().isHost());
    mode.addValueChangeListener(
        e -> {
          if (!quiet && e.getValue() != null) {
            setMode(e.getValue());
          }
        });

    Button rotate = new Button("New invite code", e -> rotate(onRotated));
    rotate.setId("rotate-invite");
    rotate.addThemeVariants(ButtonVariant.LUMO_SMALL);
    rotate.setTooltipText(
        "The old code and link stop at once (for a link that leaked); everyone here stays");

    H3 waiting = new H3("Waiting to be let in");
    waiting.setId("knocks-heading");
    knocks.setId("knocks");
    knocks.setPadding(false);
    knocks.setSpacing(false);
    noKnocks.setId("no-knocks");
    add(new H3("Invites"), mode, rotate, waiting, knocks);
    refresh();
  }

  /** Reads the join mode and the knocks again (a {@code session_update} or {@code knock}). */
  void refresh() {
    Session session = services.sessions().find(sessionId);
    quiet = true;
    try {
      mode.setValue(session.joinMode());
    } finally {
      quiet = false;
    }
    refreshKnocks();
  }

  void refreshKnocks() {
    knocks.removeAll();
    List<KnockJson> pending = services.knocks().pending(sessionId);
    if (pending.isEmpty()) {
      knocks.add(noKnocks);
      return;
    }
    for (KnockJson k : pending) {
      Span name = new Span(k.displayName());
      name.setId("knock-name-" + k.knockId());
      name.getStyle().set("flex", "1").set("min-width", "0").set("word-break", "break-word");
      Button admit = new Button("Admit", e -> decide(k, true));
      admit.setId("admit-" + k.knockId());
      admit.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_SUCCESS);
      admit.getElement().setAttribute("aria-label", "Admit " + k.displayName());
      Button refuse = new Button("Refuse", e -> decide(k, false));
      refuse.setId("refuse-" + k.knockId());
      refuse.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
      refuse.getElement().setAttribute("aria-label", "Refuse " + k.displayName());
      HorizontalLayout row = new HorizontalLayout(name, admit, refuse);
      row.setId("knock-" + k.knockId());
      row.setWidthFull();
      row.setAlignItems(FlexComponent.Alignment.CENTER);
      knocks.add(row);
    }
  }

  private void setMode(String joinMode) {
    try {
      services.hosting().update(sessionId, new SessionPatch(null, joinMode));
      Notices.info(
          switch (joinMode) {
            case Session.KNOCK -> "Newcomers now wait until you or a co-host let them in";
            case Session.CLOSED -> "The session takes no new guests now";
            default -> "Anyone with the code can join again";
          });
    } catch (ApiException e) {
      Notices.error(e.getMessage());
      refresh();
    }
  }

  private void rotate(Consumer<InviteJson> onRotated) {
    try {
      InviteJson invite = services.hosting().rotateInvite(sessionId, UiRequests.baseUrl());
      onRotated.accept(invite);
      Notices.info("New invite code " + invite.code() + ": the old code and link no longer work");
    } catch (ApiException e) {
      Notices.error(e.getMessage());
    }
  }

  private void decide(KnockJson k, boolean admit) {
    try {
      if (admit) {
        services.knocks().admit(me, k.knockId());
      } else {
        services.knocks().refuse(me, k.knockId());
      }
    } catch (ApiException e) {
      Notices.error(e.getMessage());
    }
    refreshKnocks();
  }
}
