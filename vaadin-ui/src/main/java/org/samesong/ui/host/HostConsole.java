package org.samesong.ui.host;

import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.grid.dnd.GridDropLocation;
import com.vaadin.flow.component.grid.dnd.GridDropMode;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.samesong.app.Services;
import org.samesong.auth.api.TokenResponse;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playback.PlaybackState;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.request.RequestService;
import org.samesong.request.api.RequestJson;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.ui.player.AudioStatus;
import org.samesong.ui.player.PlayerTokens;
import org.samesong.ui.player.SyncAudio;
import org.samesong.ui.shell.CatalogPicker;
import org.samesong.ui.shell.MinutesSeconds;
import org.samesong.ui.shell.ProgressClock;
import org.samesong.ui.shell.QrCode;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.TrackText;
import org.samesong.ui.shell.UiRequests;
import org.samesong.ui.shell.UiServices;
import org.samesong.user.User;

/**
 * The console of one live session: now playing with the transport controls, the playlist, catalog
 * search, guests' requests, listeners with their drift, and the invitation. What it shows is
 * re-read from the services when a broadcast of the session says it changed, except the listeners:
 * a room may hold a thousand, so their panel applies each {@code member_update}'s changes alone.
 */
public class HostConsole extends FlexLayout {
  private final Services services;
  private final Session session;
  private final SamesongPrincipal host;
  private final Runnable onEnded;
  private final String baseUrl;

  // now playing
  private final Div artwork = new Div();
  private final H2 title = new H2();
  private final Span artist = new Span();
  private final Button playPause = new Button("Play");
  private final Button previous = new Button("Previous");
  private final Button next = new Button("Next");
  private final Input slider = new Input(ValueChangeMode.ON_CHANGE);
  private final Span position = new Span("0:00 / 0:00");
  private final TextField seekTime = new TextField();
  private final Button seekGo = new Button("Go");
  private final SyncAudio player;
  private final Span audioStatus = new Span("Audio: connecting…");

  // playlist and catalog
  private final Grid<PlaylistItem> playlist = new Grid<>();
  private final CatalogPicker catalogPicker = new CatalogPicker("Add", this::addTrack);
  private final TextField url = new TextField();
  private final Button addUrl = new Button("Add URL");

  // requests, listeners, invitation
  private final Grid<RequestJson> pending = new Grid<>();
  private final Grid<RequestJson> history = new Grid<>();
  private final ListenersPanel listeners;
  private final Button end = new Button("End session");

  private Playlist currentPlaylist = new Playlist(0, List.of());
  private PlaybackState currentState;
  private PlaylistItem dragged;

  HostConsole(Session session, User user, Runnable onEnded) {
    this.services = UiServices.get();
    this.session = session;
    this.onEnded = onEnded;
    this.baseUrl = UiRequests.baseUrl();
    String hostMemberId =
        services.sessions().members(session.id()).stream()
            .filter(Member::isHost)
            .map(Member::id)
            .findFirst()
            .orElseThrow(() -> ApiException.notFound("session"));
    this.host =
        new SamesongPrincipal(user.id(), SamesongPrincipal.HOST, session.id(), hostMemberId, null);

    TokenResponse tokens = services.auth().startFamily(host, null);
    String[] refresh = {tokens.refreshToken()};
    player = new SyncAudio(session.id(), tokens.accessToken());
    player.setId("player");
    new PlayerTokens(
        player,
        services.auth(),
        () -> refresh[0],
        fresh -> refresh[0] = fresh.refreshToken(),
        tokens.expiresIn());
    audioStatus.setId("audio-status");
    AudioStatus.follow(player, audioStatus);
    listeners =
        new ListenersPanel(
            () -> services.sessions().view(session.id(), baseUrl).members(),
            memberId -> services.sessions().kick(session.id(), memberId));

    addClassName("host-console");
    setWidthFull();
    setFlexWrap(FlexWrap.WRAP);
    getStyle().set("gap", "var(--lumo-space-l)");

    VerticalLayout main = column("main-column", nowPlaying(), playlistPanel(), catalogPanel());
    VerticalLayout side = column("side-column", invitePanel(), requestsPanel(), listenersPanel());
    main.getStyle().set("flex", "2 1 28rem");
    side.getStyle().set("flex", "1 1 20rem");
    add(main, side);

    new SessionFollower(this, this::onBroadcast).follow(session.id());
    catalogPicker.refresh();
    addAttachListener(e -> getElement().executeJs(SPACE_TOGGLES_PLAY));
    refreshAll();
  }

