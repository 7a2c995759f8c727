package org.samesong.ui.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.Locale;
import org.samesong.session.api.MemberJson;

/**
 * One row of the host's listener list: a member as the session view and {@code member_update}
 * messages describe it.
 *
 * @param listenerState what the listener's player reports ({@code playing}, {@code buffering},
 *     {@code blocked}, {@code muted}, {@code background}, {@code offline}); null when not reported
 * @param driftMs the last reported drift; null when none
 */
record Listener(
    String memberId,
    String displayName,
    String role,
    boolean connected,
    String listenerState,
    Double driftMs) {

  private static final String OFFLINE = "offline";

  /** Host first, then the connected, then by name: who is there reads from the top. */
  static final Comparator<Listener> ORDER =
      Comparator.comparing((Listener l) -> !l.isHost())
          .thenComparing(l -> !l.connected())
          .thenComparing(l -> l.displayName().toLowerCase(Locale.ROOT))
          .thenComparing(Listener::memberId);

  static Listener of(MemberJson m) {
    return new Listener(m.memberId(), m.displayName(), m.role(), m.connected(), null, m.driftMs());
  }

  /**
   * The member as a {@code member_update} entry describes it; what the entry leaves out stays as it
   * was ({@code before}, null for a member not seen yet).
   */
  static Listener merge(Listener before, JsonNode m) {
    String id = m.path("member_id").asText();
    return new Listener(
        id,
        text(m, "display_name", before == null ? id : before.displayName()),
        text(m, "role", before == null ? "guest" : before.role()),
        m.path("connected").isBoolean()
            ? m.path("connected").asBoolean()
            : before != null && before.connected(),
        m.has("listener_state")
            ? (m.path("listener_state").isTextual() ? m.path("listener_state").asText() : null)
            : before == null ? null : before.listenerState(),
        m.has("drift_ms")
            ? (m.path("drift_ms").isNumber() ? m.path("drift_ms").asDouble() : null)
            : before == null ? null : before.driftMs());
  }

  private static String text(JsonNode m, String field, String otherwise) {
    JsonNode value = m.path(field);
    return value.isTextual() ? value.asText() : otherwise;
  }

  boolean isHost() {
    return "host".equals(role);
  }

  /** What the State column says: the player's own report while connected. */
  String state() {
    if (!connected) {
      return OFFLINE;
    }
    // an older message (no listener_state) may connect a member last seen offline
    return listenerState == null || listenerState.isBlank() || OFFLINE.equals(listenerState)
        ? "connected"
        : listenerState;
  }

  /** Whether moving from {@code before} to this changes the row's place in {@link #ORDER}. */
  boolean movesFrom(Listener before) {
    return before == null
        || isHost() != before.isHost()
        || !java.util.Objects.equals(role, before.role())
        || connected != before.connected()
        || !displayName.equals(before.displayName());
  }
}
