package org.samesong.ui.admin;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.ui.UiTestSupport.rowButton;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.SamesongPrincipal;
import org.samesong.settings.Settings;
import org.samesong.ui.UiTestSupport;
import org.samesong.ui.host.HostView;
import org.samesong.user.User;

class AdminViewTest {
  private UiTestSupport ui;
  private User admin;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    ui.signIn(admin);
    ui.navigate("admin");
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  @SuppressWarnings("unchecked")
  private static <T> Grid<T> grid(String id) {
    return (Grid<T>) _get(Grid.class, s -> s.withId(id));
  }

  @Test
  void settings_are_grouped_and_labelled_in_words_with_their_key_in_the_help() {
    IntegerField guests = _get(IntegerField.class, s -> s.withId("setting-max_guests_per_session"));
    assertThat(guests.getLabel()).isEqualTo("Guests per session");
    assertThat(guests.getHelperText()).contains("(max_guests_per_session)");
    assertThat(
            _get(
                    com.vaadin.flow.component.details.Details.class,
                    s -> s.withId("settings-playback-sync"))
                .getSummaryText())
        .isEqualTo("Playback sync");
    for (var setting : Settings.ALL) {
      var field =
          _get(
              com.vaadin.flow.component.Component.class, s -> s.withId("setting-" + setting.key()));
      assertThat(field.getElement().getProperty("label", field.getElement().getText()))
          .as("label of %s", setting.key())
          .doesNotContain("_");
    }
  }

  @Test
  void the_hosting_settings_sit_with_guests_and_requests_in_words_and_nothing_is_left_in_other() {
    var guests =
        _get(
            com.vaadin.flow.component.details.Details.class,
            s -> s.withId("settings-guests-and-requests"));
    IntegerField pending =
        _get(guests, IntegerField.class, s -> s.withId("setting-max_pending_requests_per_guest"));
    assertThat(pending.getLabel()).isEqualTo("Pending requests per guest");
    assertThat(pending.getHelperText()).contains("quota_exceeded");
    IntegerField hourly =
        _get(guests, IntegerField.class, s -> s.withId("setting-max_adds_per_guest_per_hour"));
    assertThat(hourly.getLabel()).contains("per hour");
    assertThat(hourly.getValue()).isZero();
    Checkbox fair = _get(guests, Checkbox.class, s -> s.withId("setting-fair_queue"));
    assertThat(fair.getLabel()).isEqualTo("Interleave guests' adds fairly");
    assertThat(fair.getValue()).isTrue();
    IntegerField grace = _get(guests, IntegerField.class, s -> s.withId("setting-host_grace_s"));
    assertThat(grace.getHelperText()).contains("co-host").contains("(host_grace_s)");
    assertThat(grace.getValue()).isEqualTo(120);
    com.github.mvysny.kaributesting.v10.LocatorJ._assertNone(
        com.vaadin.flow.component.details.Details.class, s -> s.withId("settings-other"));
  }

  @Test
  void every_runtime_setting_has_a_field() {
    for (var setting : Settings.ALL) {
      _assertOne(
          com.vaadin.flow.component.Component.class, s -> s.withId("setting-" + setting.key()));
    }
    TextField ffmpeg = _get(TextField.class, s -> s.withId("infra-ffmpeg"));
    assertThat(ffmpeg.isReadOnly()).isTrue();
    assertThat(ffmpeg.getValue()).startsWith("not found");
  }

  @Test
  void changed_settings_are_saved_in_the_database_at_once() {
    _setValue(_get(NumberField.class, s -> s.withId("setting-dead_band_ms")), 3.5);
    _setValue(_get(IntegerField.class, s -> s.withId("setting-max_guests_per_session")), 12);
    _setValue(_get(Checkbox.class, s -> s.withId("setting-allow_private_urls")), true);
    _setValue(
        _get(TextArea.class, s -> s.withId("setting-library_folders")), "/music\n/more music\n");
    _click(_get(Button.class, s -> s.withId("save-settings")));

    assertThat(ui.services.settings().get(Settings.DEAD_BAND_MS)).isEqualTo(3.5);
    assertThat(ui.services.settings().get(Settings.MAX_GUESTS_PER_SESSION)).isEqualTo(12);
    assertThat(ui.services.settings().get(Settings.ALLOW_PRIVATE_URLS)).isTrue();
    assertThat(ui.services.settings().get(Settings.LIBRARY_FOLDERS))
        .containsExactly("/music", "/more music");
  }

