package org.samesong.ui.host;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.grid.dnd.GridDropLocation;
import com.vaadin.flow.component.grid.dnd.GridDropMode;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.List;
import java.util.Optional;
import org.samesong.app.Services;
import org.samesong.common.ApiException;
import org.samesong.playback.PlaybackState;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.MinutesSeconds;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.TrackText;

/**
 * The host's playlist: the current item marked, each row moved up or down, dragged, removed, or
 * played next with a double click. It holds the playlist as last read; the now-playing panel reads
 * the current track from it.
 */
class PlaylistPanel extends VerticalLayout {
  private final Services services;
  private final String sessionId;
  private final Grid<PlaylistItem> grid = new Grid<>();

  private NowPlayingPanel nowPlaying;
  private Playlist playlist = new Playlist(0, List.of());
  private PlaylistItem dragged;

  PlaylistPanel(Services services, String sessionId) {
    this.services = services;
    this.sessionId = sessionId;
    grid.setId("playlist");
    grid.addThemeVariants(
        GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
    grid.setAllRowsVisible(true);
    grid.addColumn(i -> (isCurrent(i) ? "▶ " : "") + (i.position() + 1))
        .setHeader("#")
        .setFlexGrow(0)
        .setWidth("3.25rem");
    // a small basis that grows: the grid fits a 360-px phone without scrolling sideways
    grid.addColumn(i -> TrackText.describe(i.track()))
        .setHeader("Track")
        .setWidth("5rem")
        .setFlexGrow(3);
    grid.addColumn(i -> MinutesSeconds.format(i.track().durationMs()))
        .setHeader("Length")
        .setFlexGrow(0)
        .setWidth("4rem");
    grid.addComponentColumn(this::actions)
        .setHeader("")
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    grid.setRowsDraggable(true);
    grid.addDragStartListener(
        e -> {
          dragged = e.getDraggedItems().isEmpty() ? null : e.getDraggedItems().get(0);
          grid.setDropMode(GridDropMode.BETWEEN);
        });
    grid.addDragEndListener(
        e -> {
          dragged = null;
          grid.setDropMode(null);
        });
    grid.addDropListener(
        e -> {
          PlaylistItem target = e.getDropTargetItem().orElse(null);
          if (dragged == null || target == null || target.itemId().equals(dragged.itemId())) {
            return;
          }
          move(dragged, dropPosition(dragged.position(), target.position(), e.getDropLocation()));
        });
    grid.addItemDoubleClickListener(e -> jumpTo(e.getItem()));
    add(new H3("Playlist"), grid);
    setPadding(false);
  }

  /** The panel whose state marks the current row and which plays what is picked here. */
  void playingIn(NowPlayingPanel nowPlaying) {
    this.nowPlaying = nowPlaying;
  }

  private HorizontalLayout actions(PlaylistItem i) {
    Button up = new Button("↑", e -> move(i, i.position() - 1));
    up.setEnabled(i.position() > 0);
    up.getElement().setAttribute("aria-label", "Move up");
    Button down = new Button("↓", e -> move(i, i.position() + 1));
    down.setEnabled(i.position() < playlist.items().size() - 1);
    down.getElement().setAttribute("aria-label", "Move down");
    // three narrow buttons, so the grid fits a phone's width without scrolling sideways
    Button remove = new Button("✕", e -> remove(i));
    remove.getElement().setAttribute("aria-label", "Remove " + i.track().title());
    remove.setTooltipText("Remove");
    remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
    for (Button b : List.of(up, down, remove)) {
      b.addThemeVariants(
          ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_TERTIARY);
    }
    up.setTooltipText("Move up");
    down.setTooltipText("Move down");
    HorizontalLayout actions = new HorizontalLayout(up, down, remove);
    actions.setWrap(false);
    actions.setSpacing(false);
    actions.getStyle().set("gap", "var(--lumo-space-xs)");
    return actions;
  }

  /** Where an item dragged from {@code from} lands when dropped above or below {@code target}. */
  static int dropPosition(int from, int target, GridDropLocation location) {
    boolean below = location == GridDropLocation.BELOW;
    if (target > from) {
      return below ? target : target - 1;
    }
    return below ? target + 1 : target;
  }

  /** Plays the chosen item next: moved right after the current one, then skipped to. */
  private void jumpTo(PlaylistItem item) {
    PlaybackState state = nowPlaying.state();
    Optional<PlaylistItem> current =
        state == null || state.itemId() == null ? Optional.empty() : playlist.item(state.itemId());
    if (current.isEmpty()) {
      move(item, 0);
      nowPlaying.command("play", null);
      return;
    }
    PlaylistItem now = current.get();
    if (now.itemId().equals(item.itemId())) {
      nowPlaying.command("seek", 0L);
      return;
    }
    move(item, item.position() < now.position() ? now.position() : now.position() + 1);
    nowPlaying.command("skip_next", null);
  }

  private boolean isCurrent(PlaylistItem item) {
    PlaybackState state = nowPlaying == null ? null : nowPlaying.state();
    return state != null && item.itemId().equals(state.itemId());
  }

  private void move(PlaylistItem item, int position) {
    if (position < 0 || position >= playlist.items().size()) {
      return;
    }
    try {
      services.playlist().move(sessionId, item.itemId(), position);
      refresh();
    } catch (ApiException e) {
      Notices.error(e);
      refresh();
    }
  }

  private void remove(PlaylistItem item) {
    try {
      services.playlist().remove(sessionId, item.itemId());
      refresh();
      Notices.undoable(
          "Removed \u201c" + item.track().title() + "\u201d",
          () -> {
            try {
              services
                  .playlist()
                  .add(
                      sessionId,
                      item.track().id(),
                      Math.min(item.position(), playlist.items().size()),
                      item.addedBy());
            } catch (ApiException e) {
              Notices.error("Could not put it back: " + FieldRules.human(e));
            }
            refresh();
          });
    } catch (ApiException e) {
      Notices.error(e);
      refresh();
    }
  }

  /** The playlist as last read. */
  Playlist playlist() {
    return playlist;
  }

  /** Re-reads the playlist, shows it, then the playback state that may point into it. */
  void refresh() {
    playlist = services.playlist().get(sessionId);
    grid.setItems(playlist.items());
    nowPlaying.refresh();
  }

  /** Redraws the rows, as the current item may have changed. */
  void redraw() {
    grid.getDataProvider().refreshAll();
  }
}
