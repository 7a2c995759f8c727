package org.samesong.sync;

import java.util.Map;
import java.util.Set;
import org.samesong.playback.PlaybackService;
import org.samesong.playlist.PlaylistService;
import org.samesong.session.SessionStateProvider;

/** A session's live state (playback, playlist, presence) as joiners and session views show it. */
public class SessionSnapshots implements SessionStateProvider {
  private final PlaybackService playback;
  private final PlaylistService playlist;
  private final SyncHub hub;
  private final MemberRoster roster;

  public SessionSnapshots(
      PlaybackService playback, PlaylistService playlist, SyncHub hub, MemberRoster roster) {
    this.playback = playback;
    this.playlist = playlist;
    this.hub = hub;
    this.roster = roster;
  }

  @Override
  public Map<String, Double> drifts(String sessionId) {
    return roster.drifts(sessionId);
  }

  @Override
  public Set<String> connectedMembers(String sessionId) {
    return hub.connectedAnywhere(sessionId);
  }

  @Override
  public Object playback(String sessionId) {
    return playback.json(sessionId);
  }

  @Override
  public Object playlist(String sessionId) {
    return playlist.toJson(playback.playlist(sessionId));
  }
}
