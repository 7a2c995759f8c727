package org.samesong.session;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Knocks at sessions in {@code knock} mode, kept after their decision. */
@RegisterConstructorMapper(KnockDao.Knock.class)
public interface KnockDao {
  /** One knock as stored. */
  record Knock(
      String id,
      String sessionId,
      String displayName,
      String tokenHash,
      String status,
      String deviceId,
      String addressKey,
      String memberId,
      long createdAt,
      Long decidedAt,
      String decidedBy,
      Long claimedAt) {}

  String PENDING = "pending";
  String ADMITTED = "admitted";
  String REFUSED = "refused";

  @SqlUpdate(
      """
      INSERT INTO knocks (id, session_id, display_name, token_hash, status, device_id, address_key, created_at)
      VALUES (:id, :sessionId, :displayName, :tokenHash, :status, :deviceId, :addressKey, :createdAt)
      """)
  void insert(@BindMethods Knock knock);

  @SqlQuery("SELECT * FROM knocks WHERE id = :id")
  Optional<Knock> find(@Bind("id") String id);

  @SqlQuery(
      "SELECT * FROM knocks WHERE session_id = :sessionId AND status = 'pending'"
          + " ORDER BY created_at, id")
  List<Knock> pending(@Bind("sessionId") String sessionId);

  @SqlQuery("SELECT COUNT(*) FROM knocks WHERE session_id = :sessionId AND status = 'pending'")
  int countPending(@Bind("sessionId") String sessionId);

  /** Decides a pending knock; 0 rows: decided already. */
  @SqlUpdate(
      """
      UPDATE knocks SET status = :status, member_id = :memberId, decided_at = :now, decided_by = :by
      WHERE id = :id AND status = 'pending'
      """)
  int decide(
      @Bind("id") String id,
      @Bind("status") String status,
      @Bind("memberId") String memberId,
      @Bind("now") long now,
      @Bind("by") String decidedBy);

  /** The knocker collects its tokens, once; 0 rows: collected already. */
  @SqlUpdate("UPDATE knocks SET claimed_at = :now WHERE id = :id AND claimed_at IS NULL")
  int claim(@Bind("id") String id, @Bind("now") long now);
}
