package org.samesong.auth;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Token families (one per login or join) and the refresh tokens rotated within them. */
@RegisterConstructorMapper(TokenDao.Family.class)
@RegisterConstructorMapper(TokenDao.Refresh.class)
@RegisterConstructorMapper(TokenDao.AuthState.class)
@RegisterConstructorMapper(TokenDao.FamilyAuthState.class)
public interface TokenDao {
  record Family(
      String id,
      String subject,
      String role,
      String sessionId,
      String memberId,
      long createdAt,
      long expiresAt,
      Long revokedAt,
      String revokeReason) {}

  record Refresh(String jti, String familyId, long issuedAt, long expiresAt, Long usedAt) {}

  /**
   * What decides whether an access token still works, read in one query per request: the family's
   * revocation, the account's state, and for session tokens the member's.
   */
  record AuthState(
      Long revokedAt,
      Boolean userDisabled,
      Long memberKickedAt,
      String memberRole,
      String memberPermissions) {}

  @SqlUpdate(
      """
      INSERT INTO token_families (id, subject, role, session_id, member_id, created_at, expires_at)
      VALUES (:id, :subject, :role, :sessionId, :memberId, :createdAt, :expiresAt)
      """)
  void insertFamily(@BindMethods Family family);

  /** {@link #insertFamily} for many, in one batch (a join storm's batch of guests). */
  @SqlBatch(
      """
      INSERT INTO token_families (id, subject, role, session_id, member_id, created_at, expires_at)
      VALUES (:id, :subject, :role, :sessionId, :memberId, :createdAt, :expiresAt)
      """)
  void insertFamilies(@BindMethods List<Family> families);

  @SqlQuery("SELECT * FROM token_families WHERE id = :id")
  Optional<Family> findFamily(@Bind("id") String id);

  @SqlUpdate(
      """
      UPDATE token_families SET revoked_at = :now, revoke_reason = :reason
      WHERE id = :id AND revoked_at IS NULL
      """)
  int revokeFamily(@Bind("id") String id, @Bind("reason") String reason, @Bind("now") long now);

  @SqlUpdate(
      """
      UPDATE token_families SET revoked_at = :now, revoke_reason = :reason
      WHERE subject = :subject AND revoked_at IS NULL
      """)
  int revokeSubject(
      @Bind("subject") String subject, @Bind("reason") String reason, @Bind("now") long now);

  /** The logins of a subject that are scoped to a session and not revoked yet. */
  @SqlQuery(
      """
      SELECT * FROM token_families
      WHERE subject = :subject AND revoked_at IS NULL AND session_id IS NOT NULL
      """)
  List<Family> liveSessionFamilies(@Bind("subject") String subject);

  @SqlUpdate("UPDATE token_families SET expires_at = :expiresAt WHERE id = :id")
  void extendFamily(@Bind("id") String id, @Bind("expiresAt") long expiresAt);

  @SqlUpdate(
      """
      INSERT INTO refresh_tokens (jti, family_id, issued_at, expires_at)
      VALUES (:jti, :familyId, :issuedAt, :expiresAt)
      """)
  void insertRefresh(@BindMethods Refresh refresh);

  /** {@link #insertRefresh} for many, in one batch. */
  @SqlBatch(
      """
      INSERT INTO refresh_tokens (jti, family_id, issued_at, expires_at)
      VALUES (:jti, :familyId, :issuedAt, :expiresAt)
      """)
  void insertRefreshes(@BindMethods List<Refresh> refreshes);

  @SqlQuery("SELECT * FROM refresh_tokens WHERE jti = :jti")
  Optional<Refresh> findRefresh(@Bind("jti") String jti);

  /** Spends a refresh token; 0 rows means it was spent already (reuse). */
  @SqlUpdate("UPDATE refresh_tokens SET used_at = :now WHERE jti = :jti AND used_at IS NULL")
  int spendRefresh(@Bind("jti") String jti, @Bind("now") long now);

  @SqlQuery(
      """
      SELECT f.revoked_at, u.disabled AS user_disabled, m.kicked_at AS member_kicked_at,
             m.role AS member_role, m.permissions AS member_permissions
      FROM token_families f
        LEFT JOIN users u ON u.id = f.subject
        LEFT JOIN members m ON m.id = f.member_id
      WHERE f.id = :familyId
      """)
  Optional<AuthState> authState(@Bind("familyId") String familyId);

  /** {@link #authState} of many logins at once (the handshakes of a reconnecting crowd). */
  record FamilyAuthState(
      String familyId,
      Long revokedAt,
      Boolean userDisabled,
      Long memberKickedAt,
      String memberRole,
      String memberPermissions) {
    AuthState state() {
      return new AuthState(revokedAt, userDisabled, memberKickedAt, memberRole, memberPermissions);
    }
  }

  @SqlQuery(
      """
      SELECT f.id AS family_id, f.revoked_at, u.disabled AS user_disabled,
             m.kicked_at AS member_kicked_at, m.role AS member_role,
             m.permissions AS member_permissions
      FROM token_families f
        LEFT JOIN users u ON u.id = f.subject
        LEFT JOIN members m ON m.id = f.member_id
      WHERE f.id IN (<familyIds>)
      """)
  List<FamilyAuthState> authStates(@BindList("familyIds") Collection<String> familyIds);
}
