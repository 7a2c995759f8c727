package org.samesong.sync;

import org.samesong.playback.PlaybackService;
import org.samesong.playlist.PlaylistService;
import org.samesong.session.SessionStateProvider;

/** A session's live state (playback and playlist) as joiners and session views show it. */
public class SessionSnapshots implements SessionStateProvider {
  private final PlaybackService playback;
  private final PlaylistService playlist;

  public SessionSnapshots(PlaybackService playback, PlaylistService playlist) {
    this.playback = playback;
    this.playlist = playlist;
  }

  @Override
  public Object playback(String sessionId) {
    return playback.json(sessionId);
  }

  @Override
  public Object playlist(String sessionId) {
    return playlist.toJson(playlist.get(sessionId));
  }
}
