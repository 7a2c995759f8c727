package org.samesong.playlist;

import org.jdbi.v3.core.Handle;

/** Told of playlist changes (playback and requests react). */
public interface PlaylistListener {
  /** Inside the removing transaction: an item left a playlist. */
  void itemRemoved(Handle handle, String sessionId, PlaylistItem removed);

  /** After the change committed, before it is broadcast: the playlist as it is now. */
  default void playlistChanged(String sessionId, Playlist after) {}
}
