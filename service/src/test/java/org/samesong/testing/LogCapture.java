package org.samesong.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Everything the application logs (at the levels its configuration lets through) while open: an
 * appender on the root logger, added after the application configured logging.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LogCapture() {}

  public static LogCapture attach() {
    LogCapture capture = new LogCapture();
    capture.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    capture.setName("test-capture");
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    events.add(event);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** Level, logger, thread, message and any stack trace of an event, as one text. */
  public static String describe(ILoggingEvent e) {
    String text =
        e.getLevel()
            + " ["
            + e.getThreadName()
            + "] "
            + e.getLoggerName()
            + " "
            + e.getMDCPropertyMap()
            + " - "
            + e.getFormattedMessage();
    if (e.getThrowableProxy() != null) {
      text += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
    }
    return text;
  }

  /** The events at WARN or above of loggers whose names start with one of {@code prefixes}. */
  public List<String> warnings(String... prefixes) {
    return events.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
        .filter(e -> java.util.Arrays.stream(prefixes).anyMatch(e.getLoggerName()::startsWith))
        .map(LogCapture::describe)
        .toList();
  }

  /** The events at ERROR, described. */
  public List<String> errors() {
    return events.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
        .map(LogCapture::describe)
        .toList();
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }
}
