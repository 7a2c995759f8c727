package org.samesong.ui.admin;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.textfield.TextField;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.ui.UiTestSupport;

/** The admin screen's webhooks: each URL's status, the signing secret and its rotation. */
class WebhooksSectionTest {
  private UiTestSupport ui;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
    ui.signIn(ui.services.users().createFirstAdmin("alice", "correct horse battery"));
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  @Test
  void it_lists_the_urls_and_rotates_the_secret() {
    ui.services
        .settings()
        .update(
            Map.of(
                "webhook_urls",
                JsonNodeFactory.instance.arrayNode().add("https://bot.example/hook")));
    ui.navigate("admin");
    TextField secret = _get(TextField.class, s -> s.withId("webhook-secret"));
    String before = secret.getValue();
    assertThat(before).startsWith("whsec_");
    @SuppressWarnings("unchecked")
    Grid<Object> urls = _get(Grid.class, s -> s.withId("webhook-urls"));
    assertThat(urls.getGenericDataView().getItems().count()).isEqualTo(1);

    _click(_get(Button.class, s -> s.withId("webhook-rotate")));
    assertThat(secret.getValue()).startsWith("whsec_").isNotEqualTo(before);
    assertThat(ui.services.webhooks().status().signingSecret()).isEqualTo(secret.getValue());
  }
}
