package org.samesong.playlist;

import java.util.List;
import java.util.Optional;

/** A session's playlist at one version. */
public record Playlist(long version, List<PlaylistItem> items) {
  public Optional<PlaylistItem> item(String itemId) {
    return items.stream().filter(i -> i.itemId().equals(itemId)).findFirst();
  }

  public Optional<PlaylistItem> at(int position) {
    return position >= 0 && position < items.size()
        ? Optional.of(items.get(position))
        : Optional.empty();
  }
}
