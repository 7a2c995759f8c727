package org.samesong.playlist;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Playlist items. Positions are contiguous from 0; every method that moves them is called under the
 * session's row lock.
 */
@RegisterConstructorMapper(PlaylistDao.Row.class)
public interface PlaylistDao {
  /** One item with the display name of whoever added it. */
  record Row(
      String id,
      String sessionId,
      String trackId,
      int position,
      String addedBy,
      String addedByName,
      long addedAt) {}

  String SELECT =
      """
      SELECT p.id, p.session_id, p.track_id, p.position, p.added_by, m.display_name AS added_by_name, p.added_at
      FROM playlist_items p LEFT JOIN members m ON m.id = p.added_by
      """;

  @SqlQuery(SELECT + " WHERE p.session_id = :sessionId ORDER BY p.position")
  List<Row> list(@Bind("sessionId") String sessionId);

  @SqlQuery(SELECT + " WHERE p.id = :id")
  Optional<Row> find(@Bind("id") String id);

  @SqlQuery("SELECT COUNT(*) FROM playlist_items WHERE session_id = :sessionId")
  int count(@Bind("sessionId") String sessionId);

  @SqlUpdate(
      """
      INSERT INTO playlist_items (id, session_id, track_id, position, added_by, added_at)
      VALUES (:id, :sessionId, :trackId, :position, :addedBy, :addedAt)
      """)
  void insert(@BindMethods Row row);

  @SqlUpdate("DELETE FROM playlist_items WHERE id = :id")
  int delete(@Bind("id") String id);

  /** Opens a gap: items at {@code from} and after move one down. */
  @SqlUpdate(
      "UPDATE playlist_items SET position = position + 1 WHERE session_id = :sessionId AND position >= :from")
  void shiftDown(@Bind("sessionId") String sessionId, @Bind("from") int from);

  /** Closes a gap: items after {@code after} move one up. */
  @SqlUpdate(
      "UPDATE playlist_items SET position = position - 1 WHERE session_id = :sessionId AND position > :after")
  void shiftUp(@Bind("sessionId") String sessionId, @Bind("after") int after);

  @SqlUpdate("UPDATE playlist_items SET position = :position WHERE id = :id")
  void setPosition(@Bind("id") String id, @Bind("position") int position);

  /** Moves the items in [from, to] by {@code delta} (±1), for a reorder. */
  @SqlUpdate(
      """
      UPDATE playlist_items SET position = position + :delta
      WHERE session_id = :sessionId AND position >= :from AND position <= :to
      """)
  void shiftRange(
      @Bind("sessionId") String sessionId,
      @Bind("from") int from,
      @Bind("to") int to,
      @Bind("delta") int delta);
}
