package org.samesong.ui.host;

import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.samesong.app.Services;
import org.samesong.auth.api.TokenResponse;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playback.PlaybackState;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.ui.player.AudioStatus;
import org.samesong.ui.player.PlayerTokens;
import org.samesong.ui.player.SyncAudio;
import org.samesong.ui.shell.Artwork;
import org.samesong.ui.shell.FieldRules;
import org.samesong.ui.shell.MinutesSeconds;
import org.samesong.ui.shell.Notices;
import org.samesong.ui.shell.ProgressClock;

/**
 * The host's now-playing panel: the track with its artwork letter, the transport buttons, the seek
 * slider and the typed jump, the host's own {@code <sync-audio>} player and its status. It owns the
 * session's playback state as the console last read it; the space bar toggles play through it.
 */
class NowPlayingPanel extends VerticalLayout {
  private final Services services;
  private final String sessionId;
  private final Supplier<Playlist> playlist;
  private final Runnable onShown;

  private final Artwork artwork = new Artwork("96px");
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

  private PlaybackState state;

  /**
   * @param playlist the playlist as the console last read it (to name the current track)
   * @param onShown called after each change of the state shown (the playlist marks the current row)
   */
  NowPlayingPanel(
      Services services, SamesongPrincipal host, Supplier<Playlist> playlist, Runnable onShown) {
    this(services, host, playlist, onShown, true);
  }

  /**
   * @param withAudio whether the panel plays the music itself; a co-host's console below the guest
   *     player has none (the player above it plays)
   */
  NowPlayingPanel(
      Services services,
      SamesongPrincipal host,
      Supplier<Playlist> playlist,
      Runnable onShown,
      boolean withAudio) {
    this.services = services;
    this.sessionId = host.sessionId();
    this.playlist = playlist;
    this.onShown = onShown;

    setId("now-playing");
    setPadding(false);
    add(head(), transport(), slider(), jump());
    if (withAudio) {
      TokenResponse tokens = services.auth().startFamily(host, null);
      String[] refresh = {tokens.refreshToken()};
      player = new SyncAudio(sessionId, tokens.accessToken());
      player.setId("player");
      new PlayerTokens(
          player,
          services.auth(),
          () -> refresh[0],
          fresh -> refresh[0] = fresh.refreshToken(),
          tokens.expiresIn());
      audioStatus.setId("audio-status");
      AudioStatus.follow(player, audioStatus);
      add(player, audioStatus);
    } else {
      player = null;
    }
    SpaceBar.togglesPlayOf(this);
  }

  private HorizontalLayout head() {
    artwork.setId("artwork");
    artwork.addClassName("artwork");
    title.setId("now-title");
    title.getStyle().set("margin", "0");
    artist.setId("now-artist");
    VerticalLayout text = new VerticalLayout(title, artist);
    text.setPadding(false);
    text.setSpacing(false);
    HorizontalLayout head = new HorizontalLayout(artwork, text);
    head.setAlignItems(FlexComponent.Alignment.CENTER);
    head.setWidthFull();
    return head;
  }

  private HorizontalLayout transport() {
    playPause.setId("play-pause");
    playPause.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    playPause.addClickListener(e -> togglePlay());
    previous.setId("previous");
    previous.addClickListener(e -> command("skip_prev", null));
    next.setId("next");
    next.addClickListener(e -> command("skip_next", null));
    return new HorizontalLayout(previous, playPause, next);
  }

  private Input slider() {
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
    return slider;
  }

  private HorizontalLayout jump() {
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
    return jump;
  }

  /** Play or pause: the button, and the space bar on {@code /host} (see {@link SpaceBar}). */
  @ClientCallable
  void togglePlay() {
    command(state != null && state.playing() ? "pause" : "play", null);
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

  /**
   * Sends a playback command ({@code play}, {@code seek}, {@code skip_next}…) and shows the state.
   */
  void command(String action, Long positionMs) {
    try {
      state = services.playback().command(sessionId, action, positionMs);
      show();
    } catch (ApiException e) {
      if ("position_ms".equals(e.field())) {
        seekTime.setErrorMessage(FieldRules.sentence(e));
        seekTime.setInvalid(true);
      } else {
        Notices.error(e);
      }
    }
  }

  /** The playback state as last read or commanded; {@code null} before the first read. */
  PlaybackState state() {
    return state;
  }

  /** Re-reads the playback state and shows it. */
  void refresh() {
    state = services.playback().get(sessionId);
    show();
  }

  private void show() {
    PlaybackState state = this.state;
    Playlist current = playlist.get();
    Optional<PlaylistItem> item =
        state == null || state.itemId() == null ? Optional.empty() : current.item(state.itemId());
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
          current.items().isEmpty() ? "Add tracks below to start" : "Press play to start");
      artwork.show(null);
    } else {
      title.setText(track.title());
      artist.setText(
          String.join(
              " · ",
              Stream.of(track.artist(), track.album())
                  .filter(s -> s != null && !s.isBlank())
                  .toList()));
      artwork.show(track);
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
    onShown.run();
  }
}
