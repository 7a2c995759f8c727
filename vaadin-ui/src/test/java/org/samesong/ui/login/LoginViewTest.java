package org.samesong.ui.login;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.LoginFormKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.textfield.TextField;
import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.ui.UiTestSupport;
import org.samesong.ui.guest.GuestView;
import org.samesong.ui.host.HostView;
import org.samesong.ui.shell.CurrentUser;
import org.samesong.user.User;
import org.samesong.user.api.UserPatch;

class LoginViewTest {
  private UiTestSupport ui;
  private User admin;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private LoginView loginAs(String username, String password) {
    ui.navigate("");
    LoginView view = _get(LoginView.class);
    LoginFormKt._login(_get(LoginForm.class), username, password);
    return view;
  }

  @Test
  void root_shows_the_login_once_an_account_exists() {
    ui.navigate("");
    _assertOne(LoginView.class);
  }

  @Test
  void a_guest_types_the_code_on_the_start_page_and_gets_the_join_form() {
    var session =
        ui.services
            .sessions()
            .create(
                new org.samesong.common.SamesongPrincipal(admin.id(), "admin", null, null, null),
                "Roof party",
                "x");
    ui.navigate("");

    _setValue(_get(TextField.class, s -> s.withId("join-code")), session.code().toLowerCase());
    _click(_get(Button.class, s -> s.withId("join-with-code")));

    _assertOne(GuestView.class);
    _assertOne(TextField.class, s -> s.withId("display-name"));
    assertThat(_get(H2.class).getText()).isEqualTo("Join \u201cRoof party\u201d");
  }

  @Test
  void an_unknown_code_on_the_start_page_is_explained_on_the_code_field() {
    ui.navigate("");
    _setValue(_get(TextField.class, s -> s.withId("join-code")), "ZZZZZZ");
    _click(_get(Button.class, s -> s.withId("join-with-code")));

    assertThat(_get(TextField.class, s -> s.withId("join-code")).getErrorMessage())
        .isEqualTo("No session has the code ZZZZZZ. Check it with your host.");
  }

  @Test
  void right_credentials_open_the_host_console() {
    loginAs("ALICE", "correct horse battery");
    _assertOne(HostView.class);
    assertThat(_get(Span.class, s -> s.withId("host-user")).getText())
        .isEqualTo("Signed in as alice (admin)");
  }

  @Test
  void wrong_password_shows_the_error_and_stays() {
    LoginView view = loginAs("alice", "wrong password!");
    _assertOne(LoginView.class);
    assertThat(_get(LoginForm.class).isError()).isTrue();
    assertThat(view.errorTitle()).isEqualTo("Wrong username or password");
  }

  @Test
  void disabled_account_is_told_so() {
    User bob = ui.services.users().create("bob", "bob's long password Tq8vZw", User.USER);
    ui.services.users().update(bob.id(), new UserPatch(true, null, null), admin.id());
    LoginView view = loginAs("bob", "bob's long password Tq8vZw");
    assertThat(view.errorTitle()).isEqualTo("Account disabled");
  }

  @Test
  void too_many_attempts_are_refused_until_time_passes() {
    for (int i = 0; i < 10; i++) {
      loginAs("alice", "wrong password!");
    }
    LoginView view = loginAs("alice", "correct horse battery");
    assertThat(view.errorTitle()).isEqualTo("Too many attempts");
    _assertOne(LoginView.class);

    ui.clock.advance(Duration.ofMinutes(1));
    loginAs("alice", "correct horse battery");
    _assertOne(HostView.class);
  }

  @Test
  void host_console_needs_a_login_and_logout_ends_it() {
    ui.navigate("host");
    _assertOne(LoginView.class);

    loginAs("alice", "correct horse battery");
    _click(_get(Button.class, s -> s.withId("logout")));
    _assertOne(LoginView.class);
    ui.navigate("host");
    _assertOne(LoginView.class);
  }

