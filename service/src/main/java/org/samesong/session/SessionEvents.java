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

  /** The session ended. */
  default void sessionEnded(String sessionId) {}

  /** Nobody listens: for tests and tools that run the domain alone. */
  SessionEvents NONE = new SessionEvents() {};
}
