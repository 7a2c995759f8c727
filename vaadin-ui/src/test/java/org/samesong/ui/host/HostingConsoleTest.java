package org.samesong.ui.host;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.ui.UiTestSupport.rowButton;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.session.SessionService;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;
import org.samesong.session.api.MemberPatch;
import org.samesong.ui.UiTestSupport;
import org.samesong.user.User;

/**
 * Hosting together in the host console: rights per listener, co-hosts, handing over (the console
 * follows), rotating the invite, the join mode and the knocks waiting.
 */
class HostingConsoleTest {
  private UiTestSupport ui;
  private User admin;
  private String sessionId;
  private String hostMemberId;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    ui.signIn(admin);
    ui.navigate("host");
    _setValue(_get(TextField.class, s -> s.withId("session-name")), "Friday");
    _click(_get(Button.class, s -> s.withId("start-session")));
    sessionId = _get(HostConsole.class).session().id();
    hostMemberId =
        ui.services.sessions().members(sessionId).stream()
            .filter(Member::isHost)
            .findFirst()
            .orElseThrow()
            .id();
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private String code() {
    return _get(Span.class, s -> s.withId("invite-code")).getText();
  }

  private String join(String name) {
    JoinedJson joined = ui.services.sessions().join(code(), name, "10.0.0.9", "x");
    return joined.memberId();
  }

  private Member member(String id) {
    return ui.services.sessions().members(sessionId).stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Grid<Listener> listeners() {
    return (Grid<Listener>) _get(Grid.class, s -> s.withId("listeners"));
  }

  private void openRights(String name) {
    Grid<Listener> grid = listeners();
    ui.awaitLive(name + " listed", () -> rowOf(grid, name) >= 0);
    _click(rowButton(grid, rowOf(grid, name), "Rights"));
  }

  private static int rowOf(Grid<Listener> grid, String name) {
    for (int i = 0; i < GridKt._size(grid); i++) {
      if (GridKt._get(grid, i).displayName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void the_host_gives_a_guest_single_rights_and_makes_another_a_cohost() {
    String gus = join("Gus");
    String ida = join("Ida");

    openRights("Gus");
    _setValue(_get(Checkbox.class, s -> s.withId("right-control_playback")), true);
    _setValue(_get(Checkbox.class, s -> s.withId("right-auto_approve")), true);
    _click(_get(Button.class, s -> s.withId("rights-save")));
    assertThat(member(gus).rights().permissions())
        .containsExactlyInAnyOrder(Rights.CONTROL_PLAYBACK, Rights.AUTO_APPROVE);
    assertThat(member(gus).isCohost()).isFalse();

    openRights("Ida");
    _setValue(_get(Checkbox.class, s -> s.withId("rights-cohost")), true);
    // a co-host has every right: the single ones show it and cannot be changed
    assertThat(_get(Checkbox.class, s -> s.withId("right-decide_requests")).getValue()).isTrue();
    assertThat(_get(Checkbox.class, s -> s.withId("right-decide_requests")).isEnabled()).isFalse();
    _click(_get(Button.class, s -> s.withId("rights-save")));
    assertThat(member(ida).isCohost()).isTrue();
    ui.awaitLive(
        "Ida shown as co-host",
        () -> GridKt._get(listeners(), rowOf(listeners(), "Ida")).role().equals("cohost"));

    // and back to a guest, the single rights taken too
    openRights("Ida");
    _setValue(_get(Checkbox.class, s -> s.withId("rights-cohost")), false);
    _click(_get(Button.class, s -> s.withId("rights-save")));
    assertThat(member(ida).role()).isEqualTo(Member.GUEST);
    assertThat(member(ida).rights().permissions()).isEmpty();
  }

  @Test
  void handing_over_turns_the_console_into_a_cohost_console() {
    String ida = join("Ida");
    ui.services
        .hosting()
        .updateMember(
            new SamesongPrincipal(admin.id(), "host", sessionId, hostMemberId, null),
            sessionId,
            ida,
            new MemberPatch(Member.COHOST, null));

    openRights("Ida");
    _click(_get(Button.class, s -> s.withId("hand-over")));

    assertThat(member(ida).isHost()).isTrue();
    assertThat(member(hostMemberId).isCohost()).isTrue();
    ui.awaitLive(
        "the console of a co-host",
        () ->
            _find(Span.class, s -> s.withId("console-role")).stream()
                .anyMatch(r -> r.getText().contains("co-host")));
    // what is the host's alone is gone: ending the session, making co-hosts, the join mode
    _assertNone(EndSessionButton.class);
    assertThat(_get(RadioButtonGroup.class, s -> s.withId("join-mode")).isReadOnly()).isTrue();
    // a co-host may still run the music and the invites
    _assertOne(Button.class, s -> s.withId("play-pause"));
    _assertOne(Button.class, s -> s.withId("rotate-invite"));

    // the new host makes the old one a guest: the page says whose the console is now
    ui.services
        .hosting()
        .updateMember(
            new SamesongPrincipal(ida, "host", sessionId, ida, null),
            sessionId,
            hostMemberId,
            new MemberPatch(Member.GUEST, null));
    ui.awaitLive(
        "no console for a guest",
        () -> !_find(Paragraph.class, s -> s.withId("not-in-charge")).isEmpty());
    _assertNone(HostConsole.class);
  }

  @Test
  void rotating_the_invite_shows_the_new_code_and_the_old_one_says_it_changed() {
    String gus = join("Gus");
    String old = code();

    _click(_get(Button.class, s -> s.withId("rotate-invite")));

    String fresh = code();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(ui.services.sessions().checkInvite(old, "10.0.0.1").state())
        .isEqualTo(SessionService.InviteState.CHANGED);
    assertThat(ui.services.sessions().checkInvite(fresh, "10.0.0.1").state())
        .isEqualTo(SessionService.InviteState.OPEN);
    // members stay
    assertThat(ui.services.sessions().members(sessionId)).extracting(Member::id).contains(gus);
  }

  @Test
  void in_knock_mode_the_knocks_wait_in_the_console_to_be_admitted_or_refused() {
    @SuppressWarnings("unchecked")
    RadioButtonGroup<String> mode = _get(RadioButtonGroup.class, s -> s.withId("join-mode"));
    assertThat(mode.getValue()).isEqualTo(Session.OPEN);
    _setValue(mode, Session.KNOCK);
    Session session = ui.services.sessions().find(sessionId);
    assertThat(session.joinMode()).isEqualTo(Session.KNOCK);
    _assertOne(Span.class, s -> s.withId("no-knocks"));

    KnockJson zoe = ui.services.knocks().knock(session, "Zoe", "10.0.0.5", null);
    KnockJson max = ui.services.knocks().knock(session, "Max", "10.0.0.6", null);
    ui.awaitLive(
        "two knocks shown",
        () -> _find(Button.class, s -> s.withId("refuse-" + max.knockId())).size() == 1);

    _click(_get(Button.class, s -> s.withId("admit-" + zoe.knockId())));
    _click(_get(Button.class, s -> s.withId("refuse-" + max.knockId())));

    assertThat(ui.services.sessions().members(sessionId))
        .extracting(Member::displayName)
        .contains("Zoe")
        .doesNotContain("Max");
    assertThat(((KnockJson) ui.services.knocks().status(max.knockId(), max.knockToken())).status())
        .isEqualTo("refused");
    _assertOne(Span.class, s -> s.withId("no-knocks"));

    _setValue(mode, Session.CLOSED);
    assertThat(ui.services.sessions().find(sessionId).joinMode()).isEqualTo(Session.CLOSED);
  }
}
