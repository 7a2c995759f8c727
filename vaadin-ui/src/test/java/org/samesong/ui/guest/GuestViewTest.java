package org.samesong.ui.guest;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.ui.UiTestSupport.rowButton;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.virtuallist.VirtualList;
import jakarta.servlet.http.Cookie;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.catalog.Track;
import org.samesong.common.SamesongPrincipal;
import org.samesong.request.api.RequestJson;
import org.samesong.session.Member;
import org.samesong.session.api.CreatedSessionJson;
import org.samesong.ui.UiTestSupport;
import org.samesong.ui.login.LoginView;
import org.samesong.ui.player.SyncAudio;
import org.samesong.user.User;

class GuestViewTest {
  private UiTestSupport ui;
  private Track alpha;
  private Track beta;
  private CreatedSessionJson session;
  private SamesongPrincipal host;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    User admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    alpha = track("alpha.wav", "Alpha Song", 90_000);
    beta = track("beta.wav", "Beta Song", 120_000);
    session =
        ui.services
            .sessions()
            .create(new SamesongPrincipal(admin.id(), "admin", null, null, null), "Party", "x");
    host = new SamesongPrincipal(admin.id(), "host", session.id(), session.memberId(), null);
    ui.services.playlist().add(session.id(), alpha.id(), null, session.memberId());
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private Track track(String file, String title, long durationMs) {
    return ui.services
        .catalog()
        .upsertLibraryTrack(
            Path.of("library", file), title, "Band", "Album", durationMs, "audio/wav", 1, 1);
  }

  @SuppressWarnings("unchecked")
  private static <T> Grid<T> grid(String id) {
    return (Grid<T>) _get(Grid.class, s -> s.withId(id));
  }

  private void joinAs(String name) {
    ui.navigate("join/" + session.code().toLowerCase());
    _setValue(_get(TextField.class, s -> s.withId("display-name")), name);
    _click(_get(Button.class, s -> s.withId("join")));
  }

