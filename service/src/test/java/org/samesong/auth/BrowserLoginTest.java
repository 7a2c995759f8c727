package org.samesong.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.SamesongPrincipal;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.settings.SettingsService;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.user.PasswordHasher;
import org.samesong.user.User;
import org.samesong.user.UserService;
import org.samesong.user.api.UserPatch;

/**
 * The GUI's remembered sign-in ({@link AuthService#rememberLogin}): what resumes it, what ends it,
 * and that it and a guest's seat are not taken for each other.
 */
class BrowserLoginTest {
  private final MutableClock clock = new MutableClock();
  private TestDatabase db;
  private UserService users;
  private TokenService tokens;
  private AuthService auth;
  private User admin;
  private User dave;

  @BeforeEach
  void start() {
    db = TestDatabase.h2();
    users = new UserService(db.jdbi(), new PasswordHasher(), clock, () -> 3);
    admin = users.create("alice", "alice-password-Tq8vZw", User.ADMIN);
    dave = users.create("dave", "dave-password-Tq8vZw", User.USER);
    SettingsService settings =
        new SettingsService(db.jdbi(), Jackson.newObjectMapper(), clock, Map.of(), Map.of());
    tokens = new TokenService(TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), clock);
    auth =
        new AuthService(
            db.jdbi(), tokens, users, settings, new RateLimiter(settings, clock), clock);
  }

  @AfterEach
  void stop() {
    db.close();
  }

  @Test
  void a_remembered_sign_in_resumes_as_its_account_for_as_long_as_a_refresh_token_would() {
    AuthService.BrowserLogin login = auth.rememberLogin(dave);
    assertThat(login.ttl()).isEqualTo(Duration.ofDays(7));

    assertThat(auth.loginOf(login.token())).contains(dave);

    clock.advance(Duration.ofDays(6));
    AuthService.Resumed resumed = auth.resumeLogin(login.token()).orElseThrow();
    assertThat(resumed.user()).isEqualTo(dave);
    assertThat(resumed.login().ttl()).isEqualTo(Duration.ofDays(7));

    clock.advance(Duration.ofDays(2));
    assertThat(auth.resumeLogin(login.token())).as("the first token").isEmpty();
    assertThat(auth.resumeLogin(resumed.login().token()).map(AuthService.Resumed::user))
        .as("the renewed one, 8 days after the sign-in")
        .contains(dave);

    clock.advance(Duration.ofDays(7).plusSeconds(1));
    assertThat(auth.resumeLogin(resumed.login().token())).isEmpty();
  }

  @Test
  void it_reflects_the_account_as_it_is_now() {
    AuthService.BrowserLogin login = auth.rememberLogin(dave);
    users.update(dave.id(), new UserPatch(null, null, User.ADMIN), admin.id());
    // a changed role ends the account's logins, as it does for tokens that carry the old role
    assertThat(auth.loginOf(login.token())).isEmpty();

    User promoted = users.find(dave.id()).orElseThrow();
    AuthService.BrowserLogin again = auth.rememberLogin(promoted);
    assertThat(auth.loginOf(again.token()).map(User::role)).contains(User.ADMIN);
  }

  @Test
  void logout_a_disabled_account_and_a_reset_password_each_end_it() {
    AuthService.BrowserLogin first = auth.rememberLogin(dave);
    AuthService.BrowserLogin second = auth.rememberLogin(dave);
    auth.endLogin(first.token());
    assertThat(auth.resumeLogin(first.token())).isEmpty();
    assertThat(auth.loginOf(second.token())).as("another browser's").contains(dave);

    users.update(dave.id(), new UserPatch(null, "a new long password Tq8vZw", null), admin.id());
    assertThat(auth.resumeLogin(second.token())).isEmpty();

    AuthService.BrowserLogin third = auth.rememberLogin(dave);
    users.update(dave.id(), new UserPatch(true, null, null), admin.id());
    assertThat(auth.resumeLogin(third.token())).isEmpty();
    users.update(dave.id(), new UserPatch(false, null, null), admin.id());
    assertThat(auth.resumeLogin(third.token())).as("ended, not paused").isEmpty();
  }

  @Test
  void other_tokens_are_no_sign_in_and_a_sign_in_is_no_seat() {
    AuthService.BrowserLogin login = auth.rememberLogin(dave);
    String access = auth.login("dave", "dave-password-Tq8vZw", "10.0.0.1").accessToken();
    String refresh = auth.login("dave", "dave-password-Tq8vZw", "10.0.0.1").refreshToken();
    String guestSeat =
        tokens
            .issue(
                TokenService.SEAT,
                new SamesongPrincipal("m1", SamesongPrincipal.GUEST, "s1", "m1", "f1"),
                Duration.ofDays(1))
            .token();

    for (String token : new String[] {access, refresh, guestSeat, login.token() + "x", "", null}) {
      assertThat(auth.resumeLogin(token)).as("%s", token).isEmpty();
      auth.endLogin(token); // changes nothing
    }
    assertThat(auth.retakeSeat(login.token())).isEmpty();
    assertThat(auth.loginOf(login.token())).contains(dave);
  }
}
