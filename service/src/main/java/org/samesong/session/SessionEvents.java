package org.samesong.session;

/**
 * What happened in a session, told after the change committed, so the real-time layer can tell
 * everyone connected. The session-domain services call it; the sync feature implements it.
 */
public interface SessionEvents {
  /** The playlist changed; {@code change} is what changed, ready for JSON. */
  default void playlistChanged(String sessionId, Object change) {}

  /** A request was created ({@code created}) or decided. */
  default void requestChanged(
      String sessionId, Object request, String authorMemberId, boolean created) {}

  /** A guest joined. */
  default void memberJoined(String sessionId, Member member) {}

  /**
   * Who is connected may have changed in ways nobody was told of one by one (an instance of the
   * cluster vanished): everybody's presence is looked at again.
   */
  default void membersChanged(String sessionId) {}

  /** A guest was kicked: their connections close and everyone hears they left. */
  default void memberKicked(String sessionId, String memberId) {}

  /** The session ended. */
  default void sessionEnded(String sessionId) {}

  /** Nobody listens: for tests and tools that run the domain alone. */
  SessionEvents NONE = new SessionEvents() {};
}
