package org.samesong.ui.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.Optional;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.ui.host.HostConsole;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.UiServices;

/**
 * Below a guest's player: the host console when this member is a co-host or, after a hand-off, the
 * host; nothing for a plain guest. It follows the member's role by push ({@code member_update} and
 * {@code session_update} naming it), so a guest made co-host gets the console, and a host who
 * handed over gets the co-host's.
 */
final class StaffSlot extends VerticalLayout {
  private final GuestSeat seat;
  private String shownRole = Member.GUEST;

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
          case "member_update" -> {
            boolean named = false;
            for (JsonNode member : m.path("members")) {
              named |=
                  me.equals(member.path("member_id").asText())
                      && !shownRole.equals(member.path("role").asText(shownRole));
            }
            yield named;
          }
          case "session_update" ->
              me.equals(m.path("host_member_id").asText()) != Member.HOST.equals(shownRole);
          default -> false;
        };
    if (aboutMe) {
      recheck();
    }
  }

  /** Reads this member's role and shows what goes with it, when it changed. */
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
    String role = mine.map(Member::role).orElse(Member.GUEST);
    boolean inCharge = mine.map(x -> x.rights().inCharge()).orElse(false) && !session.ended();
    if (role.equals(shownRole) && (getComponentCount() > 0) == inCharge) {
      return;
    }
    shownRole = role;
    removeAll();
    if (inCharge) {
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