  private String myMemberId() {
    return ui.services.sessions().members(session.id()).stream()
        .filter(m -> !m.isHost())
        .map(Member::id)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void a_guest_sees_how_many_are_listening_and_it_follows_member_updates() {
    joinAs("Gus");
    Span listening = _get(Span.class, s -> s.withId("listening-count"));
    assertThat(listening.getText()).isEqualTo("2 listening");

    // a join's member_update, then one of a big room
    ui.services.sessions().join(session.code(), "Ida", "10.0.0.8", "x");
    ui.awaitLive("Ida counted", () -> listening.getText().equals("3 listening"));
    ui.broadcast(
        session.id(),
        "{\"type\":\"member_update\",\"seq\":9,\"server_time\":1,\"members\":[],"
            + "\"left\":[],\"member_count\":1000}");
    assertThat(listening.getText()).isEqualTo("1,000 listening");

    // the older shape: every member, every time
    ui.broadcast(
        session.id(),
        "{\"type\":\"member_update\",\"seq\":10,\"server_time\":1,\"members\":["
            + "{\"member_id\":\"a\"},{\"member_id\":\"b\"}]}");
    assertThat(listening.getText()).isEqualTo("2 listening");
  }

  @Test
  void a_name_of_forty_characters_is_kept_whole_and_a_longer_one_refused_in_words() {
    String forty = "Gus Maximilian Worthington-Fairweather X";
    assertThat(forty).hasSize(40);
    ui.navigate("join/" + session.code());
    TextField name = _get(TextField.class, s -> s.withId("display-name"));
    assertThat(name.getMaxLength()).isEqualTo(40);
    _setValue(name, forty + "Y");
    _click(_get(Button.class, s -> s.withId("join")));
    assertThat(name.isInvalid()).isTrue();
    assertThat(name.getErrorMessage()).startsWith("Must be 1-40").doesNotContain("display_name");
    _assertNone(GuestPlayer.class);

    _setValue(name, forty);
    _click(_get(Button.class, s -> s.withId("join")));
    assertThat(_get(Span.class, s -> s.withId("guest-identity")).getText()).endsWith(forty);
    _get(Details.class, s -> s.withId("who-is-listening")).setOpened(true);
    assertThat(_get(GuestPlayer.class).listenerNames()).contains(forty + " (you)");
  }

  @Test
  void mute_silences_this_browser_only_and_says_so_to_screen_readers() {
    joinAs("Gus");
    SyncAudio player = _get(SyncAudio.class);
    Button mute = _get(Button.class, s -> s.withId("mute"));
    assertThat(player.isMuted()).isFalse();
    assertThat(mute.getText()).isEqualTo("Mute");

    _click(mute);
    assertThat(player.isMuted()).isTrue();
    assertThat(player.getElement().getProperty("muted", false)).isTrue();
    assertThat(mute.getText()).isEqualTo("Unmute");
    assertThat(mute.getElement().getAttribute("aria-pressed")).isEqualTo("true");

    _click(mute);
    assertThat(player.isMuted()).isFalse();
    assertThat(mute.getElement().getAttribute("aria-pressed")).isEqualTo("false");
  }

  @Test
  void leave_ends_the_seat_forgets_it_and_returns_to_the_start_page() {
    joinAs("Gus");
    String me = myMemberId();
    _click(_get(Button.class, s -> s.withId("leave")));
    ConfirmDialog confirm = _get(ConfirmDialog.class, s -> s.withId("leave-confirm"));
    ConfirmDialogKt._fireConfirm(confirm);

    _assertNone(GuestPlayer.class);
    _assertOne(LoginView.class);
    assertThat(ui.services.sessions().members(session.id()))
        .extracting(Member::id)
        .doesNotContain(me);
    assertThat(ui.lastSetCookie("samesong_seat_" + session.code()).orElseThrow().getMaxAge())
        .isZero();
    NotificationsKt.expectNotifications("You left Party");

    // the link asks for a name again, and the same name is free
    joinAs("Gus");
    _assertOne(GuestPlayer.class);
  }

  @Test
  void staying_keeps_the_seat() {
    joinAs("Gus");
    _click(_get(Button.class, s -> s.withId("leave")));
    ConfirmDialogKt._fireCancel(_get(ConfirmDialog.class, s -> s.withId("leave-confirm")));
    _assertOne(GuestPlayer.class);
    assertThat(ui.services.sessions().members(session.id())).hasSize(2);
  }

  @Test
  void who_is_listening_lists_names_only_when_opened_and_follows_joins_and_leaves() {
    joinAs("Gus");
    GuestPlayer player = _get(GuestPlayer.class);
    Details who = _get(Details.class, s -> s.withId("who-is-listening"));
    assertThat(player.listenerNames()).as("closed: nothing loaded").isEmpty();

    who.setOpened(true);
    assertThat(player.listenerNames()).containsExactly("alice (host)", "Gus (you)");

    String ida = ui.services.sessions().join(session.code(), "Ida", "10.0.0.8", "x").memberId();
    ui.awaitLive("Ida listed", () -> player.listenerNames().contains("Ida"));
    ui.services.sessions().kick(session.id(), ida);
    ui.awaitLive("Ida gone", () -> !player.listenerNames().contains("Ida"));
    assertThat(_get(Span.class, s -> s.withId("listening-count")).getText())
        .isEqualTo("2 listening");

    who.setOpened(false);
    assertThat(player.listenerNames()).isEmpty();
  }

  @Test
  void a_room_of_a_thousand_is_a_virtual_list_loaded_once_when_opened() {
    joinAs("Gus");
    ui.addGuestsUnheard(session.id(), 999, "Guest");
    ui.navigate("join/" + session.code()); // a reload: the player counts the room afresh
    GuestPlayer player = _get(GuestPlayer.class);
    assertThat(_get(Span.class, s -> s.withId("listening-count")).getText())
        .isEqualTo("1,001 listening");
    _get(Details.class, s -> s.withId("who-is-listening")).setOpened(true);
    assertThat(player.listenerNames()).hasSize(1001).startsWith("alice (host)", "Gus (you)");
    VirtualList<?> names = _get(VirtualList.class, s -> s.withId("listener-names"));
    assertThat(names.getHeight()).isEqualTo("12rem");

    // one leaving changes one name, the rest stay as they are
    String first = ui.services.sessions().members(session.id()).get(2).id();
    ui.broadcast(
        session.id(),
        "{\"type\":\"member_update\",\"seq\":9,\"server_time\":1,\"members\":[],"
            + "\"left\":[\""
            + first
            + "\"],\"member_count\":1000}");
    assertThat(player.listenerNames()).hasSize(1000).doesNotContain("Guest 0001");
  }

  @Test
  void playlist_buttons_are_named_after_their_track_and_big_enough_to_tap() {
    joinAs("Gus");
    assertThat(
            rowButton(grid("playlist"), 0, "Suggest moving")
                .getElement()
                .getAttribute("aria-label"))
        .isEqualTo("Suggest moving Alpha Song");
    assertThat(_get(GuestPlayer.class).getStyle().get("--lumo-size-m")).isEqualTo("2.75rem");
    assertThat(_get(GuestPlayer.class).getStyle().get("--lumo-size-s")).isEqualTo("2.75rem");
  }

  @Test
  void joining_with_a_name_opens_the_player_and_a_reload_keeps_the_seat() {
    joinAs("Gus");
    _assertOne(GuestPlayer.class);
    assertThat(GridKt._size(grid("playlist"))).isEqualTo(1);
    assertThat(_get(H2.class, s -> s.withId("now-title")).getText())
        .isEqualTo("Nothing playing yet");

    ui.services.playback().command(session.id(), "play", null);
    ui.roundtrip();
    assertThat(_get(H2.class, s -> s.withId("now-title")).getText()).isEqualTo("Alpha Song");

    ui.navigate("join/" + session.code());
    _assertOne(GuestPlayer.class);
    assertThat(ui.services.sessions().members(session.id())).hasSize(2);
  }

  private String seatCookie() {
    return "samesong_seat_" + session.code();
  }

  @Test
  void when_the_server_forgot_the_browser_its_seat_cookie_puts_the_guest_back_in_the_player() {
    joinAs("Gus");
    Cookie cookie = ui.lastSetCookie(seatCookie()).orElseThrow();
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getPath()).isEqualTo("/");
    assertThat(cookie.getAttribute("SameSite")).isEqualTo("Lax");
    assertThat(cookie.getMaxAge()).isEqualTo(604_800);
    String memberId = myMemberId();

    ui.forgetBrowserSessionKeepingCookies();
    ui.navigate("join/" + session.code());

    _assertOne(GuestPlayer.class);
    assertThat(_get(Span.class, s -> s.withId("guest-identity")).getText()).endsWith("you are Gus");
    assertThat(ui.services.sessions().members(session.id())).hasSize(2);
    String token = _get(SyncAudio.class, s -> s.withId("player")).getToken();
    assertThat(ui.services.auth().authenticate(token).map(SamesongPrincipal::memberId))
        .contains(memberId);
  }

