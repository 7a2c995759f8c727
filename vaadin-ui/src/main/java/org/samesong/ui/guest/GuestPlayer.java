package org.samesong.ui.guest;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.virtuallist.VirtualList;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.data.renderer.LitRenderer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.samesong.app.Services;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;
import org.samesong.playback.PlaybackState;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.playlist.ProposedChange;
import org.samesong.request.RequestStatus;
import org.samesong.request.api.RequestJson;
import org.samesong.session.Session;
import org.samesong.ui.player.AudioStatus;
import org.samesong.ui.player.PlayerTokens;
import org.samesong.ui.player.SyncAudio;
import org.samesong.ui.shell.Artwork;
import org.samesong.ui.shell.CatalogPicker;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.ProgressClock;
import org.samesong.ui.shell.Routes;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.TrackText;
import org.samesong.ui.shell.UiServices;

/**
 * The guest's player: now playing (cover, title, progress, up next), Mute (this browser only) and
 * Leave, who is listening, the playlist, suggestions (add a track, move or remove an item, with a
 * note) and "my requests", whose status changes live when the host decides. Buttons are 44 px high
 * (touch targets on a phone).
 */
public class GuestPlayer extends VerticalLayout {
  private final Services services;
  private final GuestSeat seat;
  private final String sessionId;
  private final Consumer<String> onLeft;

  private final H2 title = new H2();
  private final Span artist = new Span();
  private final Span position = new Span("0:00 / 0:00");
  private final Grid<PlaylistItem> playlist = new Grid<>();
  private final TextField note = new TextField();
  private final CatalogPicker catalogPicker = new CatalogPicker("Suggest", this::suggest);
  private final Grid<RequestJson> mine = new Grid<>();
  private final SyncAudio player;
  private final Span audioStatus = new Span("Audio: connecting…");
  private final Span listening = new Span();
  private final Artwork artwork = new Artwork("min(30vw, 8rem)");
  private final ProgressBar progress = new ProgressBar();
  private final Span upNext = new Span();
  private final Button mute = new Button();
  private final Button leave = new Button("Leave", VaadinIcon.SIGN_OUT.create());
  private final Details whoDetails = new Details();

  /**
   * Who is listening, by member id, in the order they came: loaded only while the list is open (a
   * closed list costs nothing but the count), then kept by each {@code member_update}'s changes.
   */
  private final Map<String, String> names = new LinkedHashMap<>();

  private final ListDataProvider<String> nameRows = new ListDataProvider<>(names.values());
  private final VirtualList<String> nameList = new VirtualList<>();

  private Playlist currentPlaylist = new Playlist(0, List.of());
  private PlaybackState currentState;

  GuestPlayer(GuestSeat seat, Consumer<String> onLeft) {
    this.services = UiServices.get();
    this.seat = seat;
    this.sessionId = seat.principal().sessionId();
    this.onLeft = onLeft;
    setPadding(false);
    setWidthFull();
    addClassName("guest-player");
    // touch targets of 44 px: Lumo's sizes, not hand-made CSS per button
    getStyle().set("--lumo-size-m", "2.75rem").set("--lumo-size-s", "2.75rem");

    Session session = services.sessions().find(sessionId);
    Span who = new Span(session.name() + " · you are " + seat.displayName());
    who.setId("guest-identity");
    listening.setId("listening-count");

    title.setId("now-title");
    title.getStyle().set("margin", "0");
    artist.setId("now-artist");
    position.setId("position");
    player = new SyncAudio(sessionId, seat.accessToken());
    player.setId("player");
    new PlayerTokens(
        player,
        services.auth(),
        () -> GuestSeat.find(seat.code()).orElse(seat).refreshToken(),
        fresh ->
            GuestSeat.keep(
                GuestSeat.find(seat.code())
                    .orElse(seat)
                    .withTokens(
                        fresh.accessToken(),
                        fresh.refreshToken(),
                        services.clock().millis() + fresh.expiresIn() * 1000)),
        Math.max(0, (seat.expiresAt() - services.clock().millis()) / 1000));
    player.addKickedListener(e -> onLeft.accept("The host removed you from this session."));
    player.addEndedListener(
        e -> onLeft.accept("The host ended this session. Thanks for listening!"));
    audioStatus.setId("audio-status");
    AudioStatus.follow(player, audioStatus);
    artwork.setId("artwork");
    progress.setId("progress");
    progress.setMin(0);
    progress.getElement().setAttribute("aria-label", "Position in the track");
    upNext.setId("up-next");
    upNext.getStyle().set("color", "var(--lumo-secondary-text-color)");
    VerticalLayout text = new VerticalLayout(title, artist);
    text.setPadding(false);
    text.setSpacing(false);
    text.setMinWidth("0");
    HorizontalLayout head = new HorizontalLayout(artwork, text);
    head.setAlignItems(FlexComponent.Alignment.CENTER);
    head.setWidthFull();
    mute.setId("mute");
    mute.addClickListener(e -> setMuted(!player.isMuted()));
    setMuted(false);
    leave.setId("leave");
    leave.addClickListener(e -> askLeave(session.name()));
    HorizontalLayout controls = new HorizontalLayout(mute, leave);
    controls.setId("player-controls");
    controls.getStyle().set("flex-wrap", "wrap");
    VerticalLayout now =
        new VerticalLayout(
            who, listeningPanel(), head, progress, position, upNext, player, audioStatus, controls);
    now.setId("now-playing");
    now.setPadding(false);
    now.setSpacing(false);

    add(now, playlistPanel(), suggestPanel(), requestsPanel());

    new SessionFollower(this, this::onBroadcast).follow(sessionId);
    refreshPlaylist();
    refreshRequests();
    refreshListening();
  }

