package org.samesong.sync;

import java.util.Set;

/**
 * One message on its way to a session's connections, on this instance or (through Redis) on all:
 * the serialised server message and who gets it.
 *
 * @param kind {@code deliver} a message; {@code kick} closes {@code memberIds}' connections with
 *     4403; {@code end} sends the message to all, then closes every connection with 4410
 * @param roles roles that receive it ({@code host}, {@code guest}); empty means none by role
 * @param memberIds members that receive it whatever their role
 */
public record Envelope(String kind, String sessionId, long seq, Set<String> roles, Set<String> memberIds, String json) {
  public static final String DELIVER = "deliver";
  public static final String KICK = "kick";
  public static final String END = "end";
  public static final Set<String> EVERYONE = Set.of("host", "guest");

  public static Envelope toAll(String sessionId, long seq, String json) {
    return new Envelope(DELIVER, sessionId, seq, EVERYONE, Set.of(), json);
  }

  public boolean reaches(String role, String memberId) {
    return roles.contains(role) || memberIds.contains(memberId);
  }
}
