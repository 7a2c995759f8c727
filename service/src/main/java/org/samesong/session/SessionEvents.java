package org.samesong.session;

/**
 * What happened to a session and its members, told after the change committed, so the real-time
 * layer can tell everyone connected. The session service calls it; the sync feature implements it.
 * Playlist and request changes have events of their own in their features ({@code PlaylistEvents},
 * {@code RequestEvents}), so that each event carries its own type.
 */
public interface SessionEvents {
  /** A guest joined. */
  default void memberJoined(String sessionId, Member member) {}

  /**
   * Who is connected may have changed in ways nobody was told of one by one (an instance of the
   * cluster vanished): everybody's presence is looked at again.
   */
  default void membersChanged(String sessionId) {}

  /** A guest was kicked: their connections close and everyone hears they left. */
  default void memberKicked(String sessionId, String memberId) {}

  /**
   * A member's role or single rights changed (a co-host made, a right given, a hand-off): its live
   * connections take the new rights at once, and everyone sees its role.
   */
  default void memberRightsChanged(String sessionId, Member member) {}

  /**
   * The session's host, name or join mode changed, or (with {@code codeChanged}) its invite code:
   * everyone is told ({@code session_update}; the code only to the host and co-hosts).
   */
  default void sessionChanged(
      String sessionId, Session session, String hostMemberId, boolean codeChanged) {}

  /** Someone knocked, or a knock was decided: the host and co-hosts are told. */
  default void knockChanged(String sessionId, org.samesong.session.api.KnockJson knock) {}

  /** The session ended. */
  default void sessionEnded(String sessionId) {}

  /** Nobody listens: for tests and tools that run the domain alone. */
  SessionEvents NONE = new SessionEvents() {};
}
