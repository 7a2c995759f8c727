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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Sends the outbox, off every request's and broadcast's thread, with bounded work:
 *
 * <ul>
 *   <li>One low-priority thread (the poller) does all the database work in rounds: at most {@value
 *       #MIN_ROUND_MS} ms apart however many events are stored (a burst of changes costs one round,
 *       not one per change), and every {@value #POLL_MS} ms for retries. A round is one
 *       transaction: it stores the attempts that ended since the last (a batch per kind), and per
 *       URL claims a batch of due deliveries with one statement (the claim is a lease of {@value
 *       #LEASE_MS} ms in the database, so two instances never send the same one at once, and a
 *       crash mid-send sends it again after the lease: at least once); then it starts them.
 *   <li>Sends are asynchronous (java.net.http): no thread waits for a receiver. A URL has at most
 *       {@value #IN_FLIGHT_PER_URL} deliveries in flight, each with a {@link #TIMEOUT} timeout, so
 *       a slow receiver delays only its own deliveries and holds no thread.
 *   <li>A failure (no 2xx, no answer, a refused address) is tried again after 1, 2, 4 … seconds, at
 *       most an hour apart, for 24 hours. A URL that fails is paused for the same backoff and then
 *       probed with one delivery at a time until one gets through: a dead receiver costs one
 *       attempt per backoff step, not one per waiting event.
 * </ul>
 *
 * Deliveries of one URL may arrive in any order (several are in flight at once); receivers order by
 * {@code at} and deduplicate by {@code event_id}.
 */
public class WebhookDeliveryService implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryService.class);
  public static final String SIGNATURE_HEADER = "X-Samesong-Signature";
  public static final String EVENT_ID_HEADER = "X-Samesong-Event-Id";

  static final long POLL_MS = 500;
  static final long MIN_ROUND_MS = 200;
  static final int IN_FLIGHT_PER_URL = 32;
  static final long FIRST_RETRY_MS = 1_000;
  static final long MAX_RETRY_MS = 3_600_000;
  static final long GIVE_UP_AFTER_MS = 24 * 3_600_000L;
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** How long a claimed delivery is this instance's (longer than an attempt can take). */
  static final long LEASE_MS = 30_000;

  private static final long HOUSEKEEPING_MS = 60_000;
  private static final long KEEP_DONE_MS = 7 * 24 * 3_600_000L;

  private final Jdbi jdbi;
  private final WebhookService webhooks;
  private final SettingsService settings;
  private final UrlGuard guard;
  private final Clock clock;
  private final ExecutorService httpThreads =
      Executors.newFixedThreadPool(2, r -> lowPriority(r, "webhook-http"));
  private final HttpClient http;
  private final Queue<Ended> ended = new ConcurrentLinkedQueue<>();
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private final AtomicBoolean roundQueued = new AtomicBoolean();
  private final AtomicLong lastHousekeeping = new AtomicLong();
  private volatile long lastRoundNanos = System.nanoTime() - MIN_ROUND_MS * 1_000_000L;
  private ScheduledExecutorService poller;

  /** An attempt that ended (on an HTTP thread), for the poller to store. */
  private record Ended(WebhookDao.Delivery delivery, Integer status, String error, long at) {
    boolean ok() {
      return error == null;
    }
  }

  /** A URL as this instance sends to it. Fields other than inFlight: the poller's alone. */
  private static final class Target {
    final AtomicInteger inFlight = new AtomicInteger();
    boolean rowMade;

    /** Failed probes in a row: 0 while the URL takes deliveries; then the backoff's step. */
    int failing;

    long pausedUntil;
  }

  public WebhookDeliveryService(
      Jdbi jdbi, WebhookService webhooks, SettingsService settings, UrlGuard guard, Clock clock) {
    this.jdbi = jdbi;
    this.webhooks = webhooks;
    this.settings = settings;
    this.guard = guard;
    this.clock = clock;
    this.http = lowPriorityClient(httpThreads);
    webhooks.onRecorded(this::wake);
  }

  /**
   * The HTTP client, built on a low-priority thread: its selector thread (which does the sockets'
   * I/O) takes the priority of the thread that builds it.
   */
  private static HttpClient lowPriorityClient(ExecutorService executor) {
    HttpClient[] built = new HttpClient[1];
    Thread builder =
        lowPriority(
            () ->
                built[0] =
                    HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build(),
            "webhook-client-builder");
    builder.start();
    try {
      builder.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the webhook client", e);
    }
    return built[0];
  }

  @Override
  public void start() {
    poller = Executors.newSingleThreadScheduledExecutor(r -> lowPriority(r, "webhook-poller"));
    poller.scheduleWithFixedDelay(this::round, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (poller != null) {
      poller.shutdownNow();
    }
    httpThreads.shutdownNow();
  }

  /**
   * Events were stored or an attempt ended: a round soon, at most one queued at a time and no
   * sooner than {@value #MIN_ROUND_MS} ms after the last (only queues; never waits).
   */
  void wake() {
    ScheduledExecutorService p = poller;
    if (p == null || !roundQueued.compareAndSet(false, true)) {
      return;
    }
    long waitNanos = lastRoundNanos + MIN_ROUND_MS * 1_000_000L - System.nanoTime();
    try {
      p.schedule(
          () -> {
            roundQueued.set(false);
            round();
          },
          Math.max(0, waitNanos),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      roundQueued.set(false);
    }
  }

  /**
   * On the poller: stores the attempts that ended and claims what is due, in one transaction (one
   * commit a round, whatever the URLs), then starts the claimed deliveries.
   */
  private void round() {
    lastRoundNanos = System.nanoTime();
    try {
      long now = clock.millis();
      housekeeping(now);
      List<Ended> batch = new ArrayList<>();
      for (Ended e; (e = ended.poll()) != null; ) {
        batch.add(e);
      }
      Map<String, List<Ended>> byUrl = new LinkedHashMap<>();
      for (Ended e : batch) {
        byUrl.computeIfAbsent(e.delivery().url(), u -> new ArrayList<>()).add(e);
      }
      byUrl.forEach(this::pace);
      List<String> configured = settings.get(Settings.WEBHOOK_URLS);
      targets.keySet().retainAll(configured);
      Map<String, Integer> rooms = new LinkedHashMap<>();
      for (String url : configured) {
        int room = room(targets.computeIfAbsent(url, u -> new Target()), now);
        if (room > 0) {
          rooms.put(url, room);
        }
      }
      if (batch.isEmpty() && rooms.isEmpty()) {
        return;
      }
      // when this fails, the ended attempts are not stored: their leases lapse and they are sent
      // again (at least once)
      Map<String, List<WebhookDao.Delivery>> claimed =
          jdbi.inTransaction(
              h -> {
                WebhookDao dao = h.attach(WebhookDao.class);
                store(dao, batch, byUrl);
                Map<String, List<WebhookDao.Delivery>> due = new LinkedHashMap<>();
                rooms.forEach((url, room) -> due.put(url, claim(dao, url, room, now)));
                return due;
              });
      claimed.forEach((url, due) -> start(url, due));
    } catch (RuntimeException e) {
      if (DatabaseDown.is(e)) {
        DatabaseDown.note("webhook outbox", e);
      } else {
        LOG.warn("webhook outbox: {}", e.toString());
      }
    }
  }

  /** How many deliveries a URL may start now: none while paused, one probe while failing. */
  private static int room(Target target, long now) {
    if (now < target.pausedUntil) {
      return 0;
    }
    return target.failing > 0
        ? (target.inFlight.get() == 0 ? 1 : 0)
        : IN_FLIGHT_PER_URL - target.inFlight.get();
  }

  /**
   * Claims up to {@code room} of a URL's due deliveries (two statements, none when none is due).
   */
  private List<WebhookDao.Delivery> claim(WebhookDao dao, String url, int room, long now) {
    String claim = UUID.randomUUID().toString();
    long until = now + LEASE_MS;
    if (dao.claim(url, now, until, claim, room) == 0) {
      return List.of();
    }
    Target target = targets.get(url);
    if (target != null && !target.rowMade) {
      ensureTarget(dao, url);
      target.rowMade = true;
    }
    return dao.claimed(url, until, claim);
  }

  /** Starts a URL's claimed deliveries (asynchronous sends: nothing here waits for them). */
  private void start(String url, List<WebhookDao.Delivery> due) {
    Target target = targets.computeIfAbsent(url, u -> new Target());
    if (due.isEmpty()) {
      return;
    }
    String refused = refusal(url);
    String secret = refused == null ? webhooks.currentSecret() : null;
    for (WebhookDao.Delivery d : due) {
      target.inFlight.incrementAndGet();
      if (refused != null) {
        end(d, target, null, refused);
      } else {
        send(d, target, secret);
      }
    }
  }

  /** Why the URL may not be sent to now (a private address), or null. */
  private String refusal(String url) {
    try {
      URI uri = URI.create(url);
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      guard.resolve(uri.getHost(), port);
      return null;
    } catch (UrlGuard.RefusedAddressException e) {
      return "refused: " + e.getMessage() + " (allow_private_urls is off)";
    } catch (java.net.UnknownHostException | RuntimeException e) {
      return abbreviate(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void send(WebhookDao.Delivery d, Target target, String secret) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(d.url()))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .header("User-Agent", "Samesong-Webhooks")
              .header(EVENT_ID_HEADER, d.eventId())
              .header(SIGNATURE_HEADER, "sha256=" + sign(secret, d.body()))
              .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8))
              .build();
    } catch (RuntimeException e) {
      end(d, target, null, abbreviate(e.toString()));
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                String message = cause.getMessage();
                end(
                    d,
                    target,
                    null,
                    abbreviate(
                        cause.getClass().getSimpleName()
                            + (message == null ? "" : ": " + message)));
              } else {
                int status = response.statusCode();
                end(d, target, status, status / 100 == 2 ? null : "answered " + status);
              }
            });
  }

  /** An attempt ended: the poller stores it in its next round (soon). */
  private void end(WebhookDao.Delivery d, Target target, Integer status, String error) {
    ended.add(new Ended(d, status, error, clock.millis()));
    target.inFlight.decrementAndGet();
    wake();
  }

  /** Stores the attempts that ended: a batch per kind, one status update per URL. */
  private static void store(WebhookDao dao, List<Ended> batch, Map<String, List<Ended>> byUrl) {
    if (batch.isEmpty()) {
      return;
    }
    List<WebhookDao.Finished> delivered = new ArrayList<>();
    List<WebhookDao.Finished> failed = new ArrayList<>();
    List<WebhookDao.Finished> gaveUp = new ArrayList<>();
    for (Ended e : batch) {
      WebhookDao.Delivery d = e.delivery();
      if (e.ok()) {
        delivered.add(new WebhookDao.Finished(d.id(), e.at(), e.status(), 0));
      } else if (e.at() - d.createdAt() >= GIVE_UP_AFTER_MS) {
        gaveUp.add(new WebhookDao.Finished(d.id(), e.at(), e.status(), 0));
        LOG.warn("webhook {}: event {} given up after 24 h", origin(d.url()), d.eventId());
      } else {
        long next = e.at() + backoff(d.attempts() + 1);
        failed.add(new WebhookDao.Finished(d.id(), e.at(), e.status(), next));
      }
    }
    if (!delivered.isEmpty()) {
      dao.delivered(delivered);
    }
    if (!failed.isEmpty()) {
      dao.failed(failed);
    }
    if (!gaveUp.isEmpty()) {
      dao.gaveUp(gaveUp);
    }
    byUrl.forEach((url, list) -> attempted(dao, url, list));
  }

  /** The URL's status row: its last attempt, and the failures since its last success. */
  private static void attempted(WebhookDao dao, String url, List<Ended> list) {
    Ended last = list.get(list.size() - 1);
    int sinceSuccess = 0;
    boolean succeeded = false;
    for (Ended e : list) {
      if (e.ok()) {
        succeeded = true;
        sinceSuccess = 0;
      } else {
        sinceSuccess++;
      }
    }
    dao.attempted(url, last.status(), last.at(), succeeded, sinceSuccess, last.error());
    if (!last.ok()) {
      LOG.info(
          "webhook {}: {} attempt(s) failed, the last ({}) for event {}",
          origin(url),
          list.stream().filter(e -> !e.ok()).count(),
          last.error(),
          last.delivery().eventId());
    }
  }

  /** A success opens the URL again; a failure pauses it for the next step of the backoff. */
  private void pace(String url, List<Ended> list) {
    Target target = targets.get(url);
    if (target == null) {
      return;
    }
    Ended last = list.get(list.size() - 1);
    if (last.ok()) {
      target.failing = 0;
      target.pausedUntil = 0;
    } else if (target.failing == 0 || last.at() >= target.pausedUntil) {
      // a probe failed (or the first failure): the next step of the backoff. Attempts that were in
      // flight when the URL was paused and fail during the pause do not count as more steps.
      target.failing = Math.min(target.failing + 1, 31);
      long rowWait = backoff(last.delivery().attempts() + 1);
      target.pausedUntil = last.at() + Math.max(backoff(target.failing), rowWait);
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
          // those a paused URL never got to try are given up together after 24 h
          int old = dao.giveUpOlder(now - GIVE_UP_AFTER_MS, now);
          if (old > 0) {
            LOG.warn("webhooks: {} deliveries given up after 24 h", old);
          }
          dao.forget(now - KEEP_DONE_MS);
          dao.forgetEvents(now - KEEP_DONE_MS);
        });
  }

  /** The URL's status row, made before its first attempt (two instances may race to make it). */
  private static void ensureTarget(WebhookDao dao, String url) {
    if (dao.targetExists(url) == 0) {
      try {
        dao.createTarget(url);
      } catch (RuntimeException raced) {
        LOG.debug("webhook {}: status row made by another instance", origin(url));
      }
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

  /**
   * A daemon thread at the lowest priority. On Linux the JVM turns priorities into nice values only
   * with {@code -XX:ThreadPriorityPolicy=1} (lowering needs no privilege; not measured yet, see
   * bench/README.md): then these threads run at nice 4 and yield the CPU to request threads.
   */
  private static Thread lowPriority(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    return t;
  }
}