  @Test
  void a_bad_value_is_marked_and_nothing_is_saved() {
    _setValue(_get(NumberField.class, s -> s.withId("setting-dead_band_ms")), 4.0);
    IntegerField guests = _get(IntegerField.class, s -> s.withId("setting-max_guests_per_session"));
    _setValue(guests, -5);
    _click(_get(Button.class, s -> s.withId("save-settings")));

    assertThat(guests.isInvalid()).isTrue();
    assertThat(guests.getErrorMessage()).isNotBlank();
    assertThat(ui.services.settings().get(Settings.DEAD_BAND_MS)).isEqualTo(2.0);
    assertThat(ui.services.settings().get(Settings.MAX_GUESTS_PER_SESSION)).isEqualTo(200);
  }

  @Test
  void users_are_created_disabled_and_given_a_new_password() {
    _setValue(_get(TextField.class, s -> s.withId("new-username")), "bob");
    _setValue(
        _get(PasswordField.class, s -> s.withId("new-password")), "bob's long password Tq8vZw");
    _click(_get(Button.class, s -> s.withId("create-user")));
    User bob =
        ui.services.users().list().stream()
            .filter(u -> u.username().equals("bob"))
            .findFirst()
            .orElseThrow();
    assertThat(bob.role()).isEqualTo(User.USER);

    Grid<User> users = grid("users");
    int row = GridKt._get(users, 0).username().equals("bob") ? 0 : 1;
    _click(rowButton(users, row, "Disable"));
    assertThat(ui.services.users().find(bob.id()).orElseThrow().disabled()).isTrue();

    row = GridKt._get(users, 0).username().equals("bob") ? 0 : 1;
    _click(rowButton(users, row, "Reset password"));
    _setValue(_get(PasswordField.class, s -> s.withId("reset-password")), "a brand new secret");
    _click(_get(Button.class, s -> s.withId("reset-confirm")));
    assertThat(ui.services.users().verifyCredentials("bob", "a brand new secret")).isPresent();
  }

  @Test
  void a_too_short_password_is_refused_with_its_reason() {
    _setValue(_get(TextField.class, s -> s.withId("new-username")), "carol");
    _setValue(_get(PasswordField.class, s -> s.withId("new-password")), "short");
    _click(_get(Button.class, s -> s.withId("create-user")));
    PasswordField password = _get(PasswordField.class, s -> s.withId("new-password"));
    assertThat(password.isInvalid()).isTrue();
    assertThat(ui.services.users().list()).extracting(User::username).containsExactly("alice");
  }

  @Test
  void live_sessions_can_be_ended() {
    var created =
        ui.services
            .sessions()
            .create(new SamesongPrincipal(admin.id(), "admin", null, null, null), "Party", "x");
    ui.navigate("admin");
    Grid<?> sessions = grid("sessions");
    assertThat(GridKt._size(sessions)).isEqualTo(1);
    _click(rowButton(sessions, 0, "End"));
    assertThat(ui.services.sessions().find(created.id()).ended()).isTrue();
    assertThat(GridKt._size(sessions)).isZero();
  }

  @Test
  void accounts_without_admin_rights_are_sent_to_the_host_console() {
    User bob = ui.services.users().create("bob", "bob's long password Tq8vZw", User.USER);
    ui.signIn(bob);
    ui.navigate("admin");
    _assertOne(HostView.class);
    NotificationsKt.expectNotifications(
        "The admin screen is for administrators; bob can host sessions here."
            + " Ask an administrator for admin rights.");
  }

  @Test
  void a_session_ended_elsewhere_leaves_the_list_without_a_reload() {
    var created =
        ui.services
            .sessions()
            .create(new SamesongPrincipal(admin.id(), "admin", null, null, null), "Party", "x");
    ui.navigate("admin");
    Grid<?> sessions = grid("sessions");
    assertThat(GridKt._size(sessions)).isEqualTo(1);
    assertThat(rowButton(sessions, 0, "End").getElement().getAttribute("aria-label"))
        .isEqualTo("End Party");

    ui.services.sessions().end(created.id()); // by its host, on their own page
    _get(AdminView.class).refreshSessions(); // what the page's timer does every few seconds
    assertThat(GridKt._size(sessions)).isZero();
  }

  @Test
  void a_later_successful_save_replaces_the_not_saved_notice() {
    ui.navigate("admin");
    IntegerField deadBand =
        _get(IntegerField.class, s -> s.withId("setting-max_guests_per_session"));
    _setValue(deadBand, -5);
    _click(_get(Button.class, s -> s.withId("save-settings")));
    assertThat(deadBand.isInvalid()).isTrue();
    assertThat(NotificationsKt.getNotifications()).hasSize(1);
    assertThat(NotificationsKt.getNotifications().get(0).getElement().getProperty("text"))
        .startsWith("Not saved");

    _setValue(deadBand, 30);
    _click(_get(Button.class, s -> s.withId("save-settings")));
    NotificationsKt.expectNotifications("Settings saved");
    assertThat(deadBand.isInvalid()).isFalse();
  }
}
