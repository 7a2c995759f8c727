package org.samesong.playlist;

import org.jdbi.v3.core.Handle;

/** Told inside the removing transaction that an item left a playlist (playback, requests react). */
public interface PlaylistListener {
  void itemRemoved(Handle handle, String sessionId, PlaylistItem removed);
}
