package org.samesong.session;

import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/**
 * A listening session as stored.
 *
 * @param joinMode {@code open}, {@code knock} or {@code closed}
 */
public record Session(
    String id,
    String code,
    String name,
    String ownerId,
    long playlistVersion,
    long createdAt,
    Long endedAt,
    String joinMode) {
  @JdbiConstructor
  public Session {}

  public static final String OPEN = "open";
  public static final String KNOCK = "knock";
  public static final String CLOSED = "closed";

  /** A session open to anyone with its code. */
  public Session(
      String id,
      String code,
      String name,
      String ownerId,
      long playlistVersion,
      long createdAt,
      Long endedAt) {
    this(id, code, name, ownerId, playlistVersion, createdAt, endedAt, OPEN);
  }

  public boolean ended() {
    return endedAt != null;
  }
}