  // ---------------------------------------------------------------- mute, leave, who listens

  /** The count, and under it (opened on demand) the names in a virtualised list. */
  private Details listeningPanel() {
    nameList.setId("listener-names");
    nameList.setDataProvider(nameRows);
    nameList.setRenderer(
        LitRenderer.<String>of("<div style='padding:0.25rem 0'>${item.name}</div>")
            .withProperty("name", n -> n));
    nameList.setHeight("12rem");
    nameList.getElement().setAttribute("aria-label", "Who is listening");
    whoDetails.setId("who-is-listening");
    whoDetails.setSummary(listening);
    whoDetails.add(nameList);
    whoDetails.addOpenedChangeListener(
        e -> {
          if (e.isOpened()) {
            loadNames();
          } else {
            names.clear();
            nameRows.refreshAll();
          }
        });
    return whoDetails;
  }

  private void loadNames() {
    names.clear();
    List<org.samesong.session.Member> members = services.sessions().members(sessionId);
    members.stream().filter(org.samesong.session.Member::isHost).forEach(this::putName);
    members.stream().filter(m -> !m.isHost()).forEach(this::putName);
    nameRows.refreshAll();
    showListening(names.size());
  }

  private void putName(org.samesong.session.Member m) {
    names.put(m.id(), label(m.displayName(), m.isHost(), m.id()));
  }

  private String label(String name, boolean host, String memberId) {
    String shown = host ? name + " (host)" : name;
    return memberId.equals(seat.principal().memberId()) ? shown + " (you)" : shown;
  }

  /** The names shown under "who is listening", for tests. */
  List<String> listenerNames() {
    return List.copyOf(names.values());
  }

  private void setMuted(boolean muted) {
    player.setMuted(muted);
    mute.setText(muted ? "Unmute" : "Mute");
    mute.setIcon((muted ? VaadinIcon.VOLUME_OFF : VaadinIcon.VOLUME_UP).create());
    // a toggle: screen readers say "Mute, pressed" while this browser is silent
    mute.getElement().setAttribute("aria-pressed", Boolean.toString(muted));
    mute.setTooltipText(
        muted ? "Sound on in this browser" : "Silence this browser; the music plays on for others");
  }

  private void askLeave(String sessionName) {
    ConfirmDialog confirm = new ConfirmDialog();
    confirm.setId("leave-confirm");
    confirm.setHeader("Leave \u201c" + sessionName + "\u201d?");
    confirm.setText(
        "The music stops here and your name is free again. To come back, join with the code.");
    confirm.setCancelable(true);
    confirm.setCancelText("Stay");
    confirm.setConfirmText("Leave");
    confirm.addConfirmListener(e -> leaveSession());
    confirm.open();
  }