  @Test
  void a_removed_guest_is_not_seated_again_and_the_cookie_is_cleared() {
    joinAs("Gus");
    ui.services.sessions().kick(session.id(), myMemberId());

    ui.forgetBrowserSessionKeepingCookies();
    ui.navigate("join/" + session.code());

    _assertNone(GuestPlayer.class);
    _assertOne(TextField.class, s -> s.withId("display-name"));
    assertThat(ui.lastSetCookie(seatCookie()).map(Cookie::getMaxAge)).contains(0);
  }

  @Test
  void an_access_token_or_another_sessions_seat_in_the_cookie_seats_nobody() {
    joinAs("Gus");
    String seat = ui.lastSetCookie(seatCookie()).orElseThrow().getValue();
    String access = _get(SyncAudio.class, s -> s.withId("player")).getToken();
    CreatedSessionJson other =
        ui.services
            .sessions()
            .create(new SamesongPrincipal(host.subject(), "admin", null, null, null), "Other", "x");

    for (Cookie cookie :
        List.of(
            new Cookie(seatCookie(), access),
            new Cookie("samesong_seat_" + other.code(), seat),
            new Cookie(seatCookie(), seat + "x"))) {
      ui.forgetBrowserSessionKeepingCookies();
      ui.sendCookie(cookie);
      ui.navigate("join/" + cookie.getName().substring("samesong_seat_".length()));
      _assertNone(GuestPlayer.class);
      _assertOne(TextField.class, s -> s.withId("display-name"));
    }
    assertThat(ui.services.sessions().members(session.id())).hasSize(2);
    assertThat(ui.services.sessions().members(other.id())).hasSize(1);
  }

