package org.samesong.integration;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Integration tokens: only their SHA-256 is stored. */
@RegisterConstructorMapper(IntegrationTokenDao.Row.class)
public interface IntegrationTokenDao {
  record Row(
      String id,
      String sessionId,
      String name,
      String tokenHash,
      String createdBy,
      long createdAt,
      Long revokedAt) {}

  @SqlUpdate(
      """
      INSERT INTO integration_tokens (id, session_id, name, token_hash, created_by, created_at)
      VALUES (:id, :sessionId, :name, :tokenHash, :createdBy, :createdAt)
      """)
  void insert(@BindMethods Row row);

  @SqlQuery(
      """
      SELECT t.id, t.session_id, t.name, t.token_hash, t.created_by, t.created_at, t.revoked_at
      FROM integration_tokens t JOIN sessions s ON s.id = t.session_id
      WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND s.ended_at IS NULL
      """)
  Optional<Row> findLive(@Bind("hash") String hash);

  @SqlQuery(
      """
      SELECT id, session_id, name, token_hash, created_by, created_at, revoked_at
      FROM integration_tokens WHERE session_id = :sessionId ORDER BY created_at DESC, id
      """)
  List<Row> list(@Bind("sessionId") String sessionId);

  @SqlUpdate(
      """
      UPDATE integration_tokens SET revoked_at = :now
      WHERE id = :id AND session_id = :sessionId AND revoked_at IS NULL
      """)
  int revoke(@Bind("sessionId") String sessionId, @Bind("id") String id, @Bind("now") long now);

  @SqlQuery(
      "SELECT COUNT(*) FROM integration_tokens WHERE session_id = :sessionId AND revoked_at IS NULL")
  int countLive(@Bind("sessionId") String sessionId);
}
