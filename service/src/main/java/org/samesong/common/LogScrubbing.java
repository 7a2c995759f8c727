package org.samesong.common;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Keeps credentials out of every log line at every level: whatever a logger writes (ours, Jetty's
 * request lines and headers at DEBUG, a library's exception text) passes through {@link #scrub}
 * before it reaches a file or the console. Tokens (any JWT), stream signatures, {@code token=}
 * query parameters, bearer headers, cookies and JSON credential fields become {@code [redacted]}.
 *
 * <p>Installed once at start over the appenders that logging was configured with ({@link
 * #install}). The request log is configured apart and logs paths without their query strings.
 */
public final class LogScrubbing {
  static final String REDACTED = "[redacted]";

  /** A JWT: three base64url parts, the first a JSON header ({@code eyJ} is {@code {"}). */
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{8,}");

  /** Query parameters and cookies that are credentials, up to the next separator. */
  private static final Pattern PARAMETER =
      Pattern.compile(
          "(?i)((?:[?&;\\s]|^)(?:token|sig|signature|access_token|refresh_token|knock_token"
              + "|samesong_access|samesong_seat_[A-Za-z0-9]*|csrf|jsessionid)=)(?!\\[redacted])"
              + "[^&;,\\s\"'<>]+");

  /** Header values that are credentials. */
  private static final Pattern HEADER =
      Pattern.compile(
          "(?i)((?:authorization|x-csrf-token|x-samesong-signature)\\s*[:=]\\s*(?:bearer\\s+)?+)"
              + "(?!\\[redacted])[^\\s,;\"'\\]]+");

  /** JSON fields that are credentials. */
  private static final Pattern JSON_FIELD =
      Pattern.compile(
          "(?i)(\"(?:password|token|access_token|refresh_token|host_token|csrf_token|knock_token"
              + "|signing_secret|secret)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*\"?");

  private LogScrubbing() {}

  /** {@code text} with every credential in it replaced by {@code [redacted]}. */
  public static String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = JWT.matcher(text).replaceAll(REDACTED);
    out = replaceKeepingPrefix(PARAMETER, out);
    out = replaceKeepingPrefix(HEADER, out);
    out =
        JSON_FIELD
            .matcher(out)
            .replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + REDACTED + "\"");
    return out;
  }

  private static String replaceKeepingPrefix(Pattern pattern, String text) {
    return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + REDACTED);
  }

  /**
   * Puts {@link #scrub} between every configured appender and its layout. Call once logging is
   * configured; appenders added later (none are) would not be covered.
   */
  public static void install() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    for (Logger logger : context.getLoggerList()) {
      wrap(logger);
    }
  }

  private static void wrap(AppenderAttachable<ILoggingEvent> attachable) {
    Iterator<Appender<ILoggingEvent>> appenders = attachable.iteratorForAppenders();
    while (appenders.hasNext()) {
      Appender<ILoggingEvent> appender = appenders.next();
      if (appender instanceof AppenderAttachable<?> nested) {
        @SuppressWarnings("unchecked")
        AppenderAttachable<ILoggingEvent> children = (AppenderAttachable<ILoggingEvent>) nested;
        wrap(children);
      }
      if (appender instanceof OutputStreamAppender<ILoggingEvent> output) {
        Encoder<ILoggingEvent> encoder = output.getEncoder();
        if (encoder instanceof LayoutWrappingEncoder<ILoggingEvent> wrapping
            && !(wrapping.getLayout() instanceof ScrubbingLayout)
            && wrapping.getLayout() != null) {
          wrapping.setLayout(new ScrubbingLayout(wrapping.getLayout()));
        }
      }
    }
  }

  /** A layout that scrubs what another one wrote. */
  static final class ScrubbingLayout extends LayoutBase<ILoggingEvent> {
    private final Layout<ILoggingEvent> delegate;

    ScrubbingLayout(Layout<ILoggingEvent> delegate) {
      this.delegate = delegate;
      setContext(delegate.getContext());
      start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
      return scrub(delegate.doLayout(event));
    }

    @Override
    public String getFileHeader() {
      return delegate.getFileHeader();
    }

    @Override
    public String getPresentationHeader() {
      return delegate.getPresentationHeader();
    }

    @Override
    public String getPresentationFooter() {
      return delegate.getPresentationFooter();
    }

    @Override
    public String getFileFooter() {
      return delegate.getFileFooter();
    }

    @Override
    public String getContentType() {
      return delegate.getContentType();
    }
  }
}
