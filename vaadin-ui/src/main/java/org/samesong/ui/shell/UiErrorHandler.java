package org.samesong.ui.shell;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ErrorHandler;
import org.samesong.common.ApiException;
import org.samesong.common.DatabaseDown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One error handler per Vaadin session: a refusal from a service shows its message, an unreachable
 * database says so; anything else is logged and shown as a generic failure, never as a stack trace.
 */
public class UiErrorHandler implements ErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(UiErrorHandler.class);

  @Override
  public void error(ErrorEvent event) {
    ApiException refusal = find(event.getThrowable());
    String message;
    if (refusal != null) {
      message = FieldRules.human(refusal);
    } else if (DatabaseDown.is(event.getThrowable())) {
      DatabaseDown.note("the web UI", event.getThrowable());
      message = "The database is unavailable at the moment; try again shortly.";
    } else {
      LOG.error("unexpected failure in the UI", event.getThrowable());
      message = "Something went wrong on the server; it has been logged.";
    }
    UI ui = UI.getCurrent();
    if (ui != null) {
      ui.access(() -> Notices.error(message));
    }
  }

  static ApiException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApiException api) {
        return api;
      }
    }
    return null;
  }
}
