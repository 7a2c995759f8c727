package org.samesong.ui.host;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.ui.UiTestSupport.rowButton;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.dnd.GridDropLocation;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.catalog.Track;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.PlaylistItem;
import org.samesong.playlist.ProposedChange;
import org.samesong.request.api.RequestJson;
import org.samesong.session.Member;
import org.samesong.session.api.JoinedJson;
import org.samesong.ui.UiTestSupport;
import org.samesong.user.User;

class HostConsoleTest {
  private UiTestSupport ui;
  private Track alpha;
  private Track beta;
  private String sessionId;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    User admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    alpha = track("alpha.wav", "Alpha Song", "The Artists", 90_000);
    beta = track("beta.wav", "Beta Song", "Other Band", 120_000);
    ui.signIn(admin);
    ui.navigate("host");
    _setValue(_get(TextField.class, s -> s.withId("session-name")), "Friday");
    _click(_get(Button.class, s -> s.withId("start-session")));
    sessionId = _get(HostConsole.class).session().id();
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private Track track(String file, String title, String artist, long durationMs) {
    return ui.services
        .catalog()
        .upsertLibraryTrack(
            Path.of("library", file), title, artist, "Album", durationMs, "audio/wav", 1, 1);
  }

  private void add(Track track) {
    _setValue(_get(TextField.class, s -> s.withId("catalog-search")), track.title());
    _click(rowButton(grid("catalog-results"), 0, "Add"));
  }

  @SuppressWarnings("unchecked")
  private static <T> Grid<T> grid(String id) {
    return (Grid<T>) _get(Grid.class, s -> s.withId(id));
  }

  private SamesongPrincipal guest(String name) {
    JoinedJson joined =
        ui.services
            .sessions()
            .join(_get(Span.class, s -> s.withId("invite-code")).getText(), name, "10.0.0.9", "x");
    return new SamesongPrincipal(
        joined.memberId(), SamesongPrincipal.GUEST, sessionId, joined.memberId(), null);
  }

  @Test
  void a_started_session_shows_its_code_link_and_qr_code() {
    String code = _get(Span.class, s -> s.withId("invite-code")).getText();
    assertThat(code).matches("[A-HJ-NP-Z2-9]{6}");
    assertThat(_get(Anchor.class, s -> s.withId("invite-link")).getHref())
        .endsWith("/join/" + code);
    assertThat(_get(Image.class, s -> s.withId("invite-qr")).getSrc())
        .startsWith("data:image/svg+xml;base64,");
    assertThat(_get(H2.class, s -> s.withId("now-title")).getText()).isEqualTo("Nothing playing");
  }

  @Test
  void search_add_then_play_and_pause_with_the_button_and_the_space_bar() {
    add(alpha);
    assertThat(GridKt._size(grid("playlist"))).isEqualTo(1);

    _click(_get(Button.class, s -> s.withId("play-pause")));
    assertThat(ui.services.playback().get(sessionId).playing()).isTrue();
    assertThat(_get(H2.class, s -> s.withId("now-title")).getText()).isEqualTo("Alpha Song");
    assertThat(_get(Button.class, s -> s.withId("play-pause")).getText()).isEqualTo("Pause");

    _get(HostConsole.class).togglePlay(); // what the space bar calls
    assertThat(ui.services.playback().get(sessionId).playing()).isFalse();
    assertThat(_get(Button.class, s -> s.withId("play-pause")).getText()).isEqualTo("Play");
  }

  @Test
  void typed_positions_seek_and_a_bad_one_is_refused_with_a_message() {
    add(alpha);
    Button playPause = _get(Button.class, s -> s.withId("play-pause"));
    _click(playPause);
    _click(playPause);
    TextField time = _get(TextField.class, s -> s.withId("seek-time"));
    Button go = _get(Button.class, s -> s.withId("seek-go"));

    _setValue(time, "1:23");
    _click(go);
    assertThat(ui.services.playback().get(sessionId).positionMs()).isEqualTo(83_000);

    _setValue(time, "42");
    _click(go);
    assertThat(ui.services.playback().get(sessionId).positionMs()).isEqualTo(42_000);

    _setValue(time, "1:75");
    _click(go);
    assertThat(time.isInvalid()).isTrue();
    assertThat(time.getErrorMessage()).contains("Seconds go from 00 to 59");
    assertThat(ui.services.playback().get(sessionId).positionMs()).isEqualTo(42_000);
    assertThat(_get(Span.class, s -> s.withId("position")).getText()).isEqualTo("0:42 / 1:30");
  }

