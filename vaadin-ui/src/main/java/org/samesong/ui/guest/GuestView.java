package org.samesong.ui.guest;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.Optional;
import org.samesong.app.Services;
import org.samesong.auth.AuthService;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.InviteCodes;
import org.samesong.session.Session;
import org.samesong.session.SessionService;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;
import org.samesong.settings.Settings;
import org.samesong.ui.shell.BrowserCookie;
import org.samesong.ui.shell.CodeEntry;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Routes;
import org.samesong.ui.shell.UiRequests;
import org.samesong.ui.shell.UiServices;

/**
 * {@code /join/{code}}: a guest picks a display name and lands on the player; {@code /join} alone
 * asks for the code first, and a code that leads to no open session says why as the page opens. The
 * seat is kept in the browser's session, so a reload goes straight back to the player, and in a
 * cookie, so that it still does when the server has forgotten that session (a restart).
 */
@Route(Routes.JOIN)
@PageTitle("Samesong · Join")
public class GuestView extends VerticalLayout implements HasUrlParameter<String> {
  private String code;

  public GuestView() {
    addClassName("guest-view");
    setWidthFull();
    setMaxWidth("60rem");
    getStyle().set("margin", "0 auto");
  }

  @Override
  public void setParameter(BeforeEvent event, @OptionalParameter String parameter) {
    code = InviteCodes.normalise(parameter);
    removeAll();
    if (parameter == null || parameter.isBlank()) {
      showCodeEntry(null, null);
      return;
    }
    Optional<GuestSeat> seat =
        code == null ? Optional.empty() : GuestSeat.find(code).or(() -> seatFromCookie(code));
    if (seat.isPresent() && stillMember(seat.get())) {
      showPlayer(seat.get());
    } else {
      seat.ifPresent(
          s -> {
            GuestSeat.forget(s.code());
            SeatCookie.clear(s.code());
          });
      showJoinFormIfInvited(parameter);
    }
  }

  /** {@code /join} without a code, or a code that leads nowhere: asks for the code. */
  private void showCodeEntry(String typed, String problem) {
    removeAll();
    setAlignItems(FlexComponent.Alignment.CENTER);
    CodeEntry entry = new CodeEntry();
    if (problem != null) {
      entry.refuse(typed, problem);
    }
    add(
        new H1("Samesong"),
        new H2("Join a session"),
        new Paragraph("Type the invite code your host shows or tells you."),
        entry);
    entry.field().focus();
  }

  /**
   * Checks the code before asking for a name: an unknown, ended or full session is said at once,
   * not after the guest typed a name.
   */
  private void showJoinFormIfInvited(String typed) {
    SessionService.InviteCheck check;
    try {
      check = UiServices.get().sessions().checkInvite(typed, UiRequests.clientAddress());
    } catch (ApiException e) {
      showCodeEntry(typed, FieldRules.sentence(e));
      return;
    }
    String shown = check.code() == null ? typed : check.code();
    switch (check.state()) {
      case OPEN -> showJoinForm(shown, check.sessionName());
      case FULL ->
          showCodeEntry(
              shown,
              "The session "
                  + quoted(check.sessionName())
                  + " is full ("
                  + check.maxGuests()
                  + (check.maxGuests() == 1 ? " guest" : " guests")
                  + "). Ask the host to make room, then try again.");
      case ENDED ->
          showCodeEntry(
              shown,
              "The session "
                  + quoted(check.sessionName())
                  + " has ended. Ask your host for the code of a new one.");
      case CHANGED -> showInviteChanged(check.sessionName());
      case UNKNOWN ->
          showCodeEntry(
              shown,
              check.code() == null
                  ? "That is not an invite code: codes are 6–8 letters and digits"
                  : "No session has the code " + shown + ". Check it with your host.");
    }
  }

  /**
   * The code was rotated (a link leaked, or the host wanted a fresh one): the old link leads
   * nowhere now, and the page says so instead of "no such code".
   */
  private void showInviteChanged(String sessionName) {
    removeAll();
    setAlignItems(FlexComponent.Alignment.CENTER);
    Paragraph why =
        new Paragraph(
            "The host of "
                + quoted(sessionName)
                + " changed its invite code, so this link no longer works. Ask them for the new"
                + " code or link; everyone already in the session is still there.");
    why.setId("invite-changed");
    CodeEntry entry = new CodeEntry();
    add(new H1("Samesong"), new H2("This invite has changed"), why, entry);
  }

  private static String quoted(String name) {
    return "\u201c" + name + "\u201d";
  }

  /**
   * The seat this browser kept in its cookie, taken again with fresh tokens: the server forgot the
   * browser's web session (a restart, or another instance of a cluster), not the guest.
   */
  private static Optional<GuestSeat> seatFromCookie(String code) {
    Optional<String> token = SeatCookie.read(code);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Services services = UiServices.get();
    Optional<GuestSeat> seat =
        services.auth().retakeSeat(token.get()).flatMap(s -> toSeat(services, code, s));
    if (seat.isEmpty()) {
      SeatCookie.clear(code);
      return Optional.empty();
    }
    GuestSeat.keep(seat.get());
    return seat;
  }

