package org.samesong.ui.login;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.ui.UiTestSupport;
import org.samesong.ui.host.HostView;

class SetupViewTest {
  private UiTestSupport ui;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private void fill(String username, String password, String confirm) {
    _setValue(_get(TextField.class, s -> s.withId("setup-username")), username);
    _setValue(_get(PasswordField.class, s -> s.withId("setup-password")), password);
    _setValue(_get(PasswordField.class, s -> s.withId("setup-confirm")), confirm);
    _click(_get(Button.class, s -> s.withId("setup-create")));
  }

  @Test
  void first_visit_to_root_shows_the_setup_screen() {
    ui.navigate("");
    _assertOne(SetupView.class);
  }

  @Test
  void setup_creates_the_first_admin_and_opens_the_host_console() {
    ui.navigate("");
    fill("Alice", "correct horse battery", "correct horse battery");

    _assertOne(HostView.class);
    assertThat(_get(Span.class, s -> s.withId("host-user")).getText())
        .contains("alice")
        .contains("admin");
    assertThat(ui.services.users().list())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.username()).isEqualTo("alice");
              assertThat(u.isAdmin()).isTrue();
            });
  }

  @Test
  void differing_passwords_are_refused_and_create_nothing() {
    ui.navigate("setup");
    fill("alice", "correct horse battery", "correct horse batterx");

    PasswordField confirm = _get(PasswordField.class, s -> s.withId("setup-confirm"));
    assertThat(confirm.isInvalid()).isTrue();
    assertThat(confirm.getErrorMessage()).isEqualTo("The passwords differ");
    assertThat(ui.services.users().needsSetup()).isTrue();
  }

  @Test
  void short_password_is_refused_with_its_rule() {
    ui.navigate("setup");
    fill("alice", "short", "short");

    PasswordField password = _get(PasswordField.class, s -> s.withId("setup-password"));
    assertThat(password.isInvalid()).isTrue();
    assertThat(password.getErrorMessage()).contains("at least 8 characters");
    assertThat(ui.services.users().needsSetup()).isTrue();
  }

  @Test
  void a_weak_password_is_refused_saying_why_in_words_and_the_rule_is_shown_while_typing() {
    ui.navigate("setup");
    PasswordField password = _get(PasswordField.class, s -> s.withId("setup-password"));
    assertThat(password.getHelperText())
        .contains("At least 8 characters")
        .contains("hard to guess");

    _setValue(password, "password1");
    assertThat(password.getHelperText()).startsWith("Too easy to guess: ").contains("common");
    _setValue(password, "correct horse battery");
    assertThat(password.getHelperText()).isEqualTo("Strong enough");

    fill("alice", "12345678", "12345678");

    assertThat(password.isInvalid()).isTrue();
    assertThat(password.getErrorMessage())
        .startsWith("Too easy to guess: ")
        .contains("common password")
        .doesNotContain("weak_password");
    assertThat(ui.services.users().needsSetup()).isTrue();
  }

  @Test
  void bad_username_is_refused_on_its_field() {
    ui.navigate("setup");
    fill("a b", "correct horse battery", "correct horse battery");

    TextField username = _get(TextField.class, s -> s.withId("setup-username"));
    assertThat(username.isInvalid()).isTrue();
    assertThat(ui.services.users().needsSetup()).isTrue();
  }

  @Test
  void setup_screen_is_gone_once_an_account_exists() {
    ui.services.users().createFirstAdmin("alice", "correct horse battery");
    ui.navigate("setup");
    _assertOne(LoginView.class);
  }
}