  @Test
  void the_name_rules_are_shown_and_a_refused_name_is_explained_in_words() {
    ui.navigate("join/" + session.code());
    TextField name = _get(TextField.class, s -> s.withId("display-name"));
    assertThat(name.getHelperText())
        .contains("1–40 characters")
        .contains("look alike")
        .contains("count as the same name");

    joinAs("Carol");
    GuestSeat.forget(session.code());
    joinAs("C\u0430rol"); // a Cyrillic a
    name = _get(TextField.class, s -> s.withId("display-name"));
    assertThat(name.getErrorMessage()).contains("looks the same").doesNotContain("display_name");

    joinAs("evil\u202egnp.exe");
    name = _get(TextField.class, s -> s.withId("display-name"));
    assertThat(name.getErrorMessage())
        .isEqualTo(
            "Must not contain invisible or text-direction characters (such as zero-width spaces"
                + " or right-to-left marks)");
    assertThat(ui.services.sessions().members(session.id()))
        .extracting(m -> m.displayName())
        .doesNotContain("C\u0430rol", "evil\u202egnp.exe");
  }

  @Test
  void a_taken_name_or_a_bad_code_is_explained_and_joins_nobody() {
    joinAs("Gus");
    GuestSeat.forget(session.code());
    joinAs("gus");
    TextField name = _get(TextField.class, s -> s.withId("display-name"));
    assertThat(name.isInvalid()).isTrue();
    assertThat(name.getErrorMessage())
        .startsWith("Someone in this session already has the name gus or one that looks the same");

    ui.navigate("join/ZZZZZZ");
    _assertNone(TextField.class, s -> s.withId("display-name"));
    assertThat(_get(TextField.class, s -> s.withId("join-code")).getErrorMessage())
        .isEqualTo("No session has the code ZZZZZZ. Check it with your host.");
    assertThat(ui.services.sessions().members(session.id())).hasSize(2);
  }

  @Test
  void join_without_a_code_asks_for_it_and_a_typed_code_opens_the_sessions_join_form() {
    ui.navigate("join");
    TextField code = _get(TextField.class, s -> s.withId("join-code"));
    assertThat(code.isInvalid()).isFalse();
    _assertNone(TextField.class, s -> s.withId("display-name"));

    _setValue(code, "");
    _click(_get(Button.class, s -> s.withId("join-with-code")));
    assertThat(code.getErrorMessage()).isEqualTo("Type the code your host gave you");

    _setValue(code, "0O1I!!");
    _click(_get(Button.class, s -> s.withId("join-with-code")));
    assertThat(code.getErrorMessage()).startsWith("That is not an invite code");

    // typed as a person would: lower case, with a space
    String typed = session.code().substring(0, 3).toLowerCase() + " " + session.code().substring(3);
    _setValue(code, typed);
    _click(_get(Button.class, s -> s.withId("join-with-code")));

    _assertOne(TextField.class, s -> s.withId("display-name"));
    assertThat(_get(H2.class).getText()).isEqualTo("Join \u201cParty\u201d");
    assertThat(_get(Paragraph.class, s -> s.withId("join-invite-code")).getText())
        .isEqualTo("Invite code " + session.code());
  }

