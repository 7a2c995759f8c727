package org.samesong.session;

/** A listening session as stored. */
public record Session(
    String id,
    String code,
    String name,
    String ownerId,
    long playlistVersion,
    long createdAt,
    Long endedAt) {
  public boolean ended() {
    return endedAt != null;
  }
}