  /** Space anywhere but in a field or on a button toggles play (the button is the way on touch). */
  private static final String SPACE_TOGGLES_PLAY =
      """
      const console = this;
      if (console.__samesongKeys) return;
      console.__samesongKeys = ev => {
        if (!console.isConnected) {
          document.removeEventListener('keydown', console.__samesongKeys);
          return;
        }
        if (ev.code !== 'Space' || ev.repeat || ev.ctrlKey || ev.metaKey || ev.altKey) return;
        const t = ev.composedPath()[0];
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)
            || (t.closest && t.closest('vaadin-text-field, vaadin-button, vaadin-dialog-overlay')))) {
          return;
        }
        ev.preventDefault();
        console.$server.togglePlay();
      };
      document.addEventListener('keydown', console.__samesongKeys);
      """;

  private static VerticalLayout column(String id, com.vaadin.flow.component.Component... parts) {
    VerticalLayout column = new VerticalLayout(parts);
    column.setId(id);
    column.setPadding(false);
    column.setMinWidth("0");
    return column;
  }

  // ---------------------------------------------------------------- now playing

  private VerticalLayout nowPlaying() {
    artwork.setId("artwork");
    artwork.addClassName("artwork");
    artwork
        .getStyle()
        .set("width", "96px")
        .set("height", "96px")
        .set("border-radius", "var(--lumo-border-radius-l)")
        .set("background", "linear-gradient(135deg, var(--lumo-primary-color-50pct), #7b4ddb)")
        .set("display", "flex")
        .set("align-items", "center")
        .set("justify-content", "center")
        .set("color", "white")
        .set("font-size", "2.5rem")
        .set("flex", "none");
    title.setId("now-title");
    title.getStyle().set("margin", "0");
    artist.setId("now-artist");
    VerticalLayout text = new VerticalLayout(title, artist);
    text.setPadding(false);
    text.setSpacing(false);
    HorizontalLayout head = new HorizontalLayout(artwork, text);
    head.setAlignItems(FlexComponent.Alignment.CENTER);
    head.setWidthFull();

    playPause.setId("play-pause");
    playPause.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    playPause.addClickListener(e -> togglePlay());
    previous.setId("previous");
    previous.addClickListener(e -> command("skip_prev", null));
    next.setId("next");
    next.addClickListener(e -> command("skip_next", null));
    HorizontalLayout transport = new HorizontalLayout(previous, playPause, next);

    slider.setId("seek-slider");
    slider.setType("range");
    slider.getElement().setAttribute("min", "0");
    slider.getElement().setAttribute("aria-label", "Position");
    slider.setWidthFull();
    slider.addValueChangeListener(
        e -> {
          if (e.isFromClient()) {
            try {
              command("seek", Long.parseLong(e.getValue()));
            } catch (NumberFormatException ignored) {
              // a slider only sends numbers; anything else is not worth an answer
            }
          }
        });
    position.setId("position");

    seekTime.setId("seek-time");
    seekTime.setPlaceholder("m:ss");
    seekTime.setWidth("7rem");
    seekTime.setAriaLabel("Jump to (m:ss or seconds)");
    seekTime.addKeyPressListener(Key.ENTER, e -> seekToTyped());
    seekGo.setId("seek-go");
    seekGo.addClickListener(e -> seekToTyped());
    HorizontalLayout jump = new HorizontalLayout(position, seekTime, seekGo);
    jump.setAlignItems(FlexComponent.Alignment.BASELINE);

    VerticalLayout panel = new VerticalLayout(head, transport, slider, jump, player, audioStatus);
    panel.setId("now-playing");
    panel.setPadding(false);
    return panel;
  }

  /** Space bar on {@code /host} (outside text fields) toggles play. */
  @ClientCallable
  void togglePlay() {
    command(currentState != null && currentState.playing() ? "pause" : "play", null);
  }

  private void seekToTyped() {
    try {
      long millis = MinutesSeconds.parse(seekTime.getValue());
      seekTime.setInvalid(false);
      command("seek", millis);
      seekTime.clear();
    } catch (IllegalArgumentException e) {
      seekTime.setErrorMessage(e.getMessage());
      seekTime.setInvalid(true);
    }
  }

