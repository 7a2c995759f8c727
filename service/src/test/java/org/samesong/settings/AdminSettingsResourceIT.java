package org.samesong.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertBadField;
import static org.samesong.testing.ApiAssertions.assertError;
import static org.samesong.testing.ApiAssertions.assertJsonEquals;

import jakarta.ws.rs.client.Entity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samesong.testing.Reply;
import org.samesong.testing.SpecDefaults;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/** {@code /api/admin/settings} over HTTP: read, change (all or nothing), who may. */
class AdminSettingsResourceIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private String admin;

  /** A new minute (full login budgets) and a fresh admin token. */
  @BeforeEach
  void login() {
    APP.clock().advance(Duration.ofMinutes(1));
    admin = APP.sharedAdminToken();
  }

  /** Every test leaves the defaults behind, so that the defaults test holds in any order. */
  @AfterEach
  void restoreDefaults() {
    APP.setSettings(admin, SpecDefaults.SETTINGS);
  }

  private Reply settings() {
    Reply reply = APP.get("admin/settings", admin);
    assertThat(reply.status()).isEqualTo(200);
    return reply;
  }

  @Test
  void get_returns_every_setting_of_the_spec_with_its_default() {
    Reply reply = settings();

    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertJsonEquals(reply.json(), SpecDefaults.SETTINGS);
  }

  @Test
  void patch_applies_valid_values_and_returns_all_settings() {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("seek_threshold_ms", 250);
    changes.put("max_rate_correction", 0.05);
    changes.put("open_registration", true);
    changes.put("public_url", "https://music.example.org");
    changes.put("library_folders", List.of("/srv/music"));

    Reply reply = APP.patch("admin/settings", changes, admin);

    Map<String, Object> expected = new LinkedHashMap<>(SpecDefaults.SETTINGS);
    expected.putAll(changes);
    assertThat(reply.status()).isEqualTo(200);
    assertJsonEquals(reply.json(), expected);
    assertJsonEquals(settings().json(), expected);
  }

  @Test
  void a_changed_login_limit_takes_effect_without_a_restart() {
    APP.setSettings(admin, Map.of("logins_per_minute", 2));
    assertThat(APP.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertThat(APP.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertError(APP.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD), 429, "rate_limited");

    APP.setSettings(admin, Map.of("logins_per_minute", 5));

    assertThat(APP.login(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void a_changed_access_token_ttl_applies_to_the_next_login() {
    APP.setSettings(admin, Map.of("access_token_ttl_s", 60));

    Reply login = APP.loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

    assertThat(login.json().get("expires_in").asInt()).isEqualTo(60);
    APP.clock().advance(Duration.ofSeconds(61));
    assertThat(APP.get("admin/settings", login.text("access_token")).status()).isEqualTo(401);
  }

  @Test
  void an_unknown_key_is_400_naming_it_and_changes_nothing() {
    String before = settings().body();

    Reply reply =
        APP.patch("admin/settings", Map.of("logins_per_minute", 3, "no_such_setting", 1), admin);

    assertBadField(reply, "no_such_setting");
    assertThat(settings().body()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"seek_threshold_ms\": \"200\"}",
        "{\"seek_threshold_ms\": 2.5}",
        "{\"seek_threshold_ms\": 1}",
        "{\"open_registration\": \"yes\"}",
        "{\"public_url\": \"javascript:alert(1)\"}",
        "{\"library_folders\": [\"relative/music\"]}",
        "{\"logins_per_minute\": null}",
        "{\"logins_per_minute\": 3, \"guest_request_burst\": -1}"
      })
  void a_bad_value_is_400_in_the_uniform_body_and_changes_nothing(String body) {
    String before = settings().body();

    Reply reply = APP.patch("admin/settings", body, admin);

    assertThat(reply.status()).isEqualTo(400);
    String field = reply.json().at("/error/field").asText();
    assertThat(body).contains("\"" + field + "\"");
    assertThat(reply.errorCode()).isNotBlank();
    assertThat(settings().body()).isEqualTo(before);
  }

  @Test
  void refresh_ttl_not_longer_than_access_ttl_is_400() {
    Reply reply =
        APP.patch(
            "admin/settings",
            Map.of("access_token_ttl_s", 3600, "refresh_token_ttl_s", 600),
            admin);

    assertBadField(reply, "refresh_token_ttl_s");
    assertJsonEquals(settings().json(), SpecDefaults.SETTINGS);
  }

  @Test
  void a_value_too_long_to_store_is_400_not_a_server_error() {
    Reply reply =
        APP.patch(
            "admin/settings",
            Map.of("public_url", "https://example.org/" + "a".repeat(5_000)),
            admin);

    assertBadField(reply, "public_url");
    assertJsonEquals(settings().json(), SpecDefaults.SETTINGS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"[]", "[{\"logins_per_minute\": 3}]", "42", "\"logins_per_minute\"", "true", "{}"})
  void a_body_that_is_no_object_of_settings_is_400(String body) {
    Reply reply = APP.patch("admin/settings", body, admin);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isIn("invalid_body", "bad_request");
    assertJsonEquals(settings().json(), SpecDefaults.SETTINGS);
  }

  @Test
  void malformed_json_is_400() {
    assertError(
        APP.patch("admin/settings", "{\"logins_per_minute\": ", admin), 400, "malformed_json");
  }

  @Test
  void an_empty_body_is_400() {
    Reply reply = Reply.of(APP.request("admin/settings", admin).method("PATCH", Entity.json("")));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isNotBlank();
  }

  @Test
  void without_a_token_get_and_patch_are_401() {
    assertError(APP.get("admin/settings", null), 401, "unauthorized");
    assertError(
        APP.patch("admin/settings", Map.of("logins_per_minute", 3), null), 401, "unauthorized");
  }

  @Test
  void a_user_who_is_no_admin_gets_403() {
    String name = TestServer.uniqueName("plain");
    APP.createUser(admin, name, "plain-password-Tq8vZw", "user");
    String user = APP.loginOk(name, "plain-password-Tq8vZw").text("access_token");

    assertError(APP.get("admin/settings", user), 403, "forbidden");
    assertError(
        APP.patch("admin/settings", Map.of("logins_per_minute", 1), user), 403, "forbidden");
    assertJsonEquals(settings().json(), SpecDefaults.SETTINGS);
  }
}
