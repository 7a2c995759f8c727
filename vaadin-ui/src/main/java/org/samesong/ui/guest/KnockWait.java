package org.samesong.ui.guest;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.util.function.Consumer;
import org.samesong.common.ApiException;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;
import org.samesong.ui.shell.SessionFollower;
import org.samesong.ui.shell.UiServices;

/**
 * "Waiting to be let in": a knock at a session in {@code knock} mode, until the host or a co-host
 * decides. It follows the session's broadcasts (no polling): when the knock is admitted it collects
 * the guest's tokens and hands them on, so the browser lands in the player by push; a refusal, or
 * the session ending, is said plainly.
 */
final class KnockWait extends VerticalLayout {
  private final String sessionId;
  private final KnockJson knock;
  private final Consumer<JoinedJson> onAdmitted;
  private final Paragraph status = new Paragraph();
  private final ProgressBar spinner = new ProgressBar();
  private boolean done;

  /**
   * @param knock the knock as the join answered it (with its secret {@code knock_token})
   * @param onAdmitted gets the guest's join answer once the knock is admitted
   */
  KnockWait(
      String sessionId, String sessionName, KnockJson knock, Consumer<JoinedJson> onAdmitted) {
    this.sessionId = sessionId;
    this.knock = knock;
    this.onAdmitted = onAdmitted;
    setId("knock-waiting");
    setAlignItems(FlexComponent.Alignment.CENTER);
    spinner.setIndeterminate(true);
    spinner.setWidth("min(100%, 20rem)");
    status.setId("knock-status");
    status.setText(
        "The host lets guests in one by one. Keep this page open: the music starts here as soon"
            + " as they let you in.");
    add(
        new H1("Samesong"),
        new H2("Waiting to be let in to \u201c" + sessionName + "\u201d"),
        new Paragraph("You knocked as " + knock.displayName() + "."),
        spinner,
        status);
    new SessionFollower(this, this::onBroadcast).follow(sessionId);
    // decided before this page followed the session: ask once
    addAttachListener(e -> check());
  }

  private void onBroadcast(SessionFollower.Broadcast b) {
    switch (b.type()) {
      case "knock" -> {
        if (knock.knockId().equals(b.message().path("knock_id").asText())) {
          check();
        }
      }
      case "session_ended" -> finish("The session has ended before anyone let you in.");
      default -> {
        // nothing else concerns a knocker
      }
    }
  }

  private void check() {
    if (done) {
      return;
    }
    Object answer;
    try {
      answer = UiServices.get().knocks().status(knock.knockId(), knock.knockToken());
    } catch (ApiException e) {
      finish("This knock is no longer valid: " + e.getMessage());
      return;
    }
    if (answer instanceof JoinedJson joined) {
      done = true;
      onAdmitted.accept(joined);
    } else if (answer instanceof KnockJson k && "refused".equals(k.status())) {
      finish(
          "The host did not let you in this time. If you think that is a mistake, ask them and"
              + " knock again.");
    }
  }

  private void finish(String message) {
    done = true;
    spinner.setVisible(false);
    status.setId("knock-refused");
    status.setText(message);
  }

  String sessionId() {
    return sessionId;
  }
}