  private void command(String action, Long positionMs) {
    try {
      currentState = services.playback().command(session.id(), action, positionMs);
      showPlayback();
    } catch (ApiException e) {
      if ("position_ms".equals(e.field())) {
        seekTime.setErrorMessage(e.getMessage());
        seekTime.setInvalid(true);
      } else {
        error(e.getMessage());
      }
    }
  }

  private void showPlayback() {
    PlaybackState state = currentState;
    Optional<PlaylistItem> item =
        state == null || state.itemId() == null
            ? Optional.empty()
            : currentPlaylist.item(state.itemId());
    Track track =
        item.map(PlaylistItem::track)
            .orElseGet(
                () ->
                    state == null || state.trackId() == null
                        ? null
                        : services.catalog().findIncludingRemoved(state.trackId()).orElse(null));
    boolean playing = state != null && state.playing();
    if (track == null) {
      title.setText("Nothing playing");
      artist.setText(
          currentPlaylist.items().isEmpty() ? "Add tracks below to start" : "Press play to start");
      artwork.setText("♪");
    } else {
      title.setText(track.title());
      artist.setText(
          String.join(
              " · ",
              java.util.stream.Stream.of(track.artist(), track.album())
                  .filter(s -> s != null && !s.isBlank())
                  .toList()));
      artwork.setText(track.title().substring(0, 1).toUpperCase(Locale.ROOT));
    }
    playPause.setText(playing ? "Pause" : "Play");
    long duration = track == null ? 0 : track.durationMs();
    long now = services.clock().millis();
    ProgressClock.show(
        position,
        slider,
        state == null ? 0 : state.positionMs(),
        state == null ? now : state.updatedAt(),
        playing,
        duration,
        now);
    playlist.getDataProvider().refreshAll();
  }

  // ---------------------------------------------------------------- playlist

