package org.samesong.playback;

/**
 * Hears of every change of a session's playback state as it is made in memory, so that it can be
 * broadcast at once (the sync feature implements it). Called in the order of the changes, under the
 * session's command lock: it must only number and queue, never wait.
 */
public interface PlaybackListener {
  /**
   * A new state of a session.
   *
   * @param durationMs the current track's duration, null when nothing is loaded
   * @param everywhere false for a track-end advance, which every instance computes for its own
   *     listeners
   * @return the broadcast's number (its place in the session's sequence)
   */
  long changed(String sessionId, PlaybackState state, Long durationMs, boolean everywhere);

  /** Nobody listens (tests and tools that run the domain alone). */
  PlaybackListener NONE = (sessionId, state, durationMs, everywhere) -> 0;
}
