package org.samesong.ui.guest;

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
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.TextField;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.SamesongPrincipal;
import org.samesong.playlist.ProposedChange;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.session.api.CreatedSessionJson;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;
import org.samesong.session.api.MemberPatch;
import org.samesong.session.api.SessionPatch;
import org.samesong.ui.UiTestSupport;
import org.samesong.ui.host.HostConsole;
import org.samesong.ui.player.SyncAudio;
import org.samesong.user.User;

/**
 * Hosting together as a guest's browser sees it: the "this invite has changed" page, knocking and
 * waiting to be let in, and the console a guest gets by push when made co-host or handed the
 * session.
 */
class GuestHostingTest {
  private UiTestSupport ui;
  private CreatedSessionJson session;
  private SamesongPrincipal host;
  private String alpha;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    User admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    alpha =
        ui.services
            .catalog()
            .upsertLibraryTrack(
                Path.of("library", "a.wav"),
                "Alpha Song",
                "Band",
                "Album",
                90_000,
                "audio/wav",
                1,
                1)
            .id();
    session =
        ui.services
            .sessions()
            .create(new SamesongPrincipal(admin.id(), "admin", null, null, null), "Party", "x");
    host = new SamesongPrincipal(admin.id(), "host", session.id(), session.memberId(), null);
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private void joinAs(String name) {
    ui.navigate("join/" + session.code().toLowerCase());
    _setValue(_get(TextField.class, s -> s.withId("display-name")), name);
    _click(_get(Button.class, s -> s.withId("join")));
  }

  private String memberNamed(String name) {
    return ui.services.sessions().members(session.id()).stream()
        .filter(m -> m.displayName().equals(name))
        .map(Member::id)
        .findFirst()
        .orElseThrow();
  }

  private static int rowOf(Grid<?> grid, String name) {
    for (int i = 0; i < GridKt._size(grid); i++) {
      if (GridKt._getFormattedRow(grid, i).toString().contains(name)) {
        return i;
      }
    }
    throw new AssertionError(name + " not listed");
  }

