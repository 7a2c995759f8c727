package org.samesong.ui.shell;

import java.util.Map;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Track;
import org.samesong.playlist.Playlist;
import org.samesong.request.api.RequestJson;

/** How tracks and requests read on screen, the same for the host and the guests. */
public final class TrackText {
  private TrackText() {}

  /** {@code Title — Artist}, or the title alone. */
  public static String describe(Track track) {
    return track.artist() == null || track.artist().isBlank()
        ? track.title()
        : track.title() + " — " + track.artist();
  }

  /**
   * A request as a sentence: {@code Add “Title — Artist” — “note”}, {@code Move “…” to #3}, {@code
   * Remove “…”}; items no longer in the playlist say so.
   */
  public static String describe(RequestJson request, CatalogService catalog, Playlist playlist) {
    Map<String, Object> payload = request.payload() == null ? Map.of() : request.payload();
    String what =
        switch (request.action()) {
          case "add" -> "Add " + trackName(payload, catalog);
          case "move" ->
              "Move "
                  + itemName(payload, playlist)
                  + " to #"
                  + (payload.get("position") instanceof Number n ? n.intValue() + 1 : "?");
          case "remove" -> "Remove " + itemName(payload, playlist);
          default -> request.action();
        };
    return request.note() == null || request.note().isBlank()
        ? what
        : what + " — “" + request.note() + "”";
  }

  private static String trackName(Map<String, Object> payload, CatalogService catalog) {
    if (payload.get("track_id") instanceof String id) {
      return catalog.findIncludingRemoved(id).map(t -> "“" + describe(t) + "”").orElse("a track");
    }
    Object address = payload.get("url");
    return address == null ? "a track" : address.toString();
  }

  private static String itemName(Map<String, Object> payload, Playlist playlist) {
    return payload.get("item_id") instanceof String id
        ? playlist
            .item(id)
            .map(i -> "“" + describe(i.track()) + "”")
            .orElse("an item no longer in the playlist")
        : "an item";
  }
}