  @Test
  void a_guest_request_appears_live_and_approving_adds_the_track() {
    SamesongPrincipal gus = guest("Gus");
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, "please"));
    ui.roundtrip();

    Grid<RequestJson> pending = grid("pending-requests");
    assertThat(GridKt._size(pending)).isEqualTo(1);
    assertThat(GridKt._getFormattedRow(pending, 0))
        .contains("Gus", "Add “Beta Song — Other Band” — “please”");

    _click(rowButton(pending, 0, "Approve"));
    assertThat(GridKt._size(pending)).isZero();
    List<PlaylistItem> items = ui.services.playlist().get(sessionId).items();
    assertThat(items).extracting(i -> i.track().id()).containsExactly(beta.id());
    assertThat(GridKt._getFormattedRow(grid("request-history"), 0)).contains("approved");
  }

  @Test
  void live_updates_run_on_the_ui_update_threads_never_on_the_delivering_thread() {
    List<Runnable> queued = new ArrayList<>();
    ui.forgetBrowserSessionKeepingCookies(); // a new page, whose views take the update threads
    ui.runLiveUpdatesOn(queued::add);
    ui.navigate("host");
    SamesongPrincipal gus = guest("Gus");
    runAll(queued); // what the join itself sent

    for (String note : List.of("first", "second")) {
      ui.services
          .requests()
          .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, note));
    }
    ui.roundtrip();

    // the requests' thread (here: the test's) only queued the updates
    Grid<RequestJson> pending = grid("pending-requests");
    assertThat(GridKt._size(pending)).isZero();
    assertThat(queued).isNotEmpty();

    runAll(queued);
    ui.roundtrip();
    assertThat(GridKt._size(pending)).isEqualTo(2);
    assertThat(List.of(GridKt._getFormattedRow(pending, 0), GridKt._getFormattedRow(pending, 1)))
        .anySatisfy(row -> assertThat(row.toString()).contains("“first”"))
        .anySatisfy(row -> assertThat(row.toString()).contains("“second”"));
  }

  private static void runAll(List<Runnable> queued) {
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }
  }

  @Test
  void a_resync_after_the_event_bus_lost_messages_shows_a_decision_never_heard_of() {
    SamesongPrincipal gus = guest("Gus");
    RequestJson request =
        ui.services
            .requests()
            .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, null));
    ui.roundtrip();
    assertThat(GridKt._size(grid("pending-requests"))).isEqualTo(1);

    // the host decided it on another instance (a second tab) while Redis was away
    ui.decideUnheard(request.requestId(), "denied", "not tonight");
    ui.roundtrip();
    assertThat(GridKt._size(grid("pending-requests"))).isEqualTo(1);

    ui.services.broadcaster().resyncFollowedSessions();
    ui.roundtrip();
    assertThat(GridKt._size(grid("pending-requests"))).isZero();
    assertThat(GridKt._getFormattedRow(grid("request-history"), 0))
        .contains("denied (not tonight)");
  }

  @Test
  void denying_stores_the_reason_and_shows_it_in_the_history() {
    SamesongPrincipal gus = guest("Gus");
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, null));
    ui.roundtrip();

    _click(rowButton(grid("pending-requests"), 0, "Deny"));
    _setValue(_get(TextField.class, s -> s.withId("deny-reason")), "not tonight");
    _click(_get(Button.class, s -> s.withId("deny-confirm")));

    RequestJson decided = ui.services.requests().list(gus, sessionId, null).get(0);
    assertThat(decided.status()).isEqualTo("denied");
    assertThat(decided.reason()).isEqualTo("not tonight");
    assertThat(GridKt._getFormattedRow(grid("request-history"), 0))
        .contains("denied (not tonight)");
    assertThat(ui.services.playlist().get(sessionId).items()).isEmpty();
  }

  @Test
  void kicking_a_guest_removes_them() {
    SamesongPrincipal gus = guest("Gus");
    ui.roundtrip();
    Grid<?> listeners = grid("listeners");
    assertThat(GridKt._size(listeners)).isEqualTo(2);
    int row = GridKt._getFormattedRow(listeners, 0).toString().contains("Gus") ? 0 : 1;

    _click(rowButton(listeners, row, "Kick"));
    ui.roundtrip();
    assertThat(ui.services.sessions().members(sessionId))
        .extracting(Member::id)
        .doesNotContain(gus.memberId());
    assertThat(GridKt._size(listeners)).isEqualTo(1);
  }

  @Test
  void the_playlist_reorders_and_removes() {
    add(alpha);
    add(beta);
    Grid<PlaylistItem> playlist = grid("playlist");
    _click(rowButton(playlist, 1, "↑"));
    assertThat(ui.services.playlist().get(sessionId).items())
        .extracting(i -> i.track().title())
        .containsExactly("Beta Song", "Alpha Song");

    _click(rowButton(playlist, 0, "Remove"));
    assertThat(ui.services.playlist().get(sessionId).items())
        .extracting(i -> i.track().title())
        .containsExactly("Alpha Song");
    assertThat(GridKt._size(playlist)).isEqualTo(1);
  }

  @Test
  void dropping_above_or_below_lands_where_the_row_was_dropped() {
    assertThat(HostConsole.dropPosition(0, 2, GridDropLocation.BELOW)).isEqualTo(2);
    assertThat(HostConsole.dropPosition(0, 2, GridDropLocation.ABOVE)).isEqualTo(1);
    assertThat(HostConsole.dropPosition(3, 1, GridDropLocation.ABOVE)).isEqualTo(1);
    assertThat(HostConsole.dropPosition(3, 1, GridDropLocation.BELOW)).isEqualTo(2);
  }

  @Test
  void a_url_to_a_private_address_is_refused_with_the_reason() {
    TextField url = _get(TextField.class, s -> s.withId("add-url"));
    _setValue(url, "http://127.0.0.1:9/song.mp3");
    _click(_get(Button.class, s -> s.withId("add-url-button")));
    assertThat(url.isInvalid()).isTrue();
    assertThat(url.getErrorMessage()).containsIgnoringCase("private");
    assertThat(ui.services.playlist().get(sessionId).items()).isEmpty();

    _setValue(url, "ftp://example.org/song.mp3");
    _click(_get(Button.class, s -> s.withId("add-url-button")));
    assertThat(url.getErrorMessage()).containsIgnoringCase("http");
  }

  @Test
  void ending_the_session_returns_to_the_start_form() {
    _click(_get(Button.class, s -> s.withId("end-session")));
    _click(_get(Button.class, s -> s.withId("end-confirm")));
    assertThat(ui.services.sessions().find(sessionId).ended()).isTrue();
    _assertNone(HostConsole.class);
    _assertOne(Button.class, s -> s.withId("start-session"));
  }
}
