package org.samesong.session;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The host and guests of sessions. Kicked members stay (the request log names them). */
@RegisterConstructorMapper(Member.class)
public interface MemberDao {
  String COLUMNS =
      "id, session_id, user_id, display_name, role, joined_at, kicked_at, last_drift_ms,"
          + " permissions, role_since";

  @SqlUpdate(
      """
      INSERT INTO members (id, session_id, user_id, display_name, role, joined_at, permissions, role_since)
      VALUES (:id, :sessionId, :userId, :displayName, :role, :joinedAt, :permissions, :roleSince)
      """)
  void insert(@BindMethods Member member);

  /** A guest as a join stores it: the member and where it joined from (for kicks with ban). */
  record GuestRow(Member member, String deviceId, String addressKey) {
    public String id() {
      return member.id();
    }

    public String sessionId() {
      return member.sessionId();
    }

    public String displayName() {
      return member.displayName();
    }

    public String role() {
      return member.role();
    }

    public long joinedAt() {
      return member.joinedAt();
    }
  }

  /** Guests admitted together (a batch of joins), with their origins, in one batch. */
  @SqlBatch(
      """
      INSERT INTO members (id, session_id, display_name, role, joined_at, device_id, address_key, role_since)
      VALUES (:id, :sessionId, :displayName, :role, :joinedAt, :deviceId, :addressKey, :joinedAt)
      """)
  void insertGuests(@BindMethods List<GuestRow> guests);

  @SqlQuery("SELECT " + COLUMNS + " FROM members WHERE id = :id")
  Optional<Member> find(@Bind("id") String id);

  @SqlQuery(
      "SELECT "
          + COLUMNS
          + " FROM members WHERE session_id = :sessionId AND kicked_at IS NULL ORDER BY joined_at, id")
  List<Member> listActive(@Bind("sessionId") String sessionId);

  /** The name and role of each member not kicked: what a join is judged against. */
  record Seat(String displayName, String role) {}

  @SqlQuery(
      "SELECT display_name, role FROM members WHERE session_id = :sessionId AND kicked_at IS NULL")
  @RegisterConstructorMapper(Seat.class)
  List<Seat> seats(@Bind("sessionId") String sessionId);

  @SqlQuery(
      "SELECT COUNT(*) FROM members WHERE session_id = :sessionId AND role = 'guest'"
          + " AND kicked_at IS NULL")
  int countGuests(@Bind("sessionId") String sessionId);

  /** A member's new role and single rights. */
  @SqlUpdate(
      "UPDATE members SET role = :role, permissions = :permissions, role_since = :since"
          + " WHERE id = :id AND kicked_at IS NULL")
  int setRights(
      @Bind("id") String id,
      @Bind("role") String role,
      @Bind("permissions") String permissions,
      @Bind("since") long since);

  /** The session's host now (the member with role host), if it has one. */
  @SqlQuery(
      "SELECT "
          + COLUMNS
          + " FROM members WHERE session_id = :sessionId AND role = 'host' AND kicked_at IS NULL")
  Optional<Member> host(@Bind("sessionId") String sessionId);

  @SqlUpdate("UPDATE members SET kicked_at = :now WHERE id = :id AND kicked_at IS NULL")
  int kick(@Bind("id") String id, @Bind("now") long now);
}