  @Test
  void an_ended_or_full_session_says_so_as_the_page_opens() {
    ui.services
        .settings()
        .update(
            Map.of(
                "max_guests_per_session", com.fasterxml.jackson.databind.node.IntNode.valueOf(1)));
    joinAs("Gus");
    GuestSeat.forget(session.code());

    ui.navigate("join/" + session.code());
    _assertNone(TextField.class, s -> s.withId("display-name"));
    assertThat(_get(TextField.class, s -> s.withId("join-code")).getErrorMessage())
        .isEqualTo(
            "The session \u201cParty\u201d is full (1 guest). Ask the host to make room, then try"
                + " again.");

    ui.services.sessions().end(session.id());
    ui.navigate("join/" + session.code());
    assertThat(_get(TextField.class, s -> s.withId("join-code")).getErrorMessage())
        .isEqualTo(
            "The session \u201cParty\u201d has ended. Ask your host for the code of a new one.");
  }

  @Test
  void a_suggestion_goes_from_pending_to_approved_live() {
    joinAs("Gus");
    _setValue(_get(TextField.class, s -> s.withId("catalog-search")), "beta");
    _setValue(_get(TextField.class, s -> s.withId("suggest-note")), "for the road");
    _click(rowButton(grid("catalog-results"), 0, "Suggest"));

    Grid<RequestJson> mine = grid("my-requests");
    assertThat(GridKt._getFormattedRow(mine, 0))
        .contains("Add “Beta Song — Band” — “for the road”", "Pending");

    RequestJson request = ui.services.requests().pending(session.id()).get(0);
    ui.services.requests().approve(host, request.requestId());
    ui.roundtrip();
    assertThat(GridKt._getFormattedRow(mine, 0)).contains("Approved");
    assertThat(GridKt._size(grid("playlist"))).isEqualTo(2);
    assertThat(_get(GuestPlayer.class).lastDecisionNotice())
        .isEqualTo("The host approved: Add “Beta Song — Band” — “for the road”");
  }

  @Test
  void the_player_shows_the_cover_progress_and_what_comes_next() {
    ui.services.playlist().add(session.id(), beta.id(), null, session.memberId());
    ui.services.playback().command(session.id(), "play", null);
    joinAs("Gus");

    assertThat(_get(Image.class, s -> s.withId("artwork")).getAlt())
        .contains("Cover of Alpha Song");
    assertThat(_get(Image.class, s -> s.withId("artwork")).getSrc())
        .startsWith("data:image/svg+xml;base64,");
    assertThat(_get(ProgressBar.class, s -> s.withId("progress")).getMax()).isEqualTo(90_000);
    assertThat(_get(Span.class, s -> s.withId("up-next")).getText())
        .isEqualTo("Up next: Beta Song — Band");
  }

  @Test
  void a_cover_embedded_in_the_file_is_shown_instead_of_the_generated_one(
      @org.junit.jupiter.api.io.TempDir Path music) {
    Path file =
        org.samesong.media.AudioFixtures.mp3(
                music.resolve("covered.mp3"),
                500,
                new org.samesong.media.AudioFixtures.Tags("Covered", "Band", null))
            .path();
    org.samesong.media.AudioFixtures.embedCover(
        file, org.samesong.media.AudioFixtures.png(0x336699), "image/png");
    Track covered =
        ui.services
            .catalog()
            .upsertLibraryTrack(
                file.toAbsolutePath(), "Covered", "Band", null, 500, "audio/mpeg", 1, 1);
    ui.services.playlist().add(session.id(), covered.id(), 0, session.memberId());
    ui.services.playback().command(session.id(), "play", null);
    joinAs("Gus");

    org.samesong.ui.shell.Artwork artwork =
        _get(org.samesong.ui.shell.Artwork.class, s -> s.withId("artwork"));
    assertThat(artwork.isEmbedded()).isTrue();
    assertThat(artwork.getSrc()).doesNotStartWith("data:").contains("cover-" + covered.id());
    assertThat(artwork.getAlt()).contains("Cover of Covered");

    // the next track has no picture in its file: a generated cover
    ui.services.playback().command(session.id(), "skip_next", null);
    ui.roundtrip();
    assertThat(artwork.isEmbedded()).isFalse();
    assertThat(artwork.getSrc()).startsWith("data:image/svg+xml;base64,");
  }

