package org.samesong.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.fieldNames;
import static org.samesong.testing.TestServer.ADMIN;
import static org.samesong.testing.TestServer.ADMIN_PASSWORD;

import jakarta.ws.rs.client.Entity;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;

/**
 * {@code /api/auth} over HTTP against the running application: login, rotation, reuse detection,
 * logout, token types and CSRF. Run on H2 by {@link AuthResourceIT} and on PostgreSQL by {@link
 * AuthResourcePostgresIT}.
 *
 * <p>An admin endpoint ({@code GET /api/admin/settings}) serves as "an authenticated request": 200
 * for a working admin token, 401 for a dead one. Tests that end logins use accounts of their own.
 */
abstract class AuthResourceContract {
  private static final String PROBE = "admin/settings";

  abstract TestServer app();

  /** A new minute: every login budget is full again, whatever the previous test spent. */
  @BeforeEach
  void newMinute() {
    app().clock().advance(Duration.ofMinutes(1));
  }

  /** An admin account of this test's own, so that ending its logins disturbs no other test. */
  private String newAdmin() {
    String name = TestServer.uniqueName("adm");
    app().createUser(app().sharedAdminToken(), name, name + "-password-Tq8vZw", "admin");
    return name;
  }

  private Reply loginAs(String name) {
    return app().loginOk(name, name + "-password-Tq8vZw");
  }

  private int probe(String accessToken) {
    return app().get(PROBE, accessToken).status();
  }

  private Reply refresh(String refreshToken) {
    return app().post("auth/refresh", Map.of("refresh_token", refreshToken), null);
  }

  // --- login ---------------------------------------------------------------------------------

  @Test
  void login_returns_the_token_pair_the_expiry_and_the_user() {
    Reply reply = app().login(ADMIN, ADMIN_PASSWORD);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(fieldNames(reply.json()))
        .containsExactlyInAnyOrder(
            "access_token", "refresh_token", "expires_in", "token_type", "user", "csrf_token");
    assertThat(reply.text("access_token")).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    assertThat(reply.text("refresh_token"))
        .matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+")
        .isNotEqualTo(reply.text("access_token"));
    assertThat(reply.json().get("expires_in").asLong()).isEqualTo(900);
    assertThat(reply.text("token_type")).isEqualTo("Bearer");
    assertThat(fieldNames(reply.json().get("user")))
        .containsExactlyInAnyOrder("id", "username", "role", "disabled", "created_at");
    assertThat(reply.json().at("/user/username").asText()).isEqualTo(ADMIN);
    assertThat(reply.json().at("/user/role").asText()).isEqualTo("admin");
    assertThat(reply.json().at("/user/disabled").asBoolean()).isFalse();
    assertThat(reply.body()).doesNotContain("password").doesNotContain("$argon2");
    assertThat(probe(reply.text("access_token"))).isEqualTo(200);
  }

  @Test
  void login_sets_http_only_cookies_and_answers_the_csrf_token_in_the_body() {
    Reply reply = app().loginOk(ADMIN, ADMIN_PASSWORD);

    String access = reply.setCookie(TokenAuthFilter.ACCESS_COOKIE).orElseThrow();
    assertThat(reply.cookieValue(TokenAuthFilter.ACCESS_COOKIE))
        .isEqualTo(reply.text("access_token"));
    assertThat(access.toLowerCase(Locale.ROOT))
        .contains("httponly")
        .contains("path=/")
        .contains("samesite=strict");

    String csrf = reply.setCookie(TokenAuthFilter.CSRF_COOKIE).orElseThrow();
    assertThat(reply.cookieValue(TokenAuthFilter.CSRF_COOKIE))
        .hasSizeGreaterThanOrEqualTo(32)
        .as("scripts read the csrf token from the body; every cookie is HttpOnly")
        .isEqualTo(reply.text("csrf_token"));
    assertThat(csrf.toLowerCase(Locale.ROOT)).contains("httponly").contains("samesite=strict");
  }

