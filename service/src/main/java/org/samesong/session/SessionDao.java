package org.samesong.session;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Listening sessions. {@code live_code} is the invite code while live, NULL once ended. */
@RegisterConstructorMapper(Session.class)
public interface SessionDao {
  String COLUMNS = "id, code, name, owner_id, playlist_version, created_at, ended_at, join_mode";

  @SqlUpdate(
      """
      INSERT INTO sessions (id, code, live_code, name, owner_id, settings, playlist_version, event_seq, created_at)
      VALUES (:id, :code, :code, :name, :ownerId, '{}', 0, 0, :createdAt)
      """)
  void insert(@BindMethods Session session);

  @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = :id")
  Optional<Session> find(@Bind("id") String id);

  /** Locks the session row: every change to one session's playlist or playback goes through it. */
  @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = :id FOR UPDATE")
  Optional<Session> lock(@Bind("id") String id);

  @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE live_code = :code")
  Optional<Session> findLiveByCode(@Bind("code") String code);

  /** The newest session that had this code, live or ended (codes of ended sessions are free). */
  @SqlQuery(
      "SELECT " + COLUMNS + " FROM sessions WHERE code = :code ORDER BY created_at DESC LIMIT 1")
  Optional<Session> findNewestByCode(@Bind("code") String code);

  @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE ended_at IS NULL ORDER BY created_at DESC")
  List<Session> listLive();

  @SqlQuery("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL")
  long countLive();

  @SqlUpdate(
      "UPDATE sessions SET ended_at = :now, live_code = NULL WHERE id = :id AND ended_at IS NULL")
  int end(@Bind("id") String id, @Bind("now") long now);

  /** A live session's new invite code (the old one is kept in {@code retired_codes}). */
  @SqlUpdate(
      "UPDATE sessions SET code = :code, live_code = :code WHERE id = :id AND ended_at IS NULL")
  int changeCode(@Bind("id") String id, @Bind("code") String code);

  @SqlUpdate("INSERT INTO retired_codes (code, session_id, retired_at) VALUES (:code, :id, :now)")
  void retireCode(@Bind("id") String id, @Bind("code") String code, @Bind("now") long now);

  /** The session that had this code before its host rotated it, newest first. */
  @SqlQuery(
      "SELECT s.id, s.code, s.name, s.owner_id, s.playlist_version, s.created_at, s.ended_at,"
          + " s.join_mode FROM retired_codes r JOIN sessions s ON s.id = r.session_id"
          + " WHERE r.code = :code ORDER BY r.retired_at DESC LIMIT 1")
  Optional<Session> findRetired(@Bind("code") String code);

  @SqlUpdate("UPDATE sessions SET name = :name, join_mode = :joinMode WHERE id = :id")
  int update(@Bind("id") String id, @Bind("name") String name, @Bind("joinMode") String joinMode);

  /** Counts one playlist change; returns the rows touched (1). */
  @SqlUpdate("UPDATE sessions SET playlist_version = playlist_version + 1 WHERE id = :id")
  int bumpPlaylistVersion(@Bind("id") String id);

  @SqlUpdate("UPDATE sessions SET event_seq = event_seq + :n WHERE id = :id")
  int reserveSeq(@Bind("id") String id, @Bind("n") int n);

  @SqlQuery("SELECT event_seq FROM sessions WHERE id = :id")
  long eventSeq(@Bind("id") String id);

  @SqlQuery("SELECT playlist_version FROM sessions WHERE id = :id")
  long playlistVersion(@Bind("id") String id);
}
