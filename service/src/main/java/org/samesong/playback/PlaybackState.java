package org.samesong.playback;

/**
 * The authoritative playback state: {@code positionMs} was true at {@code updatedAt} (server epoch
 * ms); while playing, the position now is {@code positionMs + (now - updatedAt)}.
 */
public record PlaybackState(
    String trackId, String itemId, long positionMs, String state, long updatedAt) {
  public static final String PLAYING = "playing";
  public static final String PAUSED = "paused";

  public static PlaybackState idle(long now) {
    return new PlaybackState(null, null, 0, PAUSED, now);
  }

  public boolean playing() {
    return PLAYING.equals(state);
  }

  /** The position at {@code now}, not clamped. */
  public long positionAt(long now) {
    return playing() ? positionMs + (now - updatedAt) : positionMs;
  }
}
