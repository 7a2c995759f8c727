package org.samesong.ui.host;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._assertOne;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.ui.UiTestSupport;
import org.samesong.user.User;

/** The console's integrations: request log downloads, integration tokens made and revoked. */
class IntegrationsPanelTest {
  private UiTestSupport ui;
  private String sessionId;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    User admin = ui.services.users().createFirstAdmin("alice", "correct horse battery");
    ui.signIn(admin);
    ui.navigate("host");
    _setValue(_get(TextField.class, s -> s.withId("session-name")), "Friday");
    _click(_get(Button.class, s -> s.withId("start-session")));
    sessionId = _get(HostConsole.class).session().id();
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  @Test
  void the_request_log_downloads_as_csv_and_json() {
    Anchor csv = _get(Anchor.class, s -> s.withId("export-csv"));
    Anchor json = _get(Anchor.class, s -> s.withId("export-json"));
    assertThat(csv.getHref()).isNotBlank();
    assertThat(json.getHref()).isNotBlank().isNotEqualTo(csv.getHref());
    assertThat(csv.getElement().hasAttribute("download")).isTrue();
  }

  @Test
  void a_token_is_shown_once_listed_by_name_and_revoked() {
    _setValue(_get(TextField.class, s -> s.withId("integration-name")), "OBS overlay");
    _click(_get(Button.class, s -> s.withId("integration-create")));
    TextField shown = _get(TextField.class, s -> s.withId("integration-token"));
    assertThat(shown.isVisible()).isTrue();
    assertThat(shown.getValue()).startsWith("ssi_");
    assertThat(ui.services.integrationTokens().authenticate(shown.getValue())).isPresent();
    _assertOne(HorizontalLayout.class, s -> s.withClasses("integration-token-row"));

    String id = ui.services.integrationTokens().list(sessionId).get(0).id();
    _click(_get(Button.class, s -> s.withId("revoke-" + id)));
    _assertNone(HorizontalLayout.class, s -> s.withClasses("integration-token-row"));
    assertThat(ui.services.integrationTokens().authenticate(shown.getValue())).isEmpty();
    assertThat(_find(Button.class, s -> s.withId("revoke-" + id))).isEmpty();
  }
}
