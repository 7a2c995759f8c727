package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.testing.Reply;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;

/**
 * The outside review created accounts with the passwords {@code 12345678}, {@code password} and
 * eight spaces. New and reset passwords are scored now (nbvcxz, a zxcvbn implementation) and
 * refused below {@code min_password_strength} (default 3 of 4) with 400 {@code weak_password} that
 * says why in plain words; nothing is created or changed.
 */
class WeakPasswordIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final String STRONG = "lantern-orchid-Vq7-basalt";

  /** {@code POST /api/admin/users} without asserting its status. */
  private static Reply create(String admin, String name, String password) {
    return APP.post("admin/users", Map.of("username", name, "password", password), admin);
  }

  @Test
  void the_passwords_the_review_used_are_refused_with_the_reason_and_nothing_is_created() {
    String admin = APP.sharedAdminToken();
    for (String weak : new String[] {"12345678", "password", "        ", "password1"}) {
      String name = TestServer.uniqueName("weak");

      JsonNode error = assertError(create(admin, name, weak), 400, "weak_password");

      assertThat(error.path("field").asText()).isEqualTo("password");
      assertThat(error.path("message").asText())
          .as("for %s", weak)
          .startsWith("password is too easy to guess: ")
          .containsPattern("(common|Repeats|guess)")
          .contains("3 needed");
      assertThat(APP.login(name, weak).status()).as("no account %s", name).isEqualTo(401);
    }
  }

  @Test
  void a_password_made_of_the_username_is_weak() {
    String name = TestServer.uniqueName("marguerite");

    assertError(create(APP.sharedAdminToken(), name, name + "2026"), 400, "weak_password");
  }

  @Test
  void a_reset_to_a_weak_password_is_refused_and_the_old_one_still_works() {
    String admin = APP.sharedAdminToken();
    String name = TestServer.uniqueName("reset");
    String id = APP.createUser(admin, name, STRONG, null).text("id");

    assertError(
        APP.patch("admin/users/" + id, Map.of("password", "qwertyuiop"), admin),
        400,
        "weak_password");

    assertThat(APP.login(name, STRONG).status()).isEqualTo(200);
  }

  @Test
  void the_setting_sets_the_bar_and_zero_takes_any_password_of_the_allowed_length() {
    String admin = APP.sharedAdminToken();
    try {
      assertThat(APP.patch("admin/settings", Map.of("min_password_strength", 0), admin).status())
          .isEqualTo(200);
      String name = TestServer.uniqueName("lax");
      assertThat(create(admin, name, "12345678").status()).isEqualTo(201);

      assertThat(APP.patch("admin/settings", Map.of("min_password_strength", 4), admin).status())
          .isEqualTo(200);
      assertError(
          create(admin, TestServer.uniqueName("strict"), "guest-party-2026"), 400, "weak_password");
      assertError(
          APP.patch("admin/settings", Map.of("min_password_strength", 5), admin),
          400,
          "invalid_min_password_strength");
    } finally {
      APP.patch("admin/settings", Map.of("min_password_strength", 3), admin);
    }
  }

  @Test
  void a_strong_password_is_taken() {
    String name = TestServer.uniqueName("strong");

    assertThat(APP.createUser(APP.sharedAdminToken(), name, STRONG, null).status()).isEqualTo(201);
    assertThat(APP.login(name, STRONG).status()).isEqualTo(200);
  }
}
