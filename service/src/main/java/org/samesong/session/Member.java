package org.samesong.session;

/** A member of a session: its host ({@code host}) or a guest ({@code guest}). */
public record Member(
    String id,
    String sessionId,
    String userId,
    String displayName,
    String role,
    long joinedAt,
    Long kickedAt,
    Double lastDriftMs) {
  public static final String HOST = "host";
  public static final String GUEST = "guest";

  public boolean isHost() {
    return HOST.equals(role);
  }
}
