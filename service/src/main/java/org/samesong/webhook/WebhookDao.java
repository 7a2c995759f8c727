package org.samesong.webhook;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
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

  /** Inserts a delivery unless this event already has one for the URL. */
  @SqlUpdate(
      """
      INSERT INTO webhook_outbox (id, event_id, url, body, created_at, attempts, next_attempt_at)
      SELECT :id, :eventId, :url, :body, :createdAt, 0, :createdAt
      WHERE NOT EXISTS (SELECT 1 FROM webhook_outbox WHERE event_id = :eventId AND url = :url)
      """)
  int insert(
      @Bind("id") String id,
      @Bind("eventId") String eventId,
      @Bind("url") String url,
      @Bind("body") String body,
      @Bind("createdAt") long createdAt);

  /** The URLs that have a delivery due now. */
  @SqlQuery(
      """
      SELECT DISTINCT url FROM webhook_outbox
      WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= :now
      """)
  List<String> dueUrls(@Bind("now") long now);

  /** The oldest deliveries of a URL that are due now, at most {@code limit}. */
  @RegisterConstructorMapper(Delivery.class)
  @SqlQuery(
      """
      SELECT id, event_id, url, body, created_at, attempts, next_attempt_at FROM webhook_outbox
      WHERE url = :url AND delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= :now
      ORDER BY created_at, id
      LIMIT :limit
      """)
  List<Delivery> nextDue(@Bind("url") String url, @Bind("now") long now, @Bind("limit") int limit);

  /**
   * Takes a delivery for one attempt until {@code until}: 1 when this instance got it, 0 when
   * another one took it first.
   */
  @SqlUpdate(
      """
      UPDATE webhook_outbox SET next_attempt_at = :until
      WHERE id = :id AND next_attempt_at = :seen AND delivered_at IS NULL
      """)
  int claim(@Bind("id") String id, @Bind("seen") long seen, @Bind("until") long until);

  @SqlUpdate(
      "UPDATE webhook_outbox SET delivered_at = :now, attempts = attempts + 1, last_status = :status WHERE id = :id")
  void delivered(@Bind("id") String id, @Bind("now") long now, @Bind("status") int status);

  @SqlUpdate(
      """
      UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = :next, last_status = :status
      WHERE id = :id
      """)
  void failed(@Bind("id") String id, @Bind("next") long next, @Bind("status") Integer status);

  @SqlUpdate(
      "UPDATE webhook_outbox SET attempts = attempts + 1, given_up_at = :now, last_status = :status WHERE id = :id")
  void gaveUp(@Bind("id") String id, @Bind("now") long now, @Bind("status") Integer status);

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

  @SqlUpdate(
      """
      UPDATE webhook_targets SET last_status = :status, last_delivery_at = :at, last_error = :error,
        failures = CASE WHEN :ok THEN 0 ELSE failures + 1 END
      WHERE url = :url
      """)
  int attempted(
      @Bind("url") String url,
      @Bind("status") Integer status,
      @Bind("at") long at,
      @Bind("ok") boolean ok,
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
