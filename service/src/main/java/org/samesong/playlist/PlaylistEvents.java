package org.samesong.playlist;

/**
 * Told of each playlist change after it committed, so the real-time layer can tell everyone
 * connected ({@code playlist_update}). The sync feature implements it; {@link PlaylistListener}s
 * (playback, requests) hear of the change first.
 */
public interface PlaylistEvents {
  /** {@code change} is what changed: the operation, the item and the playlist after it. */
  void playlistChanged(String sessionId, PlaylistService.Change change);

  /** Nobody listens: for tests and tools that run the domain alone. */
  PlaylistEvents NONE = (sessionId, change) -> {};
}