  private static Optional<GuestSeat> toSeat(Services services, String code, AuthService.Seat s) {
    String sessionId = s.member().sessionId();
    String memberId = s.member().memberId();
    try {
      if (!code.equals(services.sessions().find(sessionId).code())) {
        return Optional.empty();
      }
    } catch (ApiException e) {
      return Optional.empty();
    }
    return services.sessions().members(sessionId).stream()
        .filter(m -> m.id().equals(memberId))
        .findFirst()
        .map(
            m ->
                new GuestSeat(
                    code,
                    new SamesongPrincipal(
                        memberId, SamesongPrincipal.GUEST, sessionId, memberId, null),
                    m.displayName(),
                    s.tokens().accessToken(),
                    s.tokens().refreshToken(),
                    services.clock().millis() + s.tokens().expiresIn() * 1000));
  }

  private boolean stillMember(GuestSeat seat) {
    try {
      Services services = UiServices.get();
      return !services.sessions().find(seat.principal().sessionId()).ended()
          && services.sessions().members(seat.principal().sessionId()).stream()
              .anyMatch(m -> m.id().equals(seat.principal().memberId()));
    } catch (ApiException e) {
      return false;
    }
  }

  private void showJoinForm(String shown, String sessionName) {
    removeAll();
    setAlignItems(FlexComponent.Alignment.CENTER);
    TextField name = new TextField("Your name");
    name.setId("display-name");
    name.setMaxLength(40);
    name.setWidth("min(100%, 20rem)");
    name.setHelperText("How the host and other guests see you. " + FieldRules.NAME_RULE);
    name.setAutofocus(true);
    Button join = new Button("Join");
    join.setId("join");
    join.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_LARGE);
    join.addClickShortcut(Key.ENTER);
    join.addClickListener(e -> join(name));
    Paragraph invite = new Paragraph("Invite code " + shown);
    invite.setId("join-invite-code");
    add(
        new H1("Samesong"),
        new H2("Join " + quoted(sessionName)),
        invite,
        new Paragraph("Everyone hears the same music at the same moment."),
        name,
        join);
  }

  private void join(TextField name) {
    if (code == null) {
      name.setErrorMessage("This invite code is not valid; check the link or code");
      name.setInvalid(true);
      return;
    }
    try {
      Services services = UiServices.get();
      JoinedJson joined =
          services
              .sessions()
              .join(
                  code,
                  name.getValue(),
                  UiRequests.clientAddress(),
                  UiRequests.baseUrl(),
                  deviceId());
      seatAndPlay(joined, name.getValue().strip());
    } catch (SessionService.KnockRequired knockRequired) {
      knock(knockRequired.session(), name);
    } catch (ApiException e) {
      FieldRules.refuse(name, e);
    }
  }

  /** The session lets guests in one by one: knock, and wait on a page of its own. */
  private void knock(Session session, TextField name) {
    try {
      KnockJson knock =
          UiServices.get()
              .knocks()
              .knock(session, name.getValue(), UiRequests.clientAddress(), deviceId());
      String chosen = name.getValue().strip();
      removeAll();
      setAlignItems(FlexComponent.Alignment.STRETCH);
      add(
          new KnockWait(
              session.id(), session.name(), knock, joined -> seatAndPlay(joined, chosen)));
    } catch (ApiException e) {
      FieldRules.refuse(name, e);
    }
  }

  /** Keeps the guest's seat (this browser's session and its cookie) and opens the player. */
  private void seatAndPlay(JoinedJson joined, String displayName) {
    Services services = UiServices.get();
    SamesongPrincipal principal =
        new SamesongPrincipal(
            joined.memberId(),
            SamesongPrincipal.GUEST,
            joined.sessionId(),
            joined.memberId(),
            null);
    GuestSeat seat =
        new GuestSeat(
            code,
            principal,
            displayName,
            joined.token(),
            joined.refreshToken(),
            services.clock().millis() + joined.expiresIn() * 1000);
    GuestSeat.keep(seat);
    SeatCookie.write(
        code,
        services.auth().seatFor(joined.token()),
        services.settings().get(Settings.REFRESH_TOKEN_TTL_S));
    showPlayer(seat);
  }

  /**
   * This browser's device id (the cookie the REST join sets too), made now if it has none: a kick
   * with ban keeps the browser out by it.
   */
  private static String deviceId() {
    return BrowserCookie.read(SessionService.DEVICE_COOKIE)
        .filter(Ids::isId)
        .orElseGet(
            () -> {
              String id = Ids.newId();
              BrowserCookie.write(SessionService.DEVICE_COOKIE, id, DEVICE_COOKIE_MAX_AGE_S);
              return id;
            });
  }

  private static final long DEVICE_COOKIE_MAX_AGE_S = 365L * 24 * 3600;

  private void showPlayer(GuestSeat seat) {
    removeAll();
    setAlignItems(FlexComponent.Alignment.STRETCH);
    add(new GuestPlayer(seat, this::left), new StaffSlot(seat));
  }

  /** The guest was removed or the session ended: the seat is gone, say so. */
  private void left(String why) {
    GuestSeat.forget(code);
    SeatCookie.clear(code);
    removeAll();
    setAlignItems(FlexComponent.Alignment.CENTER);
    Paragraph message = new Paragraph(why);
    message.setId("left-message");
    add(new H1("Samesong"), message);
  }
}
