package org.samesong.ui.guest;

import com.vaadin.flow.server.VaadinSession;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.samesong.common.SamesongPrincipal;

/**
 * A guest's place in a session, kept in this browser's Vaadin session so that reloading the join
 * page does not make a second member. Holds the member's tokens for the player's WebSocket.
 *
 * @param code the invite code it was joined with (normalised)
 * @param principal who the guest acts as
 * @param displayName the name the guest chose
 * @param accessToken the current access token (renewed before it expires)
 * @param refreshToken the refresh token of the member's token family
 * @param expiresAt when the access token expires, epoch ms
 */
public record GuestSeat(
    String code,
    SamesongPrincipal principal,
    String displayName,
    String accessToken,
    String refreshToken,
    long expiresAt)
    implements Serializable {

  @SuppressWarnings("unchecked")
  private static Map<String, GuestSeat> seats(VaadinSession session) {
    Object seats = session.getAttribute("samesong.guest-seats");
    if (seats == null) {
      seats = new HashMap<String, GuestSeat>();
      session.setAttribute("samesong.guest-seats", seats);
    }
    return (Map<String, GuestSeat>) seats;
  }

  static Optional<GuestSeat> find(String code) {
    VaadinSession session = VaadinSession.getCurrent();
    return session == null ? Optional.empty() : Optional.ofNullable(seats(session).get(code));
  }

  static void keep(GuestSeat seat) {
    seats(VaadinSession.getCurrent()).put(seat.code(), seat);
  }

  static void forget(String code) {
    VaadinSession session = VaadinSession.getCurrent();
    if (session != null) {
      seats(session).remove(code);
    }
  }

  GuestSeat withTokens(String access, String refresh, long expires) {
    return new GuestSeat(code, principal, displayName, access, refresh, expires);
  }
}
