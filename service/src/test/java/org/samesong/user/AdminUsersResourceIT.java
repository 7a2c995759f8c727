package org.samesong.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.fieldNames;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@code /api/admin/users} over HTTP: accounts as an admin manages them. */
class AdminUsersResourceIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final String PROBE = "admin/settings";
  private String admin;

  @BeforeEach
  void login() {
    APP.clock().advance(Duration.ofMinutes(1));
    admin = APP.sharedAdminToken();
  }

  private static Map<String, Object> newUser(String username, String password, String role) {
    Map<String, Object> body = new HashMap<>();
    body.put("username", username);
    body.put("password", password);
    body.put("role", role);
    return body;
  }

  private Reply create(String username, String password, String role) {
    return APP.post("admin/users", newUser(username, password, role), admin);
  }

  private Reply patch(String id, Map<String, Object> body) {
    return APP.patch("admin/users/" + id, body, admin);
  }

  private static void assertIsUser(JsonNode user) {
    assertThat(fieldNames(user))
        .containsExactlyInAnyOrder("id", "username", "role", "disabled", "created_at");
    assertThat(UUID.fromString(user.get("id").asText()).toString())
        .isEqualTo(user.get("id").asText());
  }

  @Test
  void list_shows_every_account_without_password_hashes() {
    String name = TestServer.uniqueName("listed");
    APP.createUser(admin, name, "listed-password-Tq8vZw", null);

    Reply reply = APP.get("admin/users", admin);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(fieldNames(reply.json())).containsExactly("users");
    List<String> names = new ArrayList<>();
    reply
        .json()
        .get("users")
        .forEach(
            u -> {
              assertIsUser(u);
              names.add(u.get("username").asText());
            });
    assertThat(names).contains(TestServer.ADMIN, name);
    assertThat(reply.body()).doesNotContain("password").doesNotContain("$argon2");
  }

  @Test
  void create_is_201_with_the_user_and_no_password_hash() {
    String name = TestServer.uniqueName("Carol");

    Reply reply = create(name, "carol-password-Tq8vZw", "user");

    assertThat(reply.status()).isEqualTo(201);
    assertIsUser(reply.json());
    assertThat(reply.text("username")).isEqualTo(name.toLowerCase(Locale.ROOT));
    assertThat(reply.text("role")).isEqualTo("user");
    assertThat(reply.json().get("disabled").asBoolean()).isFalse();
    assertThat(reply.json().get("created_at").asLong()).isEqualTo(APP.clock().millis());
    assertThat(reply.body()).doesNotContain("password").doesNotContain("$argon2");
    assertThat(APP.login(name, "carol-password-Tq8vZw").status()).isEqualTo(200);
  }

  @Test
  void create_without_a_role_makes_a_user() {
    Reply reply =
        APP.createUser(admin, TestServer.uniqueName("norole"), "norole-password-Tq8vZw", null);

    assertThat(reply.text("role")).isEqualTo("user");
  }

  @Test
  void create_an_admin() {
    String name = TestServer.uniqueName("boss");
    assertThat(create(name, "boss-password-Tq8vZw", "admin").text("role")).isEqualTo("admin");

    String token = APP.loginOk(name, "boss-password-Tq8vZw").text("access_token");

    assertThat(APP.get(PROBE, token).status()).isEqualTo(200);
  }

  @Test
  void a_taken_username_is_409_whatever_its_case() {
    String name = TestServer.uniqueName("dup");
    APP.createUser(admin, name, "dup-password-Tq8vZw", null);

    assertError(create(name, "other-password-Tq8vZw", "user"), 409, "username_taken");
    assertError(
        create(name.toUpperCase(Locale.ROOT), "other-password-Tq8vZw", "user"),
        409,
        "username_taken");
    assertError(create("  " + name + "  ", "other-password-Tq8vZw", "user"), 409, "username_taken");
  }

  @Test
  void a_bad_username_is_400_naming_the_field() {
    assertBadField(create("ab", "long-enough-password-Tq8vZw", "user"), "username");
    assertBadField(create("has space", "long-enough-password-Tq8vZw", "user"), "username");
    assertBadField(create("-dash-first", "long-enough-password-Tq8vZw", "user"), "username");
    assertBadField(create("x".repeat(65), "long-enough-password-Tq8vZw", "user"), "username");
    assertBadField(create("", "long-enough-password-Tq8vZw", "user"), "username");
    assertBadField(create(null, "long-enough-password-Tq8vZw", "user"), "username");
  }

  @Test
  void a_bad_password_is_400_naming_the_field() {
    assertBadField(create(TestServer.uniqueName("pw"), "short", "user"), "password");
    assertBadField(create(TestServer.uniqueName("pw"), null, "user"), "password");
    assertBadField(create(TestServer.uniqueName("pw"), "x".repeat(257), "user"), "password");
  }

  @Test
  void a_bad_role_is_400_naming_the_field() {
    assertBadField(
        create(TestServer.uniqueName("role"), "long-enough-password-Tq8vZw", "superuser"), "role");
    assertBadField(
        create(TestServer.uniqueName("role"), "long-enough-password-Tq8vZw", "host"), "role");
  }

  @Test
  void a_body_of_the_wrong_shape_is_400() {
    assertThat(APP.post("admin/users", "[]", admin).status()).isEqualTo(400);
    assertThat(APP.post("admin/users", "{\"username\": ", admin).status()).isEqualTo(400);
    assertBadField(
        APP.post("admin/users", "{\"username\": [1], \"password\": \"long-enough\"}", admin),
        "username");
  }

  @Test
  void disabling_a_user_refuses_its_login_and_kills_its_tokens_at_once() {
    String name = TestServer.uniqueName("dora");
    String id = create(name, "dora-password-Tq8vZw", "admin").text("id");
    Reply login = APP.loginOk(name, "dora-password-Tq8vZw");
    assertThat(APP.get(PROBE, login.text("access_token")).status()).isEqualTo(200);

    Reply disabled = patch(id, Map.of("disabled", true));

    assertThat(disabled.status()).isEqualTo(200);
    assertIsUser(disabled.json());
    assertThat(disabled.json().get("disabled").asBoolean()).isTrue();
    assertError(APP.get(PROBE, login.text("access_token")), 401, "unauthorized");
    assertError(
        APP.post("auth/refresh", Map.of("refresh_token", login.text("refresh_token")), null),
        401,
        "unauthorized");
    assertError(APP.login(name, "dora-password-Tq8vZw"), 403, "account_disabled");
  }

  @Test
  void enabling_a_disabled_user_lets_it_log_in_again() {
    String name = TestServer.uniqueName("eve");
    String id = create(name, "eve-password-1-Tq8vZw", "user").text("id");
    patch(id, Map.of("disabled", true));

    Reply enabled = patch(id, Map.of("disabled", false));

    assertThat(enabled.json().get("disabled").asBoolean()).isFalse();
    assertThat(APP.login(name, "eve-password-1-Tq8vZw").status()).isEqualTo(200);
  }

  @Test
  void a_password_reset_replaces_the_password_and_ends_existing_logins() {
    String name = TestServer.uniqueName("finn");
    String id = create(name, "old-password-Tq8vZw", "admin").text("id");
    String token = APP.loginOk(name, "old-password-Tq8vZw").text("access_token");

    Reply reset = patch(id, Map.of("password", "new-password-Tq8vZw"));

    assertThat(reset.status()).isEqualTo(200);
    assertThat(reset.body()).doesNotContain("new-password-Tq8vZw").doesNotContain("$argon2");
    assertError(APP.login(name, "old-password-Tq8vZw"), 401, "invalid_credentials");
    assertThat(APP.login(name, "new-password-Tq8vZw").status()).isEqualTo(200);
    assertError(APP.get(PROBE, token), 401, "unauthorized");
  }

  @Test
  void a_too_short_new_password_is_400_and_keeps_the_old_one() {
    String name = TestServer.uniqueName("gus");
    String id = create(name, "gus-password-Tq8vZw", "user").text("id");

    assertBadField(patch(id, Map.of("password", "short")), "password");
    assertThat(APP.login(name, "gus-password-Tq8vZw").status()).isEqualTo(200);
  }

  @Test
  void a_demoted_admin_loses_admin_rights_at_once() {
    String name = TestServer.uniqueName("hal");
    String id = create(name, "hal-password-Tq8vZw", "admin").text("id");
    Reply login = APP.loginOk(name, "hal-password-Tq8vZw");
    assertThat(APP.get(PROBE, login.text("access_token")).status()).isEqualTo(200);

    assertThat(patch(id, Map.of("role", "user")).text("role")).isEqualTo("user");

    // like a disabled account or a reset password, a changed role ends the account's logins
    assertError(APP.get(PROBE, login.text("access_token")), 401, "unauthorized");
    assertError(
        APP.post("auth/refresh", Map.of("refresh_token", login.text("refresh_token")), null),
        401,
        "unauthorized");
    String fresh = APP.loginOk(name, "hal-password-Tq8vZw").text("access_token");
    assertError(APP.get(PROBE, fresh), 403, "forbidden");
  }

  @Test
  void an_empty_patch_is_400() {
    String id = create(TestServer.uniqueName("ivy"), "ivy-password-Tq8vZw", "user").text("id");

    assertThat(patch(id, Map.of()).status()).isEqualTo(400);
  }

  @Test
  void the_last_active_admin_cannot_be_disabled_or_demoted() {
    String me =
        APP.loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).json().at("/user/id").asText();
    // disable every other admin, so that the first admin is the last one
    APP.get("admin/users", admin)
        .json()
        .get("users")
        .forEach(
            u -> {
              if (u.get("role").asText().equals("admin")
                  && !u.get("disabled").asBoolean()
                  && !u.get("id").asText().equals(me)) {
                assertThat(patch(u.get("id").asText(), Map.of("disabled", true)).status())
                    .isEqualTo(200);
              }
            });

    assertError(patch(me, Map.of("disabled", true)), 409, "last_admin");
    assertError(patch(me, Map.of("role", "user")), 409, "last_admin");

    assertThat(APP.get(PROBE, admin).status()).isEqualTo(200);
    assertThat(APP.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void an_admin_cannot_disable_itself_while_other_admins_exist() {
    create(TestServer.uniqueName("spare"), "spare-password-Tq8vZw", "admin");
    String me =
        APP.loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).json().at("/user/id").asText();

    assertError(patch(me, Map.of("disabled", true)), 409, "self_disable");
    assertThat(APP.get(PROBE, admin).status()).isEqualTo(200);
  }

  @Test
  void an_unknown_id_is_404() {
    assertError(patch(UUID.randomUUID().toString(), Map.of("disabled", true)), 404, "not_found");
  }

  @Test
  void an_id_that_is_no_uuid_is_404() {
    assertError(patch("not-a-uuid", Map.of("disabled", true)), 404, "not_found");
    assertError(patch("1", Map.of("disabled", true)), 404, "not_found");
    assertError(patch("' OR 1=1 --", Map.of("disabled", true)), 404, "not_found");
  }

  @Test
  void a_user_who_is_no_admin_gets_403() {
    String name = TestServer.uniqueName("jo");
    String id = create(name, "jo-password-Tq8vZw", "user").text("id");
    String token = APP.loginOk(name, "jo-password-Tq8vZw").text("access_token");

    assertError(APP.get("admin/users", token), 403, "forbidden");
    assertError(
        APP.post("admin/users", newUser(TestServer.uniqueName("x"), "long-enough", "admin"), token),
        403,
        "forbidden");
    assertError(APP.patch("admin/users/" + id, Map.of("role", "admin"), token), 403, "forbidden");
    APP.get("admin/users", admin)
        .json()
        .get("users")
        .forEach(
            u -> {
              if (u.get("id").asText().equals(id)) {
                assertThat(u.get("role").asText()).isEqualTo("user");
              }
            });
  }

  @Test
  void without_a_token_every_call_is_401() {
    String id = create(TestServer.uniqueName("kim"), "kim-password-Tq8vZw", "user").text("id");

    assertError(APP.get("admin/users", null), 401, "unauthorized");
    assertError(
        APP.post("admin/users", newUser(TestServer.uniqueName("x"), "long-enough", "admin"), null),
        401,
        "unauthorized");
    assertError(
        APP.patch("admin/users/" + id, Map.of("disabled", true), null), 401, "unauthorized");
  }
}
