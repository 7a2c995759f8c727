package org.samesong.session;

import java.util.Map;
import java.util.Set;

/**
 * What a session's members see of its live state (playback and playlist), supplied by the features
 * above this one, so that the join answer and the session view carry it without this package
 * depending on them.
 */
public interface SessionStateProvider {
  /** The playback state, ready for JSON. */
  Object playback(String sessionId);

  /** The playlist with its version, ready for JSON. */
  Object playlist(String sessionId);

  /** The members with a live connection now, on any instance. */
  default Set<String> connectedMembers(String sessionId) {
    return Set.of();
  }

  /** Each member's last reported drift, where newer than the stored one. */
  default Map<String, Double> drifts(String sessionId) {
    return Map.of();
  }
}