  @Test
  void a_browser_that_lost_its_web_session_stays_signed_in_through_its_cookie() {
    loginAs("alice", "correct horse battery");
    Cookie cookie = ui.lastSetCookie(CurrentUser.COOKIE).orElseThrow();
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getPath()).isEqualTo("/");
    assertThat(cookie.getAttribute("SameSite")).isEqualTo("Lax");
    assertThat(cookie.getMaxAge()).isEqualTo(604_800);

    // as after a restart: the server knows nothing of this browser but its cookies
    ui.forgetBrowserSessionKeepingCookies();
    ui.navigate("host");

    _assertOne(HostView.class);
    assertThat(_get(Span.class, s -> s.withId("host-user")).getText())
        .isEqualTo("Signed in as alice (admin)");
  }

  @Test
  void a_sign_in_in_use_is_renewed_daily_so_it_outlives_its_first_week() {
    loginAs("alice", "correct horse battery");
    String first = ui.lastSetCookie(CurrentUser.COOKIE).orElseThrow().getValue();

    ui.clock.advance(Duration.ofDays(2));
    ui.navigate("host");
    Cookie renewed = ui.lastSetCookie(CurrentUser.COOKIE).orElseThrow();
    assertThat(renewed.getValue()).isNotEqualTo(first);
    assertThat(renewed.getMaxAge()).isEqualTo(604_800);

    // eight days after signing in, the first cookie is too old; the renewed one is not
    ui.clock.advance(Duration.ofDays(6));
    ui.forgetBrowserSessionKeepingCookies();
    ui.sendCookie(new Cookie(CurrentUser.COOKIE, first));
    ui.navigate("host");
    _assertOne(LoginView.class);

    ui.forgetBrowserSessionKeepingCookies();
    ui.sendCookie(renewed);
    ui.navigate("host");
    _assertOne(HostView.class);
  }

  @Test
  void logout_ends_the_remembered_sign_in_everywhere() {
    loginAs("alice", "correct horse battery");
    Cookie remembered = ui.lastSetCookie(CurrentUser.COOKIE).orElseThrow();

    _click(_get(Button.class, s -> s.withId("logout")));

    assertThat(ui.lastSetCookie(CurrentUser.COOKIE).map(Cookie::getMaxAge)).contains(0);
    // a copy of the cookie kept elsewhere signs nobody in any more
    ui.forgetBrowserSessionKeepingCookies();
    ui.sendCookie(remembered);
    ui.navigate("host");
    _assertOne(LoginView.class);
  }

  @Test
  void a_disabled_account_or_a_reset_password_ends_a_signed_in_browser_at_its_next_page() {
    User bob = ui.services.users().create("bob", "bob's long password Tq8vZw", User.USER);
    loginAs("bob", "bob's long password Tq8vZw");
    _assertOne(HostView.class);

    ui.services
        .users()
        .update(bob.id(), new UserPatch(null, "a new long password Tq8vZw", null), admin.id());
    ui.navigate("host");

    _assertOne(LoginView.class);
    assertThat(ui.lastSetCookie(CurrentUser.COOKIE).map(Cookie::getMaxAge)).contains(0);

    loginAs("bob", "a new long password Tq8vZw");
    _assertOne(HostView.class);
    ui.services.users().update(bob.id(), new UserPatch(true, null, null), admin.id());
    ui.forgetBrowserSessionKeepingCookies();
    ui.navigate("host");
    _assertOne(LoginView.class);
  }

  @Test
  void a_cookie_that_is_no_sign_in_signs_nobody_in_and_is_cleared() {
    loginAs("alice", "correct horse battery");
    String token = ui.lastSetCookie(CurrentUser.COOKIE).orElseThrow().getValue();

    for (String value : List.of(token + "x", "garbage", token.replace('.', '-'))) {
      ui.forgetBrowserSessionKeepingCookies();
      ui.sendCookie(new Cookie(CurrentUser.COOKIE, value));
      ui.navigate("host");
      _assertOne(LoginView.class);
      assertThat(ui.lastSetCookie(CurrentUser.COOKIE).map(Cookie::getMaxAge)).contains(0);
    }
  }
}
