package org.samesong.ui.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.server.ErrorEvent;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.common.ApiException;
import org.samesong.ui.UiTestSupport;

class UiErrorHandlerTest {
  private UiTestSupport ui;

  @BeforeEach
  void start() {
    ui = new UiTestSupport();
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private static void fail(Throwable t) {
    new UiErrorHandler().error(new ErrorEvent(t));
    MockVaadin.clientRoundtrip();
  }

  @Test
  void a_refusal_shows_its_own_message() {
    fail(new RuntimeException(ApiException.conflict("session_full", "this session is full")));

    NotificationsKt.expectNotifications("This session is full");
  }

  @Test
  void a_refusal_naming_an_api_field_reads_in_words() {
    fail(ApiException.badRequest("position_ms", "must not be negative"));

    NotificationsKt.expectNotifications("Position must not be negative");
  }

  @Test
  void field_names_and_urls_in_a_refusal_read_as_words() {
    assertThat(FieldRules.human(ApiException.badRequest("track_id", "is required (or a url)")))
        .isEqualTo("Track is required (or a URL)");
    assertThat(FieldRules.human(ApiException.badRequest("display_name", "is required")))
        .isEqualTo("Name is required");
    assertThat(FieldRules.human(ApiException.badRequest("some_new_field", "is wrong")))
        .isEqualTo("Some new field is wrong");
    assertThat(FieldRules.sentence(ApiException.badRequest("position_ms", "is required to seek")))
        .isEqualTo("Required to seek");
  }

  @Test
  void a_database_that_cannot_be_reached_is_said_so_not_reported_as_a_failure() {
    fail(new IllegalStateException("no connection", new SQLException("refused", "08001")));

    NotificationsKt.expectNotifications(
        "The database is unavailable at the moment; try again shortly.");
  }

  @Test
  void anything_else_is_a_generic_failure_without_details() {
    fail(new NullPointerException("secret detail"));

    NotificationsKt.expectNotifications("Something went wrong on the server; it has been logged.");
  }
}
