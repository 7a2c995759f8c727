package org.samesong.session;

import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;
import org.samesong.common.Rights;

/**
 * A member of a session: its host ({@code host}), a co-host ({@code cohost}) or a guest ({@code
 * guest}).
 *
 * @param permissions a guest's single rights, comma-separated (see {@link Rights})
 * @param roleSince when the member got its role (the longest-serving co-host takes over)
 */
public record Member(
    String id,
    String sessionId,
    String userId,
    String displayName,
    String role,
    long joinedAt,
    Long kickedAt,
    Double lastDriftMs,
    String permissions,
    Long roleSince) {
  @JdbiConstructor
  public Member {}

  public static final String HOST = "host";
  public static final String COHOST = "cohost";
  public static final String GUEST = "guest";

  /** A member with no single rights. */
  public Member(
      String id,
      String sessionId,
      String userId,
      String displayName,
      String role,
      long joinedAt,
      Long kickedAt,
      Double lastDriftMs) {
    this(id, sessionId, userId, displayName, role, joinedAt, kickedAt, lastDriftMs, "", joinedAt);
  }

  public boolean isHost() {
    return HOST.equals(role);
  }

  public boolean isCohost() {
    return COHOST.equals(role);
  }

  /** What the member may do now. */
  public Rights rights() {
    return Rights.stored(role, permissions);
  }
}
