package org.samesong.ui.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.Optional;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.ui.host.HostConsole;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.UiServices;

/**
 * Below a guest's player: the host console when this member is a co-host or, after a hand-off, the
 * host; the panels of its rights when it was given single rights (control playback, decide
 * requests, edit the playlist); nothing for a plain guest. It follows the member's role and rights
 * by push ({@code member_update} and {@code session_update} naming it), so a guest made co-host
 * gets the console, a guest given a right gets its controls, and a host who handed over gets the
 * co-host's.
 */
final class StaffSlot extends VerticalLayout {
  private final GuestSeat seat;
  private Rights shown = Rights.GUEST_RIGHTS;

  StaffSlot(GuestSeat seat) {
    this.seat = seat;
    setId("staff-console");
    setPadding(false);
    new SessionFollower(this, this::onBroadcast).follow(seat.principal().sessionId());
    recheck();
  }

  private void onBroadcast(SessionFollower.Broadcast b) {
    String me = seat.principal().memberId();
    JsonNode m = b.message();
    boolean aboutMe =
        switch (b.type()) {
          case "member_update" -> HostConsole.rightsChanged(m, me, shown);
          case "session_update" -> me.equals(m.path("host_member_id").asText()) != shown.isHost();
          default -> false;
        };
    if (aboutMe) {
      recheck();
    }
  }

  /** Reads this member's role and rights and shows what goes with them, when they changed. */
  void recheck() {
    Services services = UiServices.get();
    String sessionId = seat.principal().sessionId();
    Optional<Member> mine;
    Session session;
    try {
      session = services.sessions().find(sessionId);
      mine =
          services.sessions().members(sessionId).stream()
              .filter(x -> x.id().equals(seat.principal().memberId()))
              .findFirst();
    } catch (ApiException e) {
      return;
    }
    Rights rights = mine.map(Member::rights).orElse(Rights.GUEST_RIGHTS);
    boolean console = HostConsole.hasControls(rights) && !session.ended();
    if (rights.equals(shown) && (getComponentCount() > 0) == console) {
      return;
    }
    shown = rights;
    removeAll();
    if (console) {
      SamesongPrincipal me =
          new SamesongPrincipal(
                  seat.principal().subject(),
                  SamesongPrincipal.GUEST,
                  sessionId,
                  mine.get().id(),
                  null)
              .withRights(mine.get().rights());
      add(new HostConsole(session, me, () -> {}, this::recheck, false));
    }
  }
}
