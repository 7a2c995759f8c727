package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.Comparator;
import java.util.Optional;
import org.samesong.app.Services;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Session;
import org.samesong.ui.shell.Header;
import org.samesong.ui.shell.Routes;
import org.samesong.ui.shell.SignInGuard;
import org.samesong.ui.shell.UiRequests;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;

/**
 * {@code /host}: the host console of the signed-in account's live session, or a form that starts
 * one. A host runs one session at a time here; ending it offers to start the next.
 */
@Route(Routes.HOST)
@PageTitle("Samesong · Host")
public class HostView extends VerticalLayout implements BeforeEnterObserver {
  private final VerticalLayout body = new VerticalLayout();
  private User user;

  public HostView() {
    addClassName("host-view");
    setWidthFull();
    setPadding(true);
    body.setPadding(false);
    body.setWidthFull();
  }

  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    user = SignInGuard.signedIn(event).orElse(null);
    if (user == null) {
      return;
    }
    removeAll();
    add(new Header(user), body);
    show();
  }

  /** Shows the console of the live session, or the start form when there is none. */
  void show() {
    body.removeAll();
    Optional<Session> live = liveSession();
    if (live.isPresent()) {
      SamesongPrincipal me = HostConsole.memberOf(UiServices.get(), live.get(), user);
      if (me.inCharge()) {
        body.add(new HostConsole(live.get(), me, this::show, this::show));
      } else {
        body.add(notInCharge(live.get()));
      }
    } else {
      body.add(startForm());
    }
  }

  /** The host who handed over and was then made a guest: the console is someone else's now. */
  private VerticalLayout notInCharge(Session session) {
    Paragraph text =
        new Paragraph(
            "You handed "
                + session.name()
                + " over and are a guest in it now: its host runs it. Ask them to make you a"
                + " co-host again, or open this page again once they have.");
    text.setId("not-in-charge");
    Button again = new Button("Check again", e -> show());
    again.setId("check-again");
    VerticalLayout box = new VerticalLayout(new H2(session.name()), text, again);
    box.setPadding(false);
    return box;
  }

  private Optional<Session> liveSession() {
    return UiServices.get().sessions().listLive().stream()
        .filter(s -> s.ownerId().equals(user.id()))
        .max(Comparator.comparingLong(Session::createdAt));
  }

  private VerticalLayout startForm() {
    TextField name = new TextField("Session name");
    name.setId("session-name");
    name.setPlaceholder(user.username() + "'s session");
    name.setMaxLength(100);
    name.setWidth("min(100%, 24rem)");
    Button start = new Button("Start a session");
    start.setId("start-session");
    start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    start.addClickListener(
        e -> {
          Services services = UiServices.get();
          services
              .sessions()
              .create(
                  new SamesongPrincipal(user.id(), user.role(), null, null, null),
                  name.getValue(),
                  UiRequests.baseUrl());
          show();
        });
    VerticalLayout form =
        new VerticalLayout(
            new H2("No session running"),
            new Paragraph(
                "Start a listening session, then share its code, link or QR code with your"
                    + " guests."),
            name,
            start);
    form.setPadding(false);
    return form;
  }
}