  private VerticalLayout playlistPanel() {
    playlist.setId("playlist");
    playlist.addThemeVariants(
        GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
    playlist.setAllRowsVisible(true);
    playlist
        .addColumn(i -> (isCurrent(i) ? "▶ " : "") + (i.position() + 1))
        .setHeader("#")
        .setFlexGrow(0)
        .setWidth("3.25rem");
    playlist.addColumn(i -> TrackText.describe(i.track())).setHeader("Track").setFlexGrow(3);
    playlist
        .addColumn(i -> MinutesSeconds.format(i.track().durationMs()))
        .setHeader("Length")
        .setFlexGrow(0)
        .setWidth("4rem");
    playlist
        .addComponentColumn(
            i -> {
              Button up = new Button("↑", e -> move(i, i.position() - 1));
              up.setEnabled(i.position() > 0);
              up.getElement().setAttribute("aria-label", "Move up");
              Button down = new Button("↓", e -> move(i, i.position() + 1));
              down.setEnabled(i.position() < currentPlaylist.items().size() - 1);
              down.getElement().setAttribute("aria-label", "Move down");
              // three narrow buttons, so the grid fits a phone's width without scrolling sideways
              Button remove = new Button("✕", e -> removeItem(i));
              remove.getElement().setAttribute("aria-label", "Remove");
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
            })
        .setHeader("")
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    playlist.setRowsDraggable(true);
    playlist.addDragStartListener(
        e -> {
          dragged = e.getDraggedItems().isEmpty() ? null : e.getDraggedItems().get(0);
          playlist.setDropMode(GridDropMode.BETWEEN);
        });
    playlist.addDragEndListener(
        e -> {
          dragged = null;
          playlist.setDropMode(null);
        });
    playlist.addDropListener(
        e -> {
          PlaylistItem target = e.getDropTargetItem().orElse(null);
          if (dragged == null || target == null || target.itemId().equals(dragged.itemId())) {
            return;
          }
          move(dragged, dropPosition(dragged.position(), target.position(), e.getDropLocation()));
        });
    playlist.addItemDoubleClickListener(e -> jumpTo(e.getItem()));
    VerticalLayout panel = new VerticalLayout(new H3("Playlist"), playlist);
    panel.setPadding(false);
    return panel;
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
    Optional<PlaylistItem> current =
        currentState == null || currentState.itemId() == null
            ? Optional.empty()
            : currentPlaylist.item(currentState.itemId());
    if (current.isEmpty()) {
      move(item, 0);
      command("play", null);
      return;
    }
    PlaylistItem now = current.get();
    if (now.itemId().equals(item.itemId())) {
      command("seek", 0L);
      return;
    }
    move(item, item.position() < now.position() ? now.position() : now.position() + 1);
    command("skip_next", null);
  }

  private boolean isCurrent(PlaylistItem item) {
    return currentState != null && item.itemId().equals(currentState.itemId());
  }

  private void move(PlaylistItem item, int position) {
    if (position < 0 || position >= currentPlaylist.items().size()) {
      return;
    }
    try {
      services.playlist().move(session.id(), item.itemId(), position);
      refreshPlaylist();
    } catch (ApiException e) {
      error(e.getMessage());
      refreshPlaylist();
    }
  }

  private void removeItem(PlaylistItem item) {
    try {
      services.playlist().remove(session.id(), item.itemId());
      refreshPlaylist();
    } catch (ApiException e) {
      error(e.getMessage());
      refreshPlaylist();
    }
  }

  // ---------------------------------------------------------------- catalog

  private VerticalLayout catalogPanel() {
    url.setId("add-url");
    url.setPlaceholder("https://example.org/song.mp3");
    url.setWidthFull();
    addUrl.setId("add-url-button");
    addUrl.addClickListener(e -> addByUrl());
    HorizontalLayout byUrl = new HorizontalLayout(url, addUrl);
    byUrl.setWidthFull();
    byUrl.setAlignItems(FlexComponent.Alignment.BASELINE);

    VerticalLayout panel = new VerticalLayout(new H3("Add music"), catalogPicker, byUrl);
    panel.setPadding(false);
    return panel;
  }

  private void addTrack(Track track) {
    try {
      services.playlist().add(session.id(), track.id(), null, host.memberId());
      refreshPlaylist();
      Notification.show("Added " + track.title(), 2000, Notification.Position.BOTTOM_START);
    } catch (ApiException e) {
      error(e.getMessage());
    }
  }

  private void addByUrl() {
    String value = url.getValue().strip();
    if (value.isEmpty()) {
      url.setErrorMessage("Enter an http or https address of an audio file");
      url.setInvalid(true);
      return;
    }
    try {
      Track track = UrlTracks.add(services, value);
      url.clear();
      url.setInvalid(false);
      addTrack(track);
    } catch (ApiException e) {
      url.setErrorMessage(e.getMessage());
      url.setInvalid(true);
    }
  }

  // ---------------------------------------------------------------- requests

  private VerticalLayout requestsPanel() {
    pending.setId("pending-requests");
    pending.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    pending.setAllRowsVisible(true);
    pending.addColumn(RequestJson::requestedByName).setHeader("Guest").setAutoWidth(true);
    pending.addColumn(this::describe).setHeader("Request").setFlexGrow(2);
    pending
        .addComponentColumn(
            r -> {
              Button approve = new Button("Approve", e -> approve(r));
              approve.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_SUCCESS);
              approve.setId("approve-" + r.requestId());
              Button deny = new Button("Deny", e -> askDenyReason(r));
              deny.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR);
              deny.setId("deny-" + r.requestId());
              return new HorizontalLayout(approve, deny);
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);

    history.setId("request-history");
    history.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    history.setAllRowsVisible(true);
    history.addColumn(RequestJson::requestedByName).setHeader("Guest").setAutoWidth(true);
    history.addColumn(this::describe).setHeader("Request").setFlexGrow(2);
    history
        .addColumn(
            r ->
                r.status()
                    + (r.reason() == null || r.reason().isBlank() ? "" : " (" + r.reason() + ")"))
        .setHeader("Outcome")
        .setFlexGrow(1);

    VerticalLayout panel =
        new VerticalLayout(new H3("Requests"), pending, new H3("Request history"), history);
    panel.setPadding(false);
    return panel;
  }

  private void approve(RequestJson request) {
    try {
      services.requests().approve(host, request.requestId());
    } catch (ApiException e) {
      error(e.getMessage());
    }
    refreshRequests();
    refreshPlaylist();
  }