  @Test
  void the_csrf_token_is_the_logins_own_the_same_after_a_refresh_and_another_logins_differs() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);
    Reply refreshed =
        app().post("auth/refresh", Map.of("refresh_token", login.text("refresh_token")), null);
    Reply other = app().loginOk(ADMIN, ADMIN_PASSWORD);

    assertThat(refreshed.text("csrf_token")).isEqualTo(login.text("csrf_token"));
    assertThat(refreshed.cookieValue(TokenAuthFilter.CSRF_COOKIE))
        .isEqualTo(login.text("csrf_token"));
    assertThat(other.text("csrf_token")).isNotEqualTo(login.text("csrf_token"));
  }

  @Test
  void usernames_are_case_insensitive_at_login() {
    assertThat(app().login(ADMIN.toUpperCase(Locale.ROOT), ADMIN_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void login_without_a_body_is_400() {
    Reply reply = Reply.of(app().request("auth/login", null).post(Entity.json("")));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isNotBlank();
  }

  @Test
  void login_with_malformed_json_is_400() {
    Reply reply = app().post("auth/login", "{\"username\": \"root\", ", null);

    assertError(reply, 400, "malformed_json");
  }

  @Test
  void login_with_a_json_array_is_400() {
    assertThat(app().post("auth/login", "[\"root\", \"root-password-1\"]", null).status())
        .isEqualTo(400);
  }

  @Test
  void login_without_username_is_400_naming_the_field() {
    assertBadField(app().post("auth/login", Map.of("password", ADMIN_PASSWORD), null), "username");
    assertBadField(
        app().post("auth/login", Map.of("username", "  ", "password", ADMIN_PASSWORD), null),
        "username");
  }

  @Test
  void login_without_password_is_400_naming_the_field() {
    assertBadField(app().post("auth/login", Map.of("username", ADMIN), null), "password");
  }

  @Test
  void login_with_a_wrongly_typed_field_is_400_naming_it() {
    assertBadField(
        app().post("auth/login", "{\"username\": {\"a\": 1}, \"password\": \"x\"}", null),
        "username");
  }

  @Test
  void wrong_password_is_401_invalid_credentials() {
    assertError(app().login(ADMIN, "not-the-password"), 401, "invalid_credentials");
  }

  @Test
  void unknown_user_is_401_and_looks_like_a_wrong_password() {
    Reply unknown = app().login(TestServer.uniqueName("ghost"), "whatever-password-Tq8vZw");
    Reply wrong = app().login(ADMIN, "not-the-password");

    assertError(unknown, 401, "invalid_credentials");
    assertThat(unknown.body()).isEqualTo(wrong.body());
  }

  @Test
  void a_very_long_username_is_refused_without_a_server_error() {
    Reply reply = app().login("x".repeat(10_000), "whatever-password-Tq8vZw");

    assertThat(reply.status()).isIn(400, 401);
    assertThat(reply.errorCode()).isNotBlank();
  }

  @Test
  void disabled_user_is_403() {
    String admin = app().sharedAdminToken();
    String name = TestServer.uniqueName("off");
    String id = app().createUser(admin, name, "off-password-Tq8vZw", null).text("id");
    assertThat(app().patch("admin/users/" + id, Map.of("disabled", true), admin).status())
        .isEqualTo(200);

    assertError(app().login(name, "off-password-Tq8vZw"), 403, "account_disabled");
    assertError(app().login(name, "wrong-password"), 401, "invalid_credentials");
  }

  @Test
  void logins_beyond_logins_per_minute_get_429_with_retry_after_until_time_passes() {
    String admin = app().sharedAdminToken();
    String name = TestServer.uniqueName("slow");
    app().createUser(admin, name, "slow-password-Tq8vZw", null);
    app().setSettings(admin, Map.of("logins_per_minute", 3));
    try {
      for (int i = 0; i < 3; i++) {
        assertError(app().login(name, "wrong-password"), 401, "invalid_credentials");
      }

      Reply limited = app().login(name, "slow-password-Tq8vZw");
      assertError(limited, 429, "rate_limited");
      assertThat(limited.header("Retry-After")).isEqualTo("20");

      app().clock().advance(Duration.ofSeconds(19));
      assertThat(app().login(name, "slow-password-Tq8vZw").status()).isEqualTo(429);

      app().clock().advance(Duration.ofSeconds(1));
      assertThat(app().login(name, "slow-password-Tq8vZw").status()).isEqualTo(200);
    } finally {
      app().setSettings(admin, Map.of("logins_per_minute", 10));
    }
  }

  // --- refresh -------------------------------------------------------------------------------

  @Test
  void refresh_rotates_to_a_new_working_pair() {
    String name = newAdmin();
    Reply first = loginAs(name);

    Reply second = refresh(first.text("refresh_token"));

    assertThat(second.status()).isEqualTo(200);
    assertThat(fieldNames(second.json()))
        .contains("access_token", "refresh_token", "expires_in", "token_type");
    assertThat(second.text("token_type")).isEqualTo("Bearer");
    assertThat(second.text("access_token")).isNotEqualTo(first.text("access_token"));
    assertThat(second.text("refresh_token")).isNotEqualTo(first.text("refresh_token"));
    assertThat(second.cookieValue(TokenAuthFilter.ACCESS_COOKIE))
        .isEqualTo(second.text("access_token"));
    assertThat(probe(second.text("access_token"))).isEqualTo(200);
    assertThat(probe(first.text("access_token")))
        .as("the old access token lives until it expires")
        .isEqualTo(200);
    assertThat(refresh(second.text("refresh_token")).status())
        .as("the new refresh token rotates again")
        .isEqualTo(200);
  }

  @Test
  void reused_refresh_token_revokes_the_whole_family() {
    String name = newAdmin();
    Reply first = loginAs(name);
    Reply otherLogin = loginAs(name);
    Reply second = refresh(first.text("refresh_token"));
    assertThat(second.status()).isEqualTo(200);

    Reply reuse = refresh(first.text("refresh_token"));

    assertError(reuse, 401, "unauthorized");
    assertThat(refresh(second.text("refresh_token")).status())
        .as("the newest refresh token")
        .isEqualTo(401);
    assertThat(probe(first.text("access_token"))).as("the first access token").isEqualTo(401);
    assertThat(probe(second.text("access_token"))).as("the rotated access token").isEqualTo(401);
    assertThat(probe(otherLogin.text("access_token")))
        .as("another login of the same account")
        .isEqualTo(200);
    assertThat(refresh(otherLogin.text("refresh_token")).status()).isEqualTo(200);
  }

  @Test
  void refresh_keeps_a_login_alive_after_its_access_token_expired() {
    String name = newAdmin();
    Reply login = loginAs(name);

    app().clock().advance(Duration.ofSeconds(901));

    assertError(app().get(PROBE, login.text("access_token")), 401, "unauthorized");
    Reply renewed = refresh(login.text("refresh_token"));
    assertThat(renewed.status()).isEqualTo(200);
    assertThat(probe(renewed.text("access_token"))).isEqualTo(200);
  }

  @Test
  void an_expired_refresh_token_is_401() {
    Reply login = loginAs(newAdmin());

    app().clock().advance(Duration.ofSeconds(604_801));

    assertError(refresh(login.text("refresh_token")), 401, "unauthorized");
  }

  @Test
  void refresh_without_a_token_is_400_naming_the_field() {
    assertBadField(app().post("auth/refresh", Map.of(), null), "refresh_token");
  }

  @Test
  void an_access_token_is_refused_as_refresh_token() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    assertError(refresh(login.text("access_token")), 401, "unauthorized");
  }

  @Test
  void a_garbage_refresh_token_is_401() {
    assertError(refresh("garbage"), 401, "unauthorized");
  }

  // --- logout --------------------------------------------------------------------------------

  @Test
  void logout_is_204_and_revokes_the_family() {
    String name = newAdmin();
    Reply login = loginAs(name);
    Reply otherLogin = loginAs(name);
    String access = login.text("access_token");

    Reply out =
        app().post("auth/logout", Map.of("refresh_token", login.text("refresh_token")), access);

    assertThat(out.status()).isEqualTo(204);
    assertThat(out.body()).isEmpty();
    assertThat(out.setCookie(TokenAuthFilter.ACCESS_COOKIE).orElseThrow().toLowerCase(Locale.ROOT))
        .as("the browser forgets the cookie")
        .contains("max-age=0");
    assertThat(probe(access)).isEqualTo(401);
    assertThat(refresh(login.text("refresh_token")).status()).isEqualTo(401);
    assertThat(probe(otherLogin.text("access_token"))).isEqualTo(200);
  }

  @Test
  void logout_without_auth_is_401() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    Reply reply =
        app().post("auth/logout", Map.of("refresh_token", login.text("refresh_token")), null);

    assertError(reply, 401, "unauthorized");
    assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(probe(login.text("access_token"))).isEqualTo(200);
  }

  @Test
  void logout_with_someone_elses_refresh_token_is_403_and_revokes_nothing() {
    Reply victim = loginAs(newAdmin());
    String attacker = app().sharedAdminToken();

    Reply reply =
        app().post("auth/logout", Map.of("refresh_token", victim.text("refresh_token")), attacker);

    assertError(reply, 403, "forbidden");
    assertThat(probe(victim.text("access_token"))).isEqualTo(200);
  }

  // --- token types -----------------------------------------------------------------------------

  @Test
  void a_refresh_token_used_as_bearer_access_token_is_401() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    assertError(app().get(PROBE, login.text("refresh_token")), 401, "unauthorized");
  }

  @Test
  void a_garbage_bearer_token_is_401_with_the_uniform_body() {
    Reply reply = app().get(PROBE, "garbage");

    assertError(reply, 401, "unauthorized");
    assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void a_token_signed_with_alg_none_is_401() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);
    String[] parts = login.text("access_token").split("\\.");
    String none =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());

    assertThat(probe(none + "." + parts[1] + ".")).isEqualTo(401);
  }

  @Test
  void no_token_is_401() {
    assertError(app().get(PROBE, null), 401, "unauthorized");
  }

  // --- CSRF ------------------------------------------------------------------------------------

  private Reply cookiePatch(Reply login, String csrfHeader, boolean sendCsrfCookie) {
    var request =
        app()
            .request(PROBE, null)
            .cookie(
                TokenAuthFilter.ACCESS_COOKIE, login.cookieValue(TokenAuthFilter.ACCESS_COOKIE));
    if (sendCsrfCookie) {
      request.cookie(TokenAuthFilter.CSRF_COOKIE, login.cookieValue(TokenAuthFilter.CSRF_COOKIE));
    }
    if (csrfHeader != null) {
      request.header(TokenAuthFilter.CSRF_HEADER, csrfHeader);
    }
    return Reply.of(request.method("PATCH", Entity.json(Map.of("logins_per_minute", 10))));
  }

  @Test
  void cookie_authenticated_change_without_csrf_header_is_403_csrf() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    assertError(cookiePatch(login, null, true), 403, "csrf");
  }

  @Test
  void cookie_authenticated_change_with_a_wrong_csrf_header_is_403_csrf() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    assertError(cookiePatch(login, "not-the-cookie", true), 403, "csrf");
    assertError(
        cookiePatch(login, login.cookieValue(TokenAuthFilter.CSRF_COOKIE), false), 403, "csrf");
  }

  @Test
  void cookie_authenticated_change_with_the_matching_csrf_header_is_200() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    Reply reply = cookiePatch(login, login.cookieValue(TokenAuthFilter.CSRF_COOKIE), true);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("logins_per_minute").asInt()).isEqualTo(10);
  }

  @Test
  void a_csrf_cookie_and_header_planted_together_do_not_validate() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);
    var request =
        app()
            .request(PROBE, null)
            .cookie(TokenAuthFilter.ACCESS_COOKIE, login.cookieValue(TokenAuthFilter.ACCESS_COOKIE))
            .cookie(TokenAuthFilter.CSRF_COOKIE, "x")
            .header(TokenAuthFilter.CSRF_HEADER, "x");

    assertError(
        Reply.of(request.method("PATCH", Entity.json(Map.of("logins_per_minute", 11)))),
        403,
        "csrf");
    assertThat(app().get(PROBE, app().sharedAdminToken()).json().get("logins_per_minute").asInt())
        .isNotEqualTo(11);
  }

  @Test
  void another_logins_csrf_token_does_not_validate() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);
    String othersCsrf = app().loginOk(ADMIN, ADMIN_PASSWORD).text("csrf_token");
    var request =
        app()
            .request(PROBE, null)
            .cookie(TokenAuthFilter.ACCESS_COOKIE, login.cookieValue(TokenAuthFilter.ACCESS_COOKIE))
            .cookie(TokenAuthFilter.CSRF_COOKIE, othersCsrf)
            .header(TokenAuthFilter.CSRF_HEADER, othersCsrf);

    assertError(
        Reply.of(request.method("PATCH", Entity.json(Map.of("logins_per_minute", 12)))),
        403,
        "csrf");
  }

  @Test
  void bearer_requests_need_no_csrf_header() {
    String admin = app().sharedAdminToken();

    assertThat(app().patch(PROBE, Map.of("logins_per_minute", 10), admin).status()).isEqualTo(200);
  }

  @Test
  void cookie_authenticated_reads_need_no_csrf_header() {
    Reply login = app().loginOk(ADMIN, ADMIN_PASSWORD);

    Reply reply =
        Reply.of(
            app()
                .request(PROBE, null)
                .cookie(
                    TokenAuthFilter.ACCESS_COOKIE, login.cookieValue(TokenAuthFilter.ACCESS_COOKIE))
                .get());

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void cookie_authenticated_logout_needs_the_csrf_header_too() {
    Reply login = loginAs(newAdmin());
    var request =
        app()
            .request("auth/logout", null)
            .cookie(TokenAuthFilter.ACCESS_COOKIE, login.cookieValue(TokenAuthFilter.ACCESS_COOKIE))
            .cookie(TokenAuthFilter.CSRF_COOKIE, login.cookieValue(TokenAuthFilter.CSRF_COOKIE));

    Reply reply =
        Reply.of(request.post(Entity.json(Map.of("refresh_token", login.text("refresh_token")))));

    assertError(reply, 403, "csrf");
    assertThat(probe(login.text("access_token"))).isEqualTo(200);
  }
}
