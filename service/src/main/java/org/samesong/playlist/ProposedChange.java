package org.samesong.playlist;

/**
 * A change a guest proposes instead of making it: {@code add} (trackId or url, optional position),
 * {@code move} (itemId, position) or {@code remove} (itemId), with an optional note.
 */
public record ProposedChange(
    String action, String trackId, String url, String itemId, Integer position, String note) {
  public static final String ADD = "add";
  public static final String MOVE = "move";
  public static final String REMOVE = "remove";
}