  /**
   * Leaves the session: the seat's tokens stop, this browser forgets it, back to the start page.
   */
  private void leaveSession() {
    try {
      services.sessions().leave(sessionId, seat.principal().memberId());
    } catch (ApiException e) {
      // gone already (kicked, ended): forgetting the seat is all that is left to do
    }
    GuestSeat.forget(seat.code());
    SeatCookie.clear(seat.code());
    Notices.info("You left " + services.sessions().find(sessionId).name());
    getUI().ifPresent(ui -> ui.navigate(Routes.LOGIN));
  }

  // ---------------------------------------------------------------- playlist

  private VerticalLayout playlistPanel() {
    playlist.setId("playlist");
    playlist.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    playlist.setAllRowsVisible(true);
    playlist
        .addColumn(i -> (isCurrent(i) ? "▶ " : "") + (i.position() + 1))
        .setHeader("#")
        .setFlexGrow(0)
        .setWidth("3rem");
    // title over artist: a phone's narrow column wraps less than "Title — Artist" in one line
    playlist
        .addColumn(
            LitRenderer.<PlaylistItem>of(
                    "<div style='overflow-wrap:anywhere'>${item.title}<div"
                        + " style='color:var(--lumo-secondary-text-color);"
                        + "font-size:var(--lumo-font-size-s)'>${item.artist}</div></div>")
                .withProperty("title", i -> i.track().title())
                .withProperty("artist", i -> i.track().artist() == null ? "" : i.track().artist()))
        .setHeader("Track")
        .setFlexGrow(1);
    playlist
        .addComponentColumn(
            i -> {
              Button move = new Button(VaadinIcon.ARROWS_LONG_V.create(), e -> askMove(i));
              move.addThemeVariants(ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_TERTIARY);
              move.setAriaLabel("Suggest moving " + i.track().title());
              move.setTooltipText("Suggest a new place");
              Button remove = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> askRemove(i));
              remove.addThemeVariants(ButtonVariant.LUMO_ICON, ButtonVariant.LUMO_TERTIARY);
              remove.setAriaLabel("Suggest removing " + i.track().title());
              remove.setTooltipText("Suggest removing it");
              HorizontalLayout actions = new HorizontalLayout(move, remove);
              actions.setSpacing(false);
              return actions;
            })
        .setHeader("Suggest")
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    VerticalLayout panel = new VerticalLayout(new H3("Playlist"), playlist);
    panel.setPadding(false);
    return panel;
  }

  private boolean isCurrent(PlaylistItem item) {
    return currentState != null && item.itemId().equals(currentState.itemId());
  }

  private void askMove(PlaylistItem item) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Suggest a new place for “" + item.track().title() + "”");
    IntegerField to = new IntegerField("New position (1–" + currentPlaylist.items().size() + ")");
    to.setId("move-position");
    to.setMin(1);
    to.setMax(currentPlaylist.items().size());
    to.setStepButtonsVisible(true);
    to.setValue(Math.max(1, item.position()));
    TextField why = noteField();
    Button send = new Button("Send suggestion");
    send.setId("move-send");
    send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    send.addClickListener(
        e -> {
          if (to.getValue() == null) {
            to.setErrorMessage("Enter a position");
            to.setInvalid(true);
            return;
          }
          if (propose(
              new ProposedChange(
                  ProposedChange.MOVE,
                  null,
                  null,
                  item.itemId(),
                  to.getValue() - 1,
                  text(why.getValue())),
              to)) {
            dialog.close();
          }
        });
    dialog.add(new VerticalLayout(to, why));
    dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), send);
    dialog.open();
  }

  private void askRemove(PlaylistItem item) {
    Dialog dialog = new Dialog();
    dialog.setHeaderTitle("Suggest removing “" + item.track().title() + "”");
    TextField why = noteField();
    Button send = new Button("Send suggestion");
    send.setId("remove-send");
    send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    send.addClickListener(
        e -> {
          if (propose(
              new ProposedChange(
                  ProposedChange.REMOVE, null, null, item.itemId(), null, text(why.getValue())),
              why)) {
            dialog.close();
          }
        });
    dialog.add(why);
    dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), send);
    dialog.open();
  }

  private static TextField noteField() {
    TextField why = new TextField("Note for the host (optional)");
    why.setId("request-note");
    why.setMaxLength(200);
    why.setWidthFull();
    return why;
  }

  // ---------------------------------------------------------------- suggest a track

  private VerticalLayout suggestPanel() {
    note.setId("suggest-note");
    note.setPlaceholder("Note for the host (optional)");
    note.setMaxLength(200);
    note.setWidthFull();
    VerticalLayout panel = new VerticalLayout(new H3("Suggest a track"), note, catalogPicker);
    panel.setPadding(false);
    catalogPicker.refresh();
    return panel;
  }

  private void suggest(Track track) {
    if (propose(
        new ProposedChange(ProposedChange.ADD, track.id(), null, null, null, text(note.getValue())),
        note)) {
      note.clear();
    }
  }

  /** Files the request; false (with the reason shown) when it was refused. */
  private boolean propose(ProposedChange change, com.vaadin.flow.component.HasValidation field) {
    try {
      services.requests().create(seat.principal(), sessionId, change);
      field.setInvalid(false);
      Notices.info("Sent to the host; you'll see the answer under My requests");
      refreshRequests();
      return true;
    } catch (ApiException e) {
      if ("position".equals(e.field())) {
        field.setErrorMessage(
            "Choose a position from 1 to " + Math.max(1, currentPlaylist.items().size()));
      } else {
        field.setErrorMessage(FieldRules.sentence(e));
      }
      field.setInvalid(true);
      Notices.error(e);
      return false;
    }
  }

  // ---------------------------------------------------------------- my requests

  private VerticalLayout requestsPanel() {
    mine.setId("my-requests");
    mine.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
    mine.setAllRowsVisible(true);
    mine.addColumn(this::describe).setHeader("Request").setFlexGrow(3);
    mine.addColumn(GuestPlayer::outcome).setHeader("Status").setFlexGrow(2);
    mine.addComponentColumn(
            r -> {
              if (RequestStatus.of(r.status()).orElse(null) != RequestStatus.PENDING) {
                return new Span();
              }
              Button cancel = new Button("Cancel", e -> cancel(r));
              cancel.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
              cancel.setAriaLabel("Cancel " + describe(r));
              return cancel;
            })
        .setKey("actions")
        .setFlexGrow(0)
        .setAutoWidth(true);
    VerticalLayout panel = new VerticalLayout(new H3("My requests"), mine);
    panel.setPadding(false);
    return panel;
  }

  static String outcome(RequestJson r) {
    String status =
        RequestStatus.of(r.status())
            .map(known -> known.word().substring(0, 1).toUpperCase() + known.word().substring(1))
            .orElse(r.status());
    return r.reason() == null || r.reason().isBlank() ? status : status + ": " + r.reason();
  }

  private void cancel(RequestJson request) {
    try {
      services.requests().cancel(seat.principal(), request.requestId());
    } catch (ApiException e) {
      Notices.error(e);
    }
    refreshRequests();
  }

  private String describe(RequestJson request) {
    return TrackText.describe(request, services.catalog(), currentPlaylist);
  }

  private static String text(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  // ---------------------------------------------------------------- live updates

  private void onBroadcast(SessionFollower.Broadcast broadcast) {
    switch (broadcast.type()) {
      case "playback_state" -> refreshPlayback();
      case "playlist_update" -> {
        refreshPlaylist();
        if (SessionFollower.isResync(broadcast)) {
          // the bus was down: a decision on another instance may have gone by unheard
          refreshRequests();
          refreshListening();
        }
      }
      case "request_update" -> refreshRequests();
      case "member_update" -> showListening(broadcast.message());
      case "kick" -> {
        if (broadcast.kicked().contains(seat.principal().memberId())) {
          onLeft.accept("The host removed you from this session.");
        }
      }
      case "session_ended" -> onLeft.accept("The host ended this session. Thanks for listening!");
      default -> {
        // other messages change nothing shown here
      }
    }
  }

  private void refreshPlayback() {
    currentState = services.playback().get(sessionId);
    Optional<PlaylistItem> item =
        currentState.itemId() == null
            ? Optional.empty()
            : currentPlaylist.item(currentState.itemId());
    if (item.isEmpty()) {
      title.setText("Nothing playing yet");
      artist.setText("The host starts the music");
      artwork.show(null);
    } else {
      Track track = item.get().track();
      title.setText(track.title());
      artist.setText(track.artist() == null ? "" : track.artist());
      artwork.show(track);
    }
    int next = item.map(i -> i.position() + 1).orElse(0);
    upNext.setText(
        next < currentPlaylist.items().size()
            ? "Up next: " + TrackText.describe(currentPlaylist.items().get(next).track())
            : "");
    long duration = item.map(i -> i.track().durationMs()).orElse(0L);
    progress.setMax(Math.max(1, duration));
    ProgressClock.show(
        position,
        progress,
        currentState.positionMs(),
        currentState.updatedAt(),
        currentState.playing(),
        duration,
        services.clock().millis());
    playlist.getDataProvider().refreshAll();
  }

  private void refreshPlaylist() {
    currentPlaylist = services.playlist().get(sessionId);
    playlist.setItems(currentPlaylist.items());
    refreshPlayback();
  }

  /** How many are in the session: only the count, however many they are. */
  private void refreshListening() {
    showListening(services.sessions().members(sessionId).size());
  }

  private void showListening(com.fasterxml.jackson.databind.JsonNode message) {
    if (message == null) {
      return;
    }
    if (whoDetails.isOpened()) {
      applyToNames(message);
    }
    if (message.path("member_count").canConvertToInt()) {
      showListening(message.path("member_count").asInt());
    } else if (!message.has("left") && message.path("members").isArray()) {
      // the older shape: every member, every time
      showListening(message.path("members").size());
    }
  }

  /** The names shown change by what the message names, not by reading the whole room again. */
  private void applyToNames(com.fasterxml.jackson.databind.JsonNode message) {
    if (!message.has("left") && !message.has("member_count")) {
      loadNames(); // the older shape: every member, every time
      return;
    }
    boolean changed = false;
    for (com.fasterxml.jackson.databind.JsonNode m : message.path("members")) {
      String id = m.path("member_id").asText("");
      String name = m.path("display_name").asText("");
      if (!id.isEmpty() && !name.isEmpty()) {
        String shown = label(name, "host".equals(m.path("role").asText()), id);
        changed |= !shown.equals(names.put(id, shown));
      }
    }
    for (com.fasterxml.jackson.databind.JsonNode id : message.path("left")) {
      changed |= names.remove(id.asText()) != null;
    }
    if (message.path("member_count").canConvertToInt()
        && message.path("member_count").asInt() != names.size()) {
      loadNames(); // a change went by unheard
    } else if (changed) {
      nameRows.refreshAll();
    }
  }

  private void showListening(int count) {
    listening.setText(listening(count));
  }

  static String listening(int count) {
    return String.format(java.util.Locale.ENGLISH, "%,d listening", count);
  }

  private void refreshRequests() {
    List<RequestJson> all =
        new ArrayList<>(services.requests().list(seat.principal(), sessionId, null));
    all.removeIf(r -> !seat.principal().memberId().equals(r.requestedBy()));
    java.util.Collections.reverse(all);
    mine.setItems(all);
    noticeDecisions(all);
  }

  /** The status each of my requests had when last read, to tell its decision once. */
  private final java.util.Map<String, String> statuses = new java.util.HashMap<>();

  private String lastDecisionNotice;

  /** One notice when the host decided a request of mine (not for those decided before I looked). */
  private void noticeDecisions(List<RequestJson> mineNow) {
    List<RequestJson> decided = new ArrayList<>();
    for (RequestJson r : mineNow) {
      String before = statuses.put(r.requestId(), r.status());
      if ("pending".equals(before) && !"pending".equals(r.status())) {
        decided.add(r);
      }
    }
    if (decided.isEmpty()) {
      return;
    }
    RequestJson r = decided.get(0);
    String verdict =
        switch (r.status()) {
          case "approved" -> "The host approved: ";
          case "denied" -> "The host said no to: ";
          case "expired" -> "No longer possible: ";
          default -> "Request " + r.status() + ": ";
        };
    String reason = r.reason() == null || r.reason().isBlank() ? "" : " (" + r.reason() + ")";
    lastDecisionNotice =
        decided.size() == 1
            ? verdict + describe(r) + reason
            : decided.size() + " of your requests were decided; see My requests";
    Notices.info(lastDecisionNotice);
  }

  /** The last decision notice shown, for tests. */
  String lastDecisionNotice() {
    return lastDecisionNotice;
  }
}