  private String pendingKnock() {
    return ui.services.knocks().pending(session.id()).stream()
        .map(KnockJson::knockId)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void an_old_link_after_a_rotation_says_the_invite_has_changed() {
    ui.services.hosting().rotateInvite(session.id(), "http://x");

    ui.navigate("join/" + session.code());

    assertThat(_get(H2.class).getText()).isEqualTo("This invite has changed");
    assertThat(_get(Paragraph.class, s -> s.withId("invite-changed")).getText())
        .contains("Party")
        .contains("changed its invite code");
    _assertNone(TextField.class, s -> s.withId("display-name"));
  }

  @Test
  void a_knock_waits_to_be_let_in_and_lands_in_the_player_by_push_when_admitted() {
    ui.services.hosting().update(session.id(), new SessionPatch(null, Session.KNOCK));

    joinAs("Gus");

    _assertOne(KnockWait.class);
    _assertNone(GuestPlayer.class);
    assertThat(_get(H2.class).getText()).startsWith("Waiting to be let in");
    assertThat(ui.services.sessions().members(session.id())).hasSize(1);

    ui.services.knocks().admit(host, pendingKnock());

    ui.awaitLive("the player", () -> !_find(GuestPlayer.class).isEmpty());
    _assertNone(KnockWait.class);
    assertThat(_get(SyncAudio.class).getElement().getProperty("sessionId")).isEqualTo(session.id());
    assertThat(_get(Span.class, s -> s.withId("guest-identity")).getText()).contains("Gus");
    // the seat is kept: a reload goes straight back to the player
    ui.navigate("join/" + session.code());
    _assertOne(GuestPlayer.class);
    assertThat(ui.services.sessions().members(session.id())).hasSize(2);
  }

  @Test
  void a_refused_knock_says_so_plainly() {
    ui.services.hosting().update(session.id(), new SessionPatch(null, Session.KNOCK));
    joinAs("Gus");

    ui.services.knocks().refuse(host, pendingKnock());

    ui.awaitLive(
        "the refusal", () -> !_find(Paragraph.class, s -> s.withId("knock-refused")).isEmpty());
    assertThat(_get(Paragraph.class, s -> s.withId("knock-refused")).getText())
        .contains("did not let you in");
    _assertNone(GuestPlayer.class);
  }

  @Test
  void a_closed_session_refuses_the_name_with_a_reason() {
    ui.services.hosting().update(session.id(), new SessionPatch(null, Session.CLOSED));
    joinAs("Gus");
    TextField name = _get(TextField.class, s -> s.withId("display-name"));
    assertThat(name.isInvalid()).isTrue();
    assertThat(name.getErrorMessage()).containsIgnoringCase("new guests");
  }

  @Test
  void a_guest_made_cohost_gets_the_console_by_push_and_the_session_when_handed_over() {
    ui.services.sessions().join(session.code(), "Ida", "10.0.0.8", "x");
    ui.services.sessions().join(session.code(), "Olga", "10.0.0.7", "x");
    joinAs("Gus");
    _assertNone(HostConsole.class);
    String gus = memberNamed("Gus");
    ui.services
        .hosting()
        .updateMember(host, session.id(), memberNamed("Olga"), new MemberPatch("cohost", null));

    ui.services.hosting().updateMember(host, session.id(), gus, new MemberPatch("cohost", null));

    ui.awaitLive("the co-host's console", () -> !_find(HostConsole.class).isEmpty());
    assertThat(_get(Span.class, s -> s.withId("console-role")).getText()).contains("co-host");
    // one player only: the console below the guest's player plays nothing itself
    assertThat(_find(SyncAudio.class)).hasSize(1);
    // a co-host gives guests single rights, but leaves co-hosts (and making them) to the host
    Grid<?> listeners = _get(Grid.class, s -> s.withId("listeners"));
    ui.awaitLive("four listed", () -> GridKt._size(listeners) == 4);
    assertThatThrownBy(() -> rowButton(listeners, rowOf(listeners, "Olga"), "Rights"))
        .isInstanceOf(AssertionError.class);
    _click(rowButton(listeners, rowOf(listeners, "Ida"), "Rights"));
    assertThat(_get(Checkbox.class, s -> s.withId("rights-cohost")).isEnabled()).isFalse();
    _setValue(_get(Checkbox.class, s -> s.withId("right-decide_requests")), true);
    _click(_get(Button.class, s -> s.withId("rights-save")));
    assertThat(
            ui.services.sessions().members(session.id()).stream()
                .filter(m -> m.displayName().equals("Ida"))
                .findFirst()
                .orElseThrow()
                .rights()
                .can("decide_requests"))
        .isTrue();

    ui.services.hosting().handOff(host, session.id(), gus);

    ui.awaitLive(
        "the host's console",
        () ->
            _find(Span.class, s -> s.withId("console-role")).stream()
                .anyMatch(r -> r.getText().equals("You host this session.")));
    _assertOne(Button.class, s -> s.withId("end-session"));
  }

  /** The console below the player (the player has ids of the same names above it). */
  private HostConsole console() {
    return _get(HostConsole.class);
  }

  private void give(String memberId, String... rights) {
    java.util.Map<String, Boolean> permissions = new java.util.HashMap<>();
    for (String p : org.samesong.common.Rights.PERMISSIONS) {
      permissions.put(p, java.util.List.of(rights).contains(p));
    }
    ui.services
        .hosting()
        .updateMember(host, session.id(), memberId, new MemberPatch(null, permissions));
  }

  @Test
  void a_guest_given_single_rights_gets_their_controls_by_push_and_loses_them_the_same_way() {
    JoinedJson ida = ui.services.sessions().join(session.code(), "Ida", "10.0.0.8", "x");
    SamesongPrincipal idaAsGuest =
        new SamesongPrincipal(
            ida.memberId(), SamesongPrincipal.GUEST, session.id(), ida.memberId(), null);
    String beta =
        ui.services
            .catalog()
            .upsertLibraryTrack(
                Path.of("library", "b.wav"),
                "Beta Song",
                "Band",
                "Album",
                60_000,
                "audio/wav",
                1,
                1)
            .id();
    joinAs("Gus");
    String gus = memberNamed("Gus");
    _assertNone(HostConsole.class);

    // control playback: the transport buttons, and they act on the room
    give(gus, "control_playback");
    ui.awaitLive("the playback controls", () -> !_find(HostConsole.class).isEmpty());
    assertThat(_get(Span.class, s -> s.withId("console-role")).getText())
        .isEqualTo("The host lets you control playback.");
    _assertOne(console(), Button.class, s -> s.withId("play-pause"));
    _assertNone(Grid.class, s -> s.withId("pending-requests"));
    _assertNone(console(), Grid.class, s -> s.withId("playlist"));
    _assertNone(Grid.class, s -> s.withId("listeners"));
    _assertNone(Button.class, s -> s.withId("end-session"));
    assertThat(_find(SyncAudio.class)).hasSize(1);
    ui.services.playlist().add(session.id(), alpha, null, session.memberId());
    _click(_get(Button.class, s -> s.withId("play-pause")));
    assertThat(ui.services.playback().get(session.id()).playing()).isTrue();

    // decide requests (and no longer control playback): the queue, and approving adds the track
    give(gus, "decide_requests");
    ui.awaitLive(
        "the request queue", () -> !_find(Grid.class, s -> s.withId("pending-requests")).isEmpty());
    _assertNone(Button.class, s -> s.withId("play-pause"));
    ui.services
        .requests()
        .create(idaAsGuest, session.id(), new ProposedChange("add", beta, null, null, null, null));
    Grid<?> pending = _get(Grid.class, s -> s.withId("pending-requests"));
    ui.awaitLive("Ida's request", () -> GridKt._size(pending) == 1);
    _click(rowButton(pending, 0, "Approve"));
    assertThat(ui.services.playlist().get(session.id()).items()).hasSize(2);

    // edit the playlist: rows that move and go, and the add-by-URL field
    give(gus, "edit_playlist");
    ui.awaitLive(
        "the playlist editor",
        () -> !_find(console(), Grid.class, s -> s.withId("playlist")).isEmpty());
    assertThat(_get(Span.class, s -> s.withId("console-role")).getText())
        .isEqualTo("The host lets you edit the playlist.");
    _assertOne(TextField.class, s -> s.withId("add-url"));
    Grid<?> playlist = _get(console(), Grid.class, s -> s.withId("playlist"));
    _click(rowButton(playlist, 1, "✕"));
    assertThat(ui.services.playlist().get(session.id()).items()).hasSize(1);

    // all three at once, then none: the console goes away
    give(gus, "control_playback", "decide_requests", "edit_playlist");
    ui.awaitLive(
        "all three",
        () ->
            _find(Span.class, s -> s.withId("console-role")).stream()
                .anyMatch(
                    r ->
                        r.getText()
                            .equals(
                                "The host lets you control playback, decide requests and edit"
                                    + " the playlist.")));
    give(gus);
    ui.awaitLive("no controls", () -> _find(HostConsole.class).isEmpty());
  }
}