  private void askDenyReason(RequestJson request) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Deny this request?");
    TextField reason = new TextField("Reason (optional)");
    reason.setId("deny-reason");
    reason.setMaxLength(200);
    reason.setWidthFull();
    Button deny = new Button("Deny");
    deny.setId("deny-confirm");
    deny.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    deny.addClickListener(
        e -> {
          try {
            String text = reason.getValue().strip();
            services.requests().deny(host, request.requestId(), text.isEmpty() ? null : text);
            dialog.close();
          } catch (ApiException ex) {
            reason.setErrorMessage(ex.getMessage());
            reason.setInvalid(true);
          }
          refreshRequests();
        });
    Button cancel = new Button("Cancel", e -> dialog.close());
    dialog.add(new Span(describe(request)), reason);
    dialog.getFooter().add(cancel, deny);
    dialog.open();
  }

  private String describe(RequestJson request) {
    return TrackText.describe(request, services.catalog(), currentPlaylist);
  }

  // ---------------------------------------------------------------- listeners and invitation

  private VerticalLayout listenersPanel() {
    end.setId("end-session");
    end.addThemeVariants(ButtonVariant.LUMO_ERROR);
    end.addClickListener(e -> confirmEnd());
    VerticalLayout panel = new VerticalLayout(listeners, end);
    panel.setPadding(false);
    return panel;
  }

  private void confirmEnd() {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("End this session?");
    dialog.add(new Span("Every guest is disconnected and the invite stops working."));
    Button confirm = new Button("End session");
    confirm.setId("end-confirm");
    confirm.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
    confirm.addClickListener(
        e -> {
          dialog.close();
          try {
            services.sessions().end(session.id());
          } catch (ApiException ex) {
            error(ex.getMessage());
          }
          onEnded.run();
        });
    dialog.getFooter().add(new Button("Keep it running", e -> dialog.close()), confirm);
    dialog.open();
  }

  private VerticalLayout invitePanel() {
    String joinUrl = services.sessions().joinUrl(session.code(), baseUrl);
    Span code = new Span(session.code());
    code.setId("invite-code");
    code.getStyle()
        .set("font-size", "2.2rem")
        .set("font-weight", "700")
        .set("letter-spacing", "0.2em")
        .set("font-family", "var(--lumo-font-family), monospace");
    Anchor link = new Anchor(joinUrl, joinUrl);
    link.setId("invite-link");
    link.setTarget("_blank");
    link.getStyle().set("word-break", "break-all");
    Image qr = new Image(QrCode.svgDataUrl(joinUrl), "QR code of the join link " + joinUrl);
    qr.setId("invite-qr");
    qr.getStyle()
        .set("width", "min(100%, 320px)")
        .set("aspect-ratio", "1")
        .set("image-rendering", "pixelated");
    Button copy = new Button("Copy link");
    copy.addThemeVariants(ButtonVariant.LUMO_SMALL);
    copy.addClickListener(
        e ->
            copy.getElement()
                .executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", joinUrl));
    H3 name = new H3(session.name());
    name.setId("session-title");
    VerticalLayout panel = new VerticalLayout(name, new Span("Invite code"), code, link, copy, qr);
    panel.setId("invite");
    panel.setPadding(false);
    panel.setSpacing(false);
    return panel;
  }

  // ---------------------------------------------------------------- live updates

  private void onBroadcast(SessionFollower.Broadcast broadcast) {
    switch (broadcast.type()) {
      case "playback_state" -> refreshPlayback();
      case "playlist_update" -> {
        if (SessionFollower.isResync(broadcast)) {
          // the bus was down: requests and members may have changed unheard too
          refreshAll();
        } else {
          refreshPlaylist();
        }
      }
      case "request_update" -> refreshRequests();
      case "member_update" -> listeners.apply(broadcast.message());
      case "kick" -> listeners.reload();
      case "session_ended" -> onEnded.run();
      default -> {
        // other messages change nothing shown here
      }
    }
  }

  private void refreshAll() {
    refreshPlaylist();
    refreshRequests();
    listeners.reload();
  }

  private void refreshPlayback() {
    currentState = services.playback().get(session.id());
    showPlayback();
  }

  private void refreshPlaylist() {
    currentPlaylist = services.playlist().get(session.id());
    playlist.setItems(currentPlaylist.items());
    refreshPlayback();
  }

  private void refreshRequests() {
    List<RequestJson> all = services.requests().list(host, session.id(), null);
    List<RequestJson> open = new ArrayList<>();
    List<RequestJson> decided = new ArrayList<>();
    for (RequestJson r : all) {
      (RequestService.PENDING.equals(r.status()) ? open : decided).add(r);
    }
    pending.setItems(open);
    java.util.Collections.reverse(decided);
    history.setItems(decided);
  }

  private static void error(String message) {
    Notification.show(message, 5000, Notification.Position.TOP_CENTER)
        .addThemeVariants(NotificationVariant.LUMO_ERROR);
  }

  /** The session shown, for tests. */
  Session session() {
    return session;
  }
}
