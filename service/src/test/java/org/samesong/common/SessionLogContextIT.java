package org.samesong.common;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.session.SessionFixtures;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.slf4j.LoggerFactory;

/** Log lines a request writes carry the session it is about (SPEC §9), and only that one. */
class SessionLogContextIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final AppenderBase<ILoggingEvent> capture =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          event.prepareForDeferredProcessing();
          events.add(event);
        }
      };

  @BeforeEach
  void listen() {
    capture.start();
    root.addAppender(capture);
  }

  @AfterEach
  void stopListening() {
    root.detachAppender(capture);
  }

  @Test
  void lines_about_a_session_carry_its_id_and_others_carry_none() {
    SessionFixtures fx = SessionFixtures.of(APP);
    SessionFixtures.Host host = fx.newSession();
    SessionFixtures.Guest guest = fx.guest(host);

    assertThat(
            APP.delete(
                    "sessions/" + host.sessionId() + "/members/" + guest.memberId(), host.token())
                .status())
        .isEqualTo(204);
    APP.loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);

    ILoggingEvent kicked = line("guest " + guest.memberId() + " kicked");
    assertThat(kicked.getMDCPropertyMap()).containsEntry(SessionLogContext.KEY, host.sessionId());
    ILoggingEvent login = line("logged in");
    assertThat(login.getMDCPropertyMap()).doesNotContainKey(SessionLogContext.KEY);
  }

  private ILoggingEvent line(String containing) {
    return events.stream()
        .filter(e -> e.getFormattedMessage().contains(containing))
        .reduce((first, second) -> second)
        .orElseThrow(
            () -> new AssertionError("no log line with '" + containing + "' in " + events));
  }
}
