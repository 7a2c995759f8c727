package org.samesong.webhook;

import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.DatabaseDown;
import org.samesong.media.url.UrlGuard;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox: a poller of its own finds URLs with deliveries due (every half second, and at
 * once when an event is stored), and one sender per URL sends that URL's deliveries oldest first,
 * one at a time, so a slow or dead receiver delays only itself. A delivery is claimed in the
 * database before it is sent, so two instances never send the same one at the same time (a crash
 * mid-send sends it again after the claim lapses: at least once). A failure (no 2xx, no answer, a
 * refused address) is tried again after 1, 2, 4 … seconds, at most an hour apart, for 24 hours.
 * Nothing here runs on a request's or a broadcast's thread, and no lock is held while sending.
 */
public class WebhookDeliveryService implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryService.class);
  public static final String SIGNATURE_HEADER = "X-Samesong-Signature";
  public static final String EVENT_ID_HEADER = "X-Samesong-Event-Id";

  static final long POLL_MS = 500;
  static final int BATCH = 50;
  static final long FIRST_RETRY_MS = 1_000;
  static final long MAX_RETRY_MS = 3_600_000;
  static final long GIVE_UP_AFTER_MS = 24 * 3_600_000L;
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** How long a claimed delivery is this instance's (longer than an attempt can take). */
  static final long LEASE_MS = 60_000;

  private static final long HOUSEKEEPING_MS = 60_000;
  private static final long KEEP_DONE_MS = 7 * 24 * 3_600_000L;

  private final Jdbi jdbi;
  private final WebhookService webhooks;
  private final SettingsService settings;
  private final UrlGuard guard;
  private final Clock clock;
  private final HttpClient http;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pollQueued = new AtomicBoolean();
  private final AtomicLong lastHousekeeping = new AtomicLong();
  private ScheduledExecutorService poller;
  private ExecutorService senders;

  public WebhookDeliveryService(
      Jdbi jdbi, WebhookService webhooks, SettingsService settings, UrlGuard guard, Clock clock) {
    this.jdbi = jdbi;
    this.webhooks = webhooks;
    this.settings = settings;
    this.guard = guard;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newCachedThreadPool(r -> daemon(r, "webhook-http")))
            .build();
    webhooks.onRecorded(this::wake);
  }

  @Override
  public void start() {
    poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "webhook-poller"));
    senders = Executors.newCachedThreadPool(r -> daemon(r, "webhook-sender"));
    poller.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (poller != null) {
      poller.shutdownNow();
      senders.shutdownNow();
    }
  }

  /** Events were stored: look now rather than at the next tick (only queues; never waits). */
  void wake() {
    ScheduledExecutorService p = poller;
    if (p != null && pollQueued.compareAndSet(false, true)) {
      try {
        p.execute(
            () -> {
              pollQueued.set(false);
              poll();
            });
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        pollQueued.set(false);
      }
    }
  }

  private void poll() {
    try {
      long now = clock.millis();
      housekeeping(now);
      List<String> configured = settings.get(Settings.WEBHOOK_URLS);
      if (configured.isEmpty()) {
        return; // no webhook: no query twice a second
      }
      for (String url : jdbi.withExtension(WebhookDao.class, dao -> dao.dueUrls(now))) {
        if (configured.contains(url) && busy.add(url)) {
          senders.execute(() -> drain(url));
        }
      }
    } catch (RuntimeException e) {
      if (DatabaseDown.is(e)) {
        DatabaseDown.note("webhook outbox", e);
      } else {
        LOG.warn("webhook outbox: {}", e.toString());
      }
    }
  }

  private void housekeeping(long now) {
    long last = lastHousekeeping.get();
    if (now - last < HOUSEKEEPING_MS || !lastHousekeeping.compareAndSet(last, now)) {
      return;
    }
    List<String> configured = settings.get(Settings.WEBHOOK_URLS);
    jdbi.useExtension(
        WebhookDao.class,
        dao -> {
          int dropped = dao.giveUpOthers(configured, now);
          if (dropped > 0) {
            LOG.info("webhooks: {} deliveries to URLs no longer configured dropped", dropped);
          }
          dao.forget(now - KEEP_DONE_MS);
        });
  }

  /** Sends a URL's due deliveries, oldest first, one at a time (read a batch at a time). */
  private void drain(String url) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long now = clock.millis();
        List<WebhookDao.Delivery> due =
            jdbi.withExtension(WebhookDao.class, dao -> dao.nextDue(url, now, BATCH));
        if (due.isEmpty()) {
          return;
        }
        ensureTarget(url);
        for (WebhookDao.Delivery d : due) {
          long at = clock.millis();
          boolean mine =
              jdbi.withExtension(
                      WebhookDao.class, dao -> dao.claim(d.id(), d.nextAttemptAt(), at + LEASE_MS))
                  == 1;
          if (mine && !attempt(d)) {
            break; // it failed: the ones behind it wait for the next round, in order
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("webhook {}: {}", origin(url), e.toString());
    } finally {
      busy.remove(url);
    }
  }

  /** The URL's status row, made before its first attempt (two instances may race to make it). */
  private void ensureTarget(String url) {
    jdbi.useExtension(
        WebhookDao.class,
        dao -> {
          if (dao.targetExists(url) == 0) {
            try {
              dao.createTarget(url);
            } catch (RuntimeException raced) {
              LOG.debug("webhook {}: status row made by another instance", origin(url));
            }
          }
        });
  }

  /** One attempt; true when it was delivered. */
  private boolean attempt(WebhookDao.Delivery d) {
    Integer status = null;
    String error = null;
    try {
      URI uri = URI.create(d.url());
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      guard.resolve(uri.getHost(), port);
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .header("User-Agent", "Samesong-Webhooks")
              .header(EVENT_ID_HEADER, d.eventId())
              .header(SIGNATURE_HEADER, "sha256=" + sign(webhooks.signingSecret(), d.body()))
              .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8))
              .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      status = response.statusCode();
      if (status < 200 || status > 299) {
        error = "answered " + status;
      }
    } catch (UrlGuard.RefusedAddressException e) {
      error = "refused: " + e.getMessage() + " (allow_private_urls is off)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    } catch (Exception e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    record(d, status, error == null ? null : abbreviate(error));
    return error == null;
  }

  private void record(WebhookDao.Delivery d, Integer status, String error) {
    long now = clock.millis();
    boolean ok = error == null;
    jdbi.useTransaction(
        h -> {
          WebhookDao dao = h.attach(WebhookDao.class);
          if (ok) {
            dao.delivered(d.id(), now, status);
          } else if (now - d.createdAt() >= GIVE_UP_AFTER_MS) {
            dao.gaveUp(d.id(), now, status);
            LOG.warn("webhook {}: event {} given up after 24 h", origin(d.url()), d.eventId());
          } else {
            dao.failed(d.id(), now + backoff(d.attempts() + 1), status);
          }
          dao.attempted(d.url(), status, now, ok, error);
        });
    if (!ok) {
      LOG.info(
          "webhook {}: event {} failed ({}), tried {} time(s)",
          origin(d.url()),
          d.eventId(),
          error,
          d.attempts() + 1);
    }
  }

  /** The wait after the {@code failures}-th failure: 1 s, 2 s, 4 s … at most an hour. */
  static long backoff(int failures) {
    int doublings = Math.min(failures - 1, 30);
    return Math.min(FIRST_RETRY_MS << doublings, MAX_RETRY_MS);
  }

  /** The hex HMAC-SHA256 of a body: what {@code X-Samesong-Signature} carries after "sha256=". */
  public static String sign(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }

  /**
   * What a log line says of a URL: scheme, host and port only (a path may hold a credential, as
   * chat services' webhook URLs do).
   */
  static String origin(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "(a webhook URL)";
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
