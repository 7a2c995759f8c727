package org.samesong.ui.shell;

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

    NotificationsKt.expectNotifications("this session is full");
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
