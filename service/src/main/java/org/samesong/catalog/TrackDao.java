package org.samesong.catalog;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Catalog rows. A track is identified for upserts by {@code location_hash} (unique); removed tracks
 * keep their row (playlists refer to it) with {@code removed_at} set. Search patterns use {@code !}
 * as the LIKE escape character: it needs no quoting on either database.
 */
@RegisterConstructorMapper(TrackDao.Row.class)
public interface TrackDao {
  record Row(
      String id,
      String title,
      String artist,
      String album,
      long durationMs,
      String source,
      String mediaType,
      String location,
      String locationHash,
      Long fileSize,
      Long fileMtime,
      String searchText,
      long createdAt,
      long updatedAt,
      Long removedAt) {
    Track toTrack() {
      return new Track(id, title, artist, album, durationMs, source, mediaType, location);
    }
  }

  @SqlUpdate(
      """
      INSERT INTO tracks (id, title, artist, album, duration_ms, source, media_type, location,
                          location_hash, file_size, file_mtime, search_text, created_at, updated_at,
                          removed_at)
      VALUES (:id, :title, :artist, :album, :durationMs, :source, :mediaType, :location,
              :locationHash, :fileSize, :fileMtime, :searchText, :createdAt, :updatedAt, :removedAt)
      """)
  void insert(@BindMethods Row row);

  /** Rewrites everything but the id and creation time; clears {@code removed_at}. */
  @SqlUpdate(
      """
      UPDATE tracks
         SET title = :title, artist = :artist, album = :album, duration_ms = :durationMs,
             source = :source, media_type = :mediaType, location = :location,
             file_size = :fileSize, file_mtime = :fileMtime, search_text = :searchText,
             updated_at = :updatedAt, removed_at = NULL
       WHERE id = :id
      """)
  int update(@BindMethods Row row);

  @SqlQuery("SELECT * FROM tracks WHERE id = :id AND removed_at IS NULL")
  Optional<Row> findAvailable(@Bind("id") String id);

  @SqlQuery("SELECT * FROM tracks WHERE id = :id")
  Optional<Row> findAny(@Bind("id") String id);

  @SqlQuery("SELECT * FROM tracks WHERE location_hash = :hash")
  Optional<Row> findByLocationHash(@Bind("hash") String hash);

  @SqlQuery(
      """
      SELECT * FROM tracks
       WHERE removed_at IS NULL AND search_text LIKE :pattern ESCAPE '!'
       ORDER BY LOWER(title), COALESCE(LOWER(artist), ''), id
       OFFSET :offset ROWS FETCH NEXT :limit ROWS ONLY
      """)
  List<Row> search(
      @Bind("pattern") String pattern, @Bind("limit") int limit, @Bind("offset") int offset);

  @SqlQuery(
      """
      SELECT COUNT(*) FROM tracks
       WHERE removed_at IS NULL AND search_text LIKE :pattern ESCAPE '!'
      """)
  long count(@Bind("pattern") String pattern);

  /**
   * Every library track still in the catalog, for a rescan (one query, however big the library).
   */
  @SqlQuery(
      """
      SELECT id AS track_id, location, location_hash, file_size AS size, file_mtime AS mtime
        FROM tracks
       WHERE source = 'library' AND removed_at IS NULL
      """)
  @RegisterConstructorMapper(LibraryFile.class)
  List<LibraryFile> libraryFiles();

  @SqlUpdate(
      """
      UPDATE tracks SET removed_at = :now, updated_at = :now
       WHERE location_hash = :hash AND removed_at IS NULL
      """)
  int markRemoved(@Bind("hash") String hash, @Bind("now") long now);
}
