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
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.session.api.CreatedSessionJson;
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

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    User admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    ui.services
        .catalog()
        .upsertLibraryTrack(
            Path.of("library", "a.wav"), "Alpha Song", "Band", "Album", 90_000, "audio/wav", 1, 1);
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
}
