package org.samesong.webhook;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The webhook outbox, the status of each URL and the signing secret. */
public interface WebhookDao {
  /** A delivery waiting (or done). */
  record Delivery(
      String id,
      String eventId,
      String url,
      String body,
      long createdAt,
      int attempts,
      long nextAttemptAt) {}

  /** A URL's last attempt. */
  record Target(
      String url, Integer lastStatus, Long lastDeliveryAt, int failures, String lastError) {}

  /** Pending deliveries of a URL. */
  record Pending(String url, long pending) {}

  /** An attempt's end, as {@link #finish} stores it. */
  record Finished(String id, long at, Integer status, long next) {}

  /** Stores an event's body once (instances of a cluster that see the same track start, too). */
  @SqlUpdate(
      """
      INSERT INTO webhook_events (id, body, created_at)
      SELECT :eventId, :body, :createdAt
      WHERE NOT EXISTS (SELECT 1 FROM webhook_events WHERE id = :eventId)
      """)
  void insertEvent(
      @Bind("eventId") String eventId,
      @Bind("body") String body,
      @Bind("createdAt") long createdAt);

  /**
   * Inserts one delivery per URL of an event (one batch: one round trip), skipping a URL this event
   * already has (instances of a cluster that see the same track start record it once).
   */
  @SqlBatch(
      """
      INSERT INTO webhook_outbox (id, event_id, url, created_at, attempts, next_attempt_at)
      SELECT :id, :eventId, :url, :createdAt, 0, :createdAt
      WHERE NOT EXISTS (SELECT 1 FROM webhook_outbox WHERE event_id = :eventId AND url = :url)
      """)
  void insert(
      @Bind("id") List<String> ids,
      @Bind("eventId") String eventId,
      @Bind("url") List<String> urls,
      @Bind("createdAt") long createdAt);

  /**
   * Takes up to {@code limit} of a URL's due deliveries, longest due first (a new one is due from
   * its creation), for one attempt until {@code until}, marked with {@code claim}: one statement
   * however many. A row another instance took meanwhile no longer matches (its next_attempt_at
   * moved on), so none is taken twice.
   */
  @SqlUpdate(
      """
      UPDATE webhook_outbox SET next_attempt_at = :until, claimed_by = :claim
      WHERE id IN (
          SELECT id FROM webhook_outbox
          WHERE url = :url AND delivered_at IS NULL AND given_up_at IS NULL
            AND next_attempt_at <= :now
          ORDER BY url, delivered_at, given_up_at, next_attempt_at
          LIMIT :limit)
        AND delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= :now
      """)
  int claim(
      @Bind("url") String url,
      @Bind("now") long now,
      @Bind("until") long until,
      @Bind("claim") String claim,
      @Bind("limit") int limit);

  /** What {@link #claim} took (found through the URL's index: until is their next_attempt_at). */
  @RegisterConstructorMapper(Delivery.class)
  @SqlQuery(
      """
      SELECT o.id, o.event_id, o.url, e.body, o.created_at, o.attempts, o.next_attempt_at
      FROM webhook_outbox o JOIN webhook_events e ON e.id = o.event_id
      WHERE o.url = :url AND o.delivered_at IS NULL AND o.given_up_at IS NULL
        AND o.next_attempt_at = :until AND o.claimed_by = :claim
      ORDER BY o.created_at, o.id
      """)
  List<Delivery> claimed(
      @Bind("url") String url, @Bind("until") long until, @Bind("claim") String claim);

  @SqlBatch(
      """
      UPDATE webhook_outbox SET delivered_at = :at, attempts = attempts + 1, last_status = :status
      WHERE id = :id
      """)
  void delivered(@BindMethods List<Finished> done);

  /** Failed attempts: each waits until its {@code next}. */
  @SqlBatch(
      """
      UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = :next, last_status = :status
      WHERE id = :id
      """)
  void failed(@BindMethods List<Finished> failed);

  @SqlBatch(
      """
      UPDATE webhook_outbox SET attempts = attempts + 1, given_up_at = :at, last_status = :status
      WHERE id = :id
      """)
  void gaveUp(@BindMethods List<Finished> given);

  /** Deliveries waiting (not in an attempt) since before {@code before} are given up. */
  @SqlUpdate(
      """
      UPDATE webhook_outbox SET given_up_at = :now
      WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= :now
        AND created_at < :before
      """)
  int giveUpOlder(@Bind("before") long before, @Bind("now") long now);

  /** Deliveries to URLs that are no longer configured are given up. */
  @SqlUpdate(
      """
      UPDATE webhook_outbox SET given_up_at = :now
      WHERE delivered_at IS NULL AND given_up_at IS NULL AND url NOT IN (<urls>)
      """)
  int giveUpOthers(
      @BindList(value = "urls", onEmpty = BindList.EmptyHandling.NULL_STRING) List<String> urls,
      @Bind("now") long now);

  /** Forgets finished deliveries older than {@code before}. */
  @SqlUpdate(
      "DELETE FROM webhook_outbox WHERE (delivered_at IS NOT NULL OR given_up_at IS NOT NULL) AND created_at < :before")
  int forget(@Bind("before") long before);

  /** Forgets the bodies of events older than {@code before} that no delivery needs any more. */
  @SqlUpdate(
      """
      DELETE FROM webhook_events WHERE created_at < :before
        AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.event_id = webhook_events.id)
      """)
  int forgetEvents(@Bind("before") long before);

  @RegisterConstructorMapper(Pending.class)
  @SqlQuery(
      """
      SELECT url, COUNT(*) AS pending FROM webhook_outbox
      WHERE delivered_at IS NULL AND given_up_at IS NULL GROUP BY url
      """)
  List<Pending> pending();

  @RegisterConstructorMapper(Target.class)
  @SqlQuery("SELECT url, last_status, last_delivery_at, failures, last_error FROM webhook_targets")
  List<Target> targets();

  /**
   * A URL's attempts since the last call: the last one's status and error; {@code failures} is the
   * count since the last success (from 0 again when {@code succeeded}, else added to).
   */
  @SqlUpdate(
      """
      UPDATE webhook_targets SET last_status = :status, last_delivery_at = :at, last_error = :error,
        failures = CASE WHEN :succeeded THEN :failures ELSE failures + :failures END
      WHERE url = :url
      """)
  int attempted(
      @Bind("url") String url,
      @Bind("status") Integer status,
      @Bind("at") long at,
      @Bind("succeeded") boolean succeeded,
      @Bind("failures") int failures,
      @Bind("error") String error);

  @SqlQuery("SELECT COUNT(*) FROM webhook_targets WHERE url = :url")
  int targetExists(@Bind("url") String url);

  @SqlUpdate("INSERT INTO webhook_targets (url, failures) VALUES (:url, 0)")
  void createTarget(@Bind("url") String url);

  @SqlQuery("SELECT secret FROM webhook_secret WHERE id = 1")
  Optional<String> secret();

  @SqlUpdate("INSERT INTO webhook_secret (id, secret, rotated_at) VALUES (1, :secret, :now)")
  void createSecret(@Bind("secret") String secret, @Bind("now") long now);

  @SqlUpdate("UPDATE webhook_secret SET secret = :secret, rotated_at = :now WHERE id = 1")
  int rotateSecret(@Bind("secret") String secret, @Bind("now") long now);
}
