package org.samesong.ui.host;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.samesong.ui.UiTestSupport.rowButton;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.dnd.GridDropLocation;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.DataChangeEvent;
import com.vaadin.flow.data.provider.DataChangeEvent.DataRefreshEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  void search_add_then_play_and_pause_with_the_button() {
    add(alpha);
    assertThat(GridKt._size(grid("playlist"))).isEqualTo(1);

    _click(_get(Button.class, s -> s.withId("play-pause")));
    assertThat(ui.services.playback().get(sessionId).playing()).isTrue();
    assertThat(_get(H2.class, s -> s.withId("now-title")).getText()).isEqualTo("Alpha Song");
    assertThat(_get(Button.class, s -> s.withId("play-pause")).getText()).isEqualTo("Pause");

    // the space bar is pressed in a real browser: FirstRunBrowserIT
    _click(_get(Button.class, s -> s.withId("play-pause")));
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
    assertThat(GridKt._getFormattedRow(grid("request-history"), 0)).contains("Approved");
  }

  @Test
  void after_a_decision_focus_goes_to_the_next_request_then_to_the_heading() {
    SamesongPrincipal gus = guest("Gus");
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, null));
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", alpha.id(), null, null, null, null));
    ui.roundtrip();
    RequestsPanel panel = _get(RequestsPanel.class);
    String second = ui.services.requests().pending(sessionId).get(1).requestId();

    _click(rowButton(grid("pending-requests"), 0, "Approve"));
    assertThat(panel.lastFocusTarget()).isEqualTo("approve-" + second);

    _click(rowButton(grid("pending-requests"), 0, "Deny"));
    _click(_get(Button.class, s -> s.withId("deny-confirm")));
    assertThat(panel.lastFocusTarget()).isEqualTo("requests-title");
    assertThat(
            _get(H3.class, s -> s.withId("requests-title")).getElement().getAttribute("tabindex"))
        .isEqualTo("-1");
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
        .contains("Denied (not tonight)");
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
        .contains("Denied (not tonight)");
    assertThat(ui.services.playlist().get(sessionId).items()).isEmpty();
  }

  @Test
  void kicking_a_guest_removes_them() {
    SamesongPrincipal gus = guest("Gus");
    Grid<?> listeners = grid("listeners");
    ui.awaitLive("Gus listed", () -> GridKt._size(listeners) == 2);
    int row = GridKt._getFormattedRow(listeners, 0).toString().contains("Gus") ? 0 : 1;

    _click(rowButton(listeners, row, "Kick"));
    // nothing happens while the host can still take it back
    assertThat(_get(Span.class, s -> s.withId("undo-message")).getText())
        .isEqualTo("Removing Gus…");
    assertThat(ui.services.sessions().members(sessionId))
        .extracting(Member::id)
        .contains(gus.memberId());
    _get(Notification.class).close(); // the notice's time ran out
    ui.roundtrip();
    assertThat(ui.services.sessions().members(sessionId))
        .extracting(Member::id)
        .doesNotContain(gus.memberId());
    assertThat(GridKt._size(listeners)).isEqualTo(1);
    assertThat(heading()).isEqualTo("Listeners · 0 connected of 1");
  }

  @Test
  void a_kick_taken_back_in_time_leaves_the_guest_in() {
    SamesongPrincipal gus = guest("Gus");
    Grid<?> listeners = grid("listeners");
    ui.awaitLive("Gus listed", () -> GridKt._size(listeners) == 2);
    int row = GridKt._getFormattedRow(listeners, 0).toString().contains("Gus") ? 0 : 1;

    _click(rowButton(listeners, row, "Kick"));
    _click(_get(Button.class, s -> s.withId("undo")));

    assertThat(ui.services.sessions().members(sessionId))
        .extracting(Member::id)
        .contains(gus.memberId());
  }

  @Test
  void a_removed_track_comes_back_in_its_place_with_undo() {
    add(alpha);
    add(beta);
    Grid<PlaylistItem> playlist = grid("playlist");

    _click(rowButton(playlist, 0, "Remove"));
    assertThat(ui.services.playlist().get(sessionId).items())
        .extracting(i -> i.track().id())
        .containsExactly(beta.id());
    assertThat(_get(Span.class, s -> s.withId("undo-message")).getText())
        .isEqualTo("Removed \u201cAlpha Song\u201d");

    _click(_get(Button.class, s -> s.withId("undo")));
    assertThat(ui.services.playlist().get(sessionId).items())
        .extracting(i -> i.track().id())
        .containsExactly(alpha.id(), beta.id());
  }

  @Test
  void requests_arriving_show_a_count_a_tab_title_and_one_notice() {
    assertThat(_get(Span.class, s -> s.withId("no-pending-requests")).isVisible()).isTrue();
    SamesongPrincipal gus = guest("Gus");
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, null));
    ui.roundtrip();

    assertThat(_get(Span.class, s -> s.withId("pending-count")).getText()).isEqualTo("1");
    assertThat(_get(RequestsPanel.class).lastNotice())
        .isEqualTo("Gus asks: Add \u201cBeta Song \u2014 Other Band\u201d");
    assertThat(UI.getCurrent().getInternals().getTitle()).isEqualTo("(1) Samesong · Host");
    assertThat(_find(Notification.class)).hasSize(1);

    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", alpha.id(), null, null, null, null));
    ui.roundtrip();
    assertThat(_get(Span.class, s -> s.withId("pending-count")).getText()).isEqualTo("2");
    assertThat(_find(Notification.class).stream().filter(Notification::isOpened).count())
        .as("one notice at a time")
        .isEqualTo(1);

    _click(rowButton(grid("pending-requests"), 0, "Approve"));
    _click(rowButton(grid("pending-requests"), 0, "Approve"));
    assertThat(UI.getCurrent().getInternals().getTitle()).isEqualTo("Samesong · Host");
    assertThat(_get(Span.class, s -> s.withId("no-pending-requests")).isVisible()).isTrue();
  }

  @Test
  void approving_a_track_that_is_queued_already_asks_first() {
    add(beta);
    SamesongPrincipal gus = guest("Gus");
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, null));
    ui.roundtrip();

    _click(rowButton(grid("pending-requests"), 0, "Approve"));
    assertThat(_get(Span.class, s -> s.withId("duplicate-warning")).getText())
        .isEqualTo("\u201cBeta Song\u201d is queued at position 1. Add it again?");
    assertThat(ui.services.playlist().get(sessionId).items()).hasSize(1);

    _click(_get(Button.class, s -> s.withId("approve-duplicate")));
    assertThat(ui.services.playlist().get(sessionId).items()).hasSize(2);
  }

  @Test
  void row_buttons_are_named_after_their_row() {
    add(alpha);
    SamesongPrincipal gus = guest("Gus");
    ui.services
        .requests()
        .create(gus, sessionId, new ProposedChange("add", beta.id(), null, null, null, null));
    ui.roundtrip();

    assertThat(rowButton(grid("playlist"), 0, "Remove").getElement().getAttribute("aria-label"))
        .isEqualTo("Remove Alpha Song");
    assertThat(
            rowButton(grid("pending-requests"), 0, "Approve")
                .getElement()
                .getAttribute("aria-label"))
        .isEqualTo("Approve Gus's request: Add \u201cBeta Song \u2014 Other Band\u201d");
  }

  @Test
  void the_invite_opens_full_screen_for_a_tv() {
    String code = _get(Span.class, s -> s.withId("invite-code")).getText();
    _click(_get(Button.class, s -> s.withId("invite-full-screen")));

    assertThat(_get(Span.class, s -> s.withId("invite-dialog-code")).getText()).isEqualTo(code);
    _click(_get(Button.class, s -> s.withId("invite-dialog-close")));
    _assertNone(Span.class, s -> s.withId("invite-dialog-code"));
  }

  @Test
  void banning_a_guest_keeps_its_address_out_of_the_session() {
    SamesongPrincipal gus = guest("Gus");
    Grid<?> listeners = grid("listeners");
    ui.awaitLive("Gus listed", () -> GridKt._size(listeners) == 2);
    int row = GridKt._getFormattedRow(listeners, 0).toString().contains("Gus") ? 0 : 1;

    _click(rowButton(listeners, row, "Ban"));
    assertThat(_get(Span.class, s -> s.withId("undo-message")).getText()).isEqualTo("Banning Gus…");
    _get(Notification.class).close(); // the notice's time ran out
    ui.roundtrip();

    assertThat(ui.services.sessions().members(sessionId))
        .extracting(Member::id)
        .doesNotContain(gus.memberId());
    String code = _get(Span.class, s -> s.withId("invite-code")).getText();
    assertThatThrownBy(() -> ui.services.sessions().join(code, "Gustav", "10.0.0.9", "x"))
        .isInstanceOfSatisfying(
            org.samesong.common.ApiException.class, e -> assertThat(e.code()).isEqualTo("banned"));
    assertThat(ui.services.sessions().join(code, "Zoe", "10.0.0.10", "x").memberId()).isNotNull();
  }

  private String heading() {
    return _get(H3.class, s -> s.withId("listeners-heading")).getText();
  }

  private static List<String> names(Grid<?> grid) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < GridKt._size(grid); i++) {
      names.add(GridKt._getFormattedRow(grid, i).get(0));
    }
    return names;
  }

  private static String member(String id, String name, boolean connected, Double driftMs) {
    return String.format(
        Locale.ROOT,
        "{\"member_id\":\"%s\",\"display_name\":\"%s\",\"role\":\"guest\",\"connected\":%s,"
            + "\"listener_state\":%s,\"drift_ms\":%s,\"output_latency_ms\":null}",
        id,
        name,
        connected,
        connected ? "\"playing\"" : "\"offline\"",
        driftMs == null ? "null" : driftMs.toString());
  }

  private void memberUpdate(List<String> members, List<String> left, Integer count) {
    StringBuilder json =
        new StringBuilder("{\"type\":\"member_update\",\"seq\":7,\"server_time\":1,\"members\":[")
            .append(String.join(",", members))
            .append("]");
    if (left != null) {
      json.append(",\"left\":[")
          .append(String.join(",", left.stream().map(id -> "\"" + id + "\"").toList()))
          .append("]");
    }
    if (count != null) {
      json.append(",\"member_count\":").append(count);
    }
    ui.broadcast(sessionId, json.append("}").toString());
  }

  @Test
  void a_member_update_changes_only_the_members_it_names_and_removes_those_who_left() {
    SamesongPrincipal gus = guest("Gus");
    SamesongPrincipal ida = guest("Ida");
    Grid<?> listeners = grid("listeners");
    // the joins' own member_update: coalesced, sent a moment later
    ui.awaitLive("both guests listed", () -> GridKt._size(listeners) == 3);
    assertThat(names(listeners)).containsExactly("alice (host)", "Gus", "Ida");
    assertThat(heading()).isEqualTo("Listeners · 0 connected of 3");

    // Gus connects and reports drift, Zoe joins (connected), Ida was kicked
    memberUpdate(
        List.of(member(gus.memberId(), "Gus", true, 12.5), member("zoe-id", "Zoe", true, null)),
        List.of(ida.memberId()),
        3);

    assertThat(names(listeners)).containsExactly("alice (host)", "Gus", "Zoe");
    assertThat(GridKt._getFormattedRow(listeners, 1).subList(0, 3))
        .containsExactly("Gus", "playing", "+12.5 ms");
    assertThat(heading()).isEqualTo("Listeners · 2 connected of 3");

    // Zoe goes away: offline, after the connected
    memberUpdate(List.of(member("zoe-id", "Zoe", false, null)), List.of(), 3);
    assertThat(names(listeners)).containsExactly("alice (host)", "Gus", "Zoe");
    assertThat(GridKt._getFormattedRow(listeners, 2).get(1)).isEqualTo("offline");
    assertThat(heading()).isEqualTo("Listeners · 1 connected of 3");
  }

  @Test
  void the_older_message_with_every_member_is_read_as_changes() {
    SamesongPrincipal gus = guest("Gus");
    ui.awaitLive("Gus listed", () -> GridKt._size(grid("listeners")) == 2);
    String hostId =
        ui.services.sessions().members(sessionId).stream()
            .filter(Member::isHost)
            .map(Member::id)
            .findFirst()
            .orElseThrow();

    memberUpdate(
        List.of(
            "{\"member_id\":\""
                + hostId
                + "\",\"display_name\":\"alice\",\"role\":\"host\","
                + "\"connected\":true,\"drift_ms\":null}",
            "{\"member_id\":\""
                + gus.memberId()
                + "\",\"display_name\":\"Gus\",\"role\":\"guest\","
                + "\"connected\":true,\"drift_ms\":-3.0}"),
        null,
        null);

    Grid<?> listeners = grid("listeners");
    assertThat(names(listeners)).containsExactly("alice (host)", "Gus");
    assertThat(GridKt._getFormattedRow(listeners, 1).subList(0, 3))
        .containsExactly("Gus", "connected", "-3.0 ms");
    assertThat(heading()).isEqualTo("Listeners · 2 connected of 2");
  }

  @Test
  void a_room_of_a_thousand_loads_once_and_each_update_refreshes_the_list_at_most_once() {
    List<String> guests = ui.addGuestsUnheard(sessionId, 999, "Guest");
    ui.forgetBrowserSessionKeepingCookies(); // the host opens the console on the full room
    ui.navigate("host");

    Grid<?> listeners = grid("listeners");
    assertThat(GridKt._size(listeners)).isEqualTo(1000);
    assertThat(heading()).isEqualTo("Listeners · 0 connected of 1,000");
    // a fixed height: the browser renders the rows in view, not a page 30,000 px tall
    assertThat(listeners.isAllRowsVisible()).isFalse();
    assertThat(listeners.getHeight()).isEqualTo("22rem");
    assertThat(_get(TextField.class, s -> s.withId("listener-filter")).isVisible()).isTrue();

    var provider = listeners.getDataProvider();
    List<DataChangeEvent<?>> refreshes = new ArrayList<>();
    provider.addDataProviderListener(refreshes::add);

    // 300 connect at once (one coalesced message)
    List<String> connecting = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      connecting.add(
          member(guests.get(i), String.format(Locale.ROOT, "Guest %04d", i + 1), true, null));
    }
    memberUpdate(connecting, List.of(), 1000);
    assertThat(refreshes).hasSize(1);
    assertThat(heading()).isEqualTo("Listeners · 300 connected of 1,000");
    assertThat(names(listeners).subList(0, 3))
        .containsExactly("alice (host)", "Guest 0001", "Guest 0002");
    assertThat(names(listeners).get(301)).isEqualTo("Guest 0301"); // the first one offline

    // drift reports: only those rows are refreshed, each once, and nothing else moves
    refreshes.clear();
    memberUpdate(
        List.of(
            member(guests.get(0), "Guest 0001", true, 4.25),
            member(guests.get(1), "Guest 0002", true, -80.0)),
        List.of(),
        1000);
    assertThat(refreshes)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e).isInstanceOf(DataRefreshEvent.class));
    assertThat(GridKt._getFormattedRow(listeners, 1).get(2)).isEqualTo("+4.3 ms");
    assertThat(GridKt._getFormattedRow(listeners, 2).get(2)).isEqualTo("-80.0 ms");

    // two are kicked: one refresh, and the same list (never rebuilt)
    refreshes.clear();
    memberUpdate(List.of(), List.of(guests.get(0), guests.get(998)), 998);
    assertThat(refreshes).hasSize(1);
    assertThat(listeners.getDataProvider()).isSameAs(provider);
    assertThat(GridKt._size(listeners)).isEqualTo(998);
    assertThat(heading()).isEqualTo("Listeners · 299 connected of 998");

    _setValue(_get(TextField.class, s -> s.withId("listener-filter")), "guest 0042");
    assertThat(names(listeners)).containsExactly("Guest 0042");
  }

  @Test
  void a_count_that_disagrees_with_the_list_loads_the_list_again() {
    guest("Gus");
    ui.awaitLive("Gus listed", () -> GridKt._size(grid("listeners")) == 2);
    // a message of a join this console never heard of (Ida joined on another instance)
    ui.addGuestsUnheard(sessionId, 1, "Ida");
    memberUpdate(List.of(), List.of(), 3);
    assertThat(names(grid("listeners"))).containsExactly("alice (host)", "Gus", "Ida 0001");
    assertThat(heading()).isEqualTo("Listeners · 0 connected of 3");
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
    assertThat(PlaylistPanel.dropPosition(0, 2, GridDropLocation.BELOW)).isEqualTo(2);
    assertThat(PlaylistPanel.dropPosition(0, 2, GridDropLocation.ABOVE)).isEqualTo(1);
    assertThat(PlaylistPanel.dropPosition(3, 1, GridDropLocation.ABOVE)).isEqualTo(1);
    assertThat(PlaylistPanel.dropPosition(3, 1, GridDropLocation.BELOW)).isEqualTo(2);
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
