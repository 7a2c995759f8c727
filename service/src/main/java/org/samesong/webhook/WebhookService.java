package org.samesong.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.EventOutbox;
import org.samesong.common.Ids;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.samesong.webhook.api.WebhookStatusJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook outbox: records each session event once per configured URL in the transaction of the
 * change (see {@link EventOutbox}), and answers the admin screen (status, signing secret, test
 * event). Sending is {@link WebhookDeliveryService}'s.
 */
public class WebhookService implements EventOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

  /** The event {@code POST /api/admin/webhooks/test} sends. */
  public static final String TEST = "test";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbi jdbi;
  private final SettingsService settings;
  private final ObjectMapper mapper;
  private final Clock clock;
  private volatile Runnable recorded = () -> {};

  /** The longest body the outbox keeps (its column's length). */
  static final int MAX_BODY = 65_536;

  /** How long a secret read from the database is used before it is read again. */
  static final long SECRET_READ_MS = 5_000;

  private record Secret(String value, long readAtNanos) {}

  private volatile Secret secret;

  public WebhookService(Jdbi jdbi, SettingsService settings, ObjectMapper mapper, Clock clock) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Told (after the commit, on the committing thread: must not wait) that events were stored. */
  void onRecorded(Runnable recorded) {
    this.recorded = recorded;
  }

  @Override
  public boolean active() {
    return !settings.get(Settings.WEBHOOK_URLS).isEmpty();
  }

  @Override
  public void record(
      Handle h, String eventId, String event, String sessionId, long at, Map<String, ?> data) {
    List<String> urls = settings.get(Settings.WEBHOOK_URLS);
    if (urls.isEmpty()) {
      return;
    }
    String body = body(eventId, event, sessionId, at, data);
    if (body.length() > MAX_BODY) {
      // never fail the change for its webhook: the receiver learns of the event, not its details
      body = body(eventId, event, sessionId, at, Map.of("truncated", true));
    }
    List<String> ids = urls.stream().map(u -> Ids.newId()).toList();
    // the body once, a small row per URL (one batch): two round trips, whatever the URLs
    WebhookDao dao = h.attach(WebhookDao.class);
    long now = clock.millis();
    dao.insertEvent(eventId, body, now);
    dao.insert(ids, eventId, urls, now);
    h.afterCommit(recorded::run);
  }

  /** The JSON a receiver gets: {@code {event, event_id, session_id, at, data}}. */
  String body(String eventId, String event, String sessionId, long at, Map<String, ?> data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event);
    body.put("event_id", eventId);
    body.put("session_id", sessionId);
    body.put("at", Instant.ofEpochMilli(at).toString());
    body.put("data", data);
    try {
      return mapper.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a webhook event", e);
    }
  }

  /** Queues a {@code test} event to every URL; false when no URL is configured. */
  public boolean sendTest() {
    if (!active()) {
      return false;
    }
    long now = clock.millis();
    jdbi.useTransaction(
        h -> record(h, TEST, null, now, Map.of("message", "a test event from Samesong")));
    LOG.info("webhook test event queued");
    return true;
  }

  /**
   * The secret to sign with now: read from the database at most once every {@value #SECRET_READ_MS}
   * ms (not once per delivery), at once after a rotation here; a rotation on another instance of a
   * cluster is used here within that time.
   */
  String currentSecret() {
    Secret known = secret;
    long now = System.nanoTime();
    if (known == null || now - known.readAtNanos() > SECRET_READ_MS * 1_000_000L) {
      known = new Secret(signingSecret(), now);
      secret = known;
    }
    return known.value();
  }

  /** The signing secret, made on first use. */
  public String signingSecret() {
    return jdbi.inTransaction(
        h -> {
          WebhookDao dao = h.attach(WebhookDao.class);
          return dao.secret()
              .orElseGet(
                  () -> {
                    String made = newSecret();
                    dao.createSecret(made, clock.millis());
                    return made;
                  });
        });
  }

  /** Replaces the signing secret; deliveries from now on are signed with the new one. */
  public String rotateSecret() {
    String fresh = newSecret();
    jdbi.useTransaction(
        h -> {
          WebhookDao dao = h.attach(WebhookDao.class);
          if (dao.rotateSecret(fresh, clock.millis()) == 0) {
            dao.createSecret(fresh, clock.millis());
          }
        });
    secret = new Secret(fresh, System.nanoTime());
    LOG.info("webhook signing secret rotated");
    return fresh;
  }

  /** Every configured URL with its last attempt, failures and pending events. */
  public WebhookStatusJson status() {
    String secret = signingSecret();
    List<String> urls = settings.get(Settings.WEBHOOK_URLS);
    Map<String, WebhookDao.Target> targets = new HashMap<>();
    Map<String, Long> pending = new HashMap<>();
    jdbi.useExtension(
        WebhookDao.class,
        dao -> {
          dao.targets().forEach(t -> targets.put(t.url(), t));
          dao.pending().forEach(p -> pending.put(p.url(), p.pending()));
        });
    List<WebhookStatusJson.Url> rows =
        urls.stream()
            .map(
                u -> {
                  WebhookDao.Target t = targets.get(u);
                  return new WebhookStatusJson.Url(
                      u,
                      t == null ? null : t.lastStatus(),
                      t == null ? null : t.lastDeliveryAt(),
                      pending.getOrDefault(u, 0L),
                      t == null ? 0 : t.failures(),
                      t == null ? null : t.lastError());
                })
            .toList();
    return new WebhookStatusJson(secret, rows);
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "whsec_" + HexFormat.of().formatHex(bytes);
  }
}
