package org.samesong.playback;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The stored playback state of each session (a session without a row is paused at nothing). */
@RegisterConstructorMapper(PlaybackState.class)
public interface PlaybackDao {
  @SqlQuery(
      "SELECT track_id, item_id, position_ms, state, updated_at FROM playback_state WHERE session_id = :sessionId")
  Optional<PlaybackState> find(@Bind("sessionId") String sessionId);

  @SqlUpdate(
      """
      UPDATE playback_state SET track_id = :s.trackId, item_id = :s.itemId, position_ms = :s.positionMs,
             state = :s.state, updated_at = :s.updatedAt
      WHERE session_id = :sessionId
      """)
  int update(@Bind("sessionId") String sessionId, @BindMethods("s") PlaybackState state);

  /** Replaces the row with a state at least as new as the stored one. */
  @SqlUpdate(
      """
      UPDATE playback_state SET track_id = :s.trackId, item_id = :s.itemId, position_ms = :s.positionMs,
             state = :s.state, updated_at = :s.updatedAt
      WHERE session_id = :sessionId AND updated_at <= :s.updatedAt
      """)
  int updateIfNewer(@Bind("sessionId") String sessionId, @BindMethods("s") PlaybackState state);

  /**
   * {@link #updateIfNewer} for many sessions in one JDBC batch: the number of rows changed for
   * each, in order (0: no row, or a newer one stored).
   */
  @SqlBatch(
      """
      UPDATE playback_state SET track_id = :s.trackId, item_id = :s.itemId, position_ms = :s.positionMs,
             state = :s.state, updated_at = :s.updatedAt
      WHERE session_id = :sessionId AND updated_at <= :s.updatedAt
      """)
  int[] updateAllIfNewer(
      @Bind("sessionId") List<String> sessionIds, @BindMethods("s") List<PlaybackState> states);

  @SqlUpdate(
      """
      INSERT INTO playback_state (session_id, track_id, item_id, position_ms, state, updated_at)
      VALUES (:sessionId, :s.trackId, :s.itemId, :s.positionMs, :s.state, :s.updatedAt)
      """)
  void insert(@Bind("sessionId") String sessionId, @BindMethods("s") PlaybackState state);
}
