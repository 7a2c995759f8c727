package org.samesong.session;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Who may not join a session again: the browsers and addresses of guests kicked with a ban. */
public interface BanDao {
  /**
   * A banned browser (device id) and address (as the rate limiter counts it); either may be null.
   */
  record Ban(String deviceId, String addressKey) {}

  @SqlUpdate(
      """
      INSERT INTO session_bans (id, session_id, member_id, device_id, address_key, created_at)
      VALUES (:id, :sessionId, :memberId, :deviceId, :addressKey, :createdAt)
      """)
  void insert(
      @Bind("id") String id,
      @Bind("sessionId") String sessionId,
      @Bind("memberId") String memberId,
      @Bind("deviceId") String deviceId,
      @Bind("addressKey") String addressKey,
      @Bind("createdAt") long createdAt);

  @SqlQuery("SELECT device_id, address_key FROM session_bans WHERE session_id = :sessionId")
  @RegisterConstructorMapper(Ban.class)
  List<Ban> bans(@Bind("sessionId") String sessionId);

  /** Where a member joined from (null fields: not known, e.g. the host). */
  @SqlQuery("SELECT device_id, address_key FROM members WHERE id = :memberId")
  @RegisterConstructorMapper(Ban.class)
  java.util.Optional<Ban> originOf(@Bind("memberId") String memberId);
}