  @Test
  void a_denied_suggestion_is_told_once_with_the_reason() {
    joinAs("Gus");
    _setValue(_get(TextField.class, s -> s.withId("catalog-search")), "beta");
    _click(rowButton(grid("catalog-results"), 0, "Suggest"));
    RequestJson request = ui.services.requests().pending(session.id()).get(0);

    ui.services.requests().deny(host, request.requestId(), "later tonight");
    ui.roundtrip();

    assertThat(_get(GuestPlayer.class).lastDecisionNotice())
        .isEqualTo("The host said no to: Add “Beta Song — Band” (later tonight)");
  }

  @Test
  void a_resync_after_the_event_bus_lost_messages_shows_a_decision_never_heard_of() {
    joinAs("Gus");
    _setValue(_get(TextField.class, s -> s.withId("catalog-search")), "beta");
    _click(rowButton(grid("catalog-results"), 0, "Suggest"));
    Grid<RequestJson> mine = grid("my-requests");
    RequestJson request = ui.services.requests().pending(session.id()).get(0);

    ui.decideUnheard(request.requestId(), "denied", "not tonight");
    ui.roundtrip();
    assertThat(GridKt._getFormattedRow(mine, 0)).contains("Pending");

    ui.services.broadcaster().resyncFollowedSessions();
    ui.roundtrip();
    assertThat(GridKt._getFormattedRow(mine, 0)).contains("Denied: not tonight");
  }

  @Test
  void a_denial_shows_its_reason() {
    joinAs("Gus");
    _click(rowButton(grid("playlist"), 0, "Suggest removing"));
    _setValue(_get(TextField.class, s -> s.withId("request-note")), "heard it twice");
    _click(_get(Button.class, s -> s.withId("remove-send")));

    RequestJson request = ui.services.requests().pending(session.id()).get(0);
    assertThat(request.action()).isEqualTo("remove");
    ui.services.requests().deny(host, request.requestId(), "I love it");
    ui.roundtrip();
    assertThat(GridKt._getFormattedRow(grid("my-requests"), 0)).contains("Denied: I love it");
  }

  @Test
  void a_move_suggestion_names_the_new_position() {
    ui.services.playlist().add(session.id(), beta.id(), null, session.memberId());
    joinAs("Gus");
    _click(rowButton(grid("playlist"), 1, "Suggest moving"));
    _setValue(_get(IntegerField.class, s -> s.withId("move-position")), 1);
    _click(_get(Button.class, s -> s.withId("move-send")));

    RequestJson request = ui.services.requests().pending(session.id()).get(0);
    assertThat(request.action()).isEqualTo("move");
    assertThat(request.payload()).containsEntry("position", 0);
    assertThat(GridKt._getFormattedRow(grid("my-requests"), 0))
        .contains("Move “Beta Song — Band” to #1", "Pending");
  }

  @Test
  void a_kicked_guest_is_told_and_loses_the_seat() {
    joinAs("Gus");
    ui.services.sessions().kick(session.id(), myMemberId());
    ui.roundtrip();
    _assertNone(GuestPlayer.class);
    assertThat(_get(Paragraph.class, s -> s.withId("left-message")).getText())
        .contains("removed you");

    ui.navigate("join/" + session.code());
    _assertOne(TextField.class, s -> s.withId("display-name"));
  }

  @Test
  void an_ended_session_says_so() {
    joinAs("Gus");
    ui.services.sessions().end(session.id());
    ui.roundtrip();
    assertThat(_get(Paragraph.class, s -> s.withId("left-message")).getText())
        .contains("ended this session");
  }
}
