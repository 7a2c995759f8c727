package org.samesong.request;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The request log: every guest proposal and its outcome, never deleted. */
@RegisterConstructorMapper(RequestDao.Row.class)
public interface RequestDao {
  /** One request with its author's display name. */
  record Row(
      String id,
      String sessionId,
      String requestedBy,
      String requestedByName,
      String action,
      String payload,
      String targetItemId,
      String note,
      String status,
      String reason,
      long createdAt,
      Long decidedAt,
      String decidedBy) {}

  String SELECT =
      """
      SELECT r.id, r.session_id, r.requested_by, m.display_name AS requested_by_name, r.action, r.payload,
             r.target_item_id, r.note, r.status, r.reason, r.created_at, r.decided_at, r.decided_by
      FROM requests r LEFT JOIN members m ON m.id = r.requested_by
      """;

  @SqlUpdate(
      """
      INSERT INTO requests (id, session_id, requested_by, action, payload, target_item_id, note, status, created_at)
      VALUES (:id, :sessionId, :requestedBy, :action, :payload, :targetItemId, :note, :status, :createdAt)
      """)
  void insert(@BindMethods Row row);

  @SqlQuery(SELECT + " WHERE r.id = :id")
  Optional<Row> find(@Bind("id") String id);

  /** All of a session's requests, optionally of one status ({@code <status>} is a fixed clause). */
  @SqlQuery(SELECT + " WHERE r.session_id = :sessionId <status> ORDER BY r.created_at, r.id")
  List<Row> listAll(
      @Bind("sessionId") String sessionId,
      @Define("status") String statusClause,
      @Bind("s") String status);

  /** What a guest may see: their own requests and everybody's decided ones. */
  default List<Row> listVisible(
      String sessionId, String memberId, String statusClause, String status) {
    return listVisible(
        sessionId, memberId, RequestStatus.words(RequestStatus.PUBLIC), statusClause, status);
  }

  @SqlQuery(
      SELECT
          + """
           WHERE r.session_id = :sessionId
             AND (r.requested_by = :memberId OR r.status IN (<public>)) <status>
           ORDER BY r.created_at, r.id
          """)
  List<Row> listVisible(
      @Bind("sessionId") String sessionId,
      @Bind("memberId") String memberId,
      @BindList("public") List<String> publicStatuses,
      @Define("status") String statusClause,
      @Bind("s") String status);

  /** One line of the request log as exported: the request with who decided it, by name. */
  record ExportRow(
      String id,
      String action,
      String payload,
      String note,
      String requestedByName,
      long createdAt,
      String status,
      String decidedBy,
      String decidedByName,
      String decidedByRole,
      Long decidedAt,
      String reason) {}

  @RegisterConstructorMapper(ExportRow.class)
  @SqlQuery(
      """
      SELECT r.id, r.action, r.payload, r.note, m.display_name AS requested_by_name, r.created_at,
             r.status, r.decided_by, d.display_name AS decided_by_name, d.role AS decided_by_role,
             r.decided_at, r.reason
      FROM requests r
      LEFT JOIN members m ON m.id = r.requested_by
      LEFT JOIN members d ON d.id = r.decided_by
      WHERE r.session_id = :sessionId
      ORDER BY r.created_at, r.id
      """)
  List<ExportRow> exportAll(@Bind("sessionId") String sessionId);

  /** How many requests of a member wait for a decision. */
  @SqlQuery("SELECT COUNT(*) FROM requests WHERE requested_by = :memberId AND status = 'pending'")
  int countPending(@Bind("memberId") String memberId);

  /** A member's adds approved since {@code since}, oldest first (their decision times). */
  @SqlQuery(
      "SELECT decided_at FROM requests WHERE requested_by = :memberId AND action = 'add'"
          + " AND status = 'approved' AND decided_at >= :since ORDER BY decided_at")
  List<Long> approvedAddsSince(@Bind("memberId") String memberId, @Bind("since") long since);

  /** Decides a pending request; 0 rows means it was decided already. */
  default int decide(String id, RequestStatus status, String reason, long now, String decidedBy) {
    return decide(id, status.word(), RequestStatus.PENDING.word(), reason, now, decidedBy);
  }

  @SqlUpdate(
      """
      UPDATE requests SET status = :status, reason = :reason, decided_at = :now, decided_by = :by
      WHERE id = :id AND status = :pending
      """)
  int decide(
      @Bind("id") String id,
      @Bind("status") String status,
      @Bind("pending") String pending,
      @Bind("reason") String reason,
      @Bind("now") long now,
      @Bind("by") String decidedBy);

  /** The pending requests that target a playlist item. */
  default List<String> pendingTargeting(String sessionId, String itemId) {
    return targeting(sessionId, itemId, RequestStatus.PENDING.word());
  }

  @SqlQuery(
      "SELECT id FROM requests WHERE session_id = :sessionId AND target_item_id = :itemId AND status = :status")
  List<String> targeting(
      @Bind("sessionId") String sessionId,
      @Bind("itemId") String itemId,
      @Bind("status") String status);
}
