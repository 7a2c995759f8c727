package org.samesong.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/**
 * Catalog rows. A track is identified for upserts by {@code location_hash} (unique); removed tracks
 * keep their row (playlists refer to it) with {@code removed_at} set. Search patterns use {@code !}
 * as the LIKE escape character: it needs no quoting on either database.
 *
 * <p>Writing a track through {@link #insert}, {@link #update} or {@link #markRemoved} also keeps
 * the search index up to date: the sort key columns ({@code sort_title}, {@code sort_artist}) and
 * the word index ({@code track_words}, {@code search_words}; see changelog {@code
 * 004-catalog-search.xml}). Any other statement that changes a track's title, artist, album or
 * removal must do the same.
 */
@RegisterConstructorMapper(TrackDao.Row.class)
public interface TrackDao extends SqlObject {
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

  /** Adds a track and, unless it is removed already, its words to the search index. */
  @Transaction
  default void insert(Row row) {
    insertRow(row);
    if (row.removedAt() == null) {
      indexWords(row.id(), row.searchText());
    }
  }

  /**
   * Rewrites everything but the id and creation time; clears {@code removed_at}; indexes the
   * track's words anew.
   */
  @Transaction
  default int update(Row row) {
    int changed = updateRow(row);
    if (changed > 0) {
      unindexWords(row.id());
      indexWords(row.id(), row.searchText());
    }
    return changed;
  }

  // the sort keys are computed here, in SQL, so that the changelog's backfill computes them alike
  @SqlUpdate(
      """
      INSERT INTO tracks (id, title, artist, album, duration_ms, source, media_type, location,
                          location_hash, file_size, file_mtime, search_text, created_at, updated_at,
                          removed_at, sort_title, sort_artist)
      VALUES (:id, :title, :artist, :album, :durationMs, :source, :mediaType, :location,
              :locationHash, :fileSize, :fileMtime, :searchText, :createdAt, :updatedAt, :removedAt,
              SUBSTRING(LOWER(:title) FROM 1 FOR 100),
              SUBSTRING(COALESCE(LOWER(:artist), '') FROM 1 FOR 100))
      """)
  void insertRow(@BindMethods Row row);

  @SqlUpdate(
      """
      UPDATE tracks
         SET title = :title, artist = :artist, album = :album, duration_ms = :durationMs,
             source = :source, media_type = :mediaType, location = :location,
             file_size = :fileSize, file_mtime = :fileMtime, search_text = :searchText,
             updated_at = :updatedAt, removed_at = NULL,
             sort_title = SUBSTRING(LOWER(:title) FROM 1 FOR 100),
             sort_artist = SUBSTRING(COALESCE(LOWER(:artist), '') FROM 1 FOR 100)
       WHERE id = :id
      """)
  int updateRow(@BindMethods Row row);

  @SqlQuery("SELECT * FROM tracks WHERE id = :id AND removed_at IS NULL")
  Optional<Row> findAvailable(@Bind("id") String id);

  @SqlQuery("SELECT * FROM tracks WHERE id = :id")
  Optional<Row> findAny(@Bind("id") String id);

  @SqlQuery("SELECT * FROM tracks WHERE location_hash = :hash")
  Optional<Row> findByLocationHash(@Bind("hash") String hash);

  /** Takes the track at this location out of the catalog and out of the search index. */
  @Transaction
  default int markRemoved(String hash, long now) {
    findByLocationHash(hash).ifPresent(row -> unindexWords(row.id()));
    return markRemovedRow(hash, now);
  }

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
  int markRemovedRow(@Bind("hash") String hash, @Bind("now") long now);

  // ---------------------------------------------------------------- listing without a query

  /**
   * How many tracks are live: all minus the removed ones (H2 knows the first without counting). The
   * removed ones are counted as a range of ix_tracks_live_sort (every removal time is at least
   * Long.MIN_VALUE); H2 would read the whole index for IS NOT NULL.
   */
  default long countLive() {
    return countLive(Long.MIN_VALUE);
  }

  @SqlQuery(
      """
      SELECT (SELECT COUNT(*) FROM tracks)
             - (SELECT COUNT(*) FROM tracks WHERE removed_at >= :min)
      """)
  long countLive(@Bind("min") long min);

  /**
   * A page of the live tracks in search order: the inner query walks the range of
   * ix_tracks_live_sort where removed_at is null, in index order, reading nothing else.
   */
  @SqlQuery(
      """
      SELECT * FROM tracks
       WHERE id IN (SELECT id FROM tracks
                     WHERE removed_at IS NULL
                     ORDER BY removed_at, sort_title, sort_artist, id
                     OFFSET :offset ROWS FETCH NEXT :limit ROWS ONLY)
       ORDER BY sort_title, sort_artist, id
      """)
  List<Row> pageLive(@Bind("limit") int limit, @Bind("offset") int offset);

  // ---------------------------------------------------------------- the word index

  /**
   * How many (suffix, token) rows of the dictionary, up to {@code max}, have a suffix that starts
   * with the word: the size of the word's candidate set, roughly.
   */
  default int countSuffixes(WordRange range, int max) {
    return getHandle()
        .createQuery(
            "SELECT COUNT(*) FROM (SELECT 1 FROM search_words sw WHERE "
                + range.condition()
                + " FETCH FIRST :max ROWS ONLY) s")
        .bindMethods(range)
        .bind("max", max)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * Which of these tokens the dictionary holds already: one primary key lookup per token in one
   * statement (an IN list of parameters is no index lookup on H2).
   */
  default List<String> knownWords(List<String> tokens) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      if (i > 0) {
        sql.append(" UNION ALL ");
      }
      sql.append("SELECT word FROM search_words WHERE suffix = :w")
          .append(i)
          .append(" AND word = :w")
          .append(i);
    }
    Query query = getHandle().createQuery(sql.toString());
    for (int i = 0; i < tokens.size(); i++) {
      query.bind("w" + i, tokens.get(i));
    }
    return query.mapTo(String.class).list();
  }

  @SqlBatch("INSERT INTO search_words (suffix, word) VALUES (:suffix, :word)")
  void insertSuffixes(@Bind("suffix") List<String> suffixes, @Bind("word") List<String> words);

  @SqlBatch("INSERT INTO track_words (word, track_id) VALUES (:word, :trackId)")
  void insertTrackWords(@Bind("word") Collection<String> words, @Bind("trackId") String trackId);

  @SqlUpdate("DELETE FROM track_words WHERE track_id = :id")
  int unindexWords(@Bind("id") String trackId);

  /**
   * Lists a track under its tokens, adding the tokens the dictionary lacks with their suffixes. Two
   * transactions adding the same new token at once: one fails on the primary key and is retried by
   * its caller (see {@code CatalogService.upsertLibraryTrack}).
   */
  default void indexWords(String trackId, String searchText) {
    Set<String> tokens = SearchWords.tokens(searchText);
    if (tokens.isEmpty()) {
      return;
    }
    addToDictionary(tokens);
    insertTrackWords(tokens, trackId);
  }

  /** Adds the tokens the dictionary lacks, with their suffixes. */
  default void addToDictionary(Collection<String> tokens) {
    List<String> dictionary = new ArrayList<>(tokens);
    dictionary.remove(SearchWords.LONG);
    if (dictionary.isEmpty()) {
      return;
    }
    dictionary.removeAll(knownWords(dictionary));
    List<String> suffixes = new ArrayList<>();
    List<String> owners = new ArrayList<>();
    for (String token : dictionary) {
      for (String suffix : SearchWords.suffixes(token)) {
        suffixes.add(suffix);
        owners.add(token);
      }
    }
    if (!suffixes.isEmpty()) {
      insertSuffixes(suffixes, owners);
    }
  }

  // ---------------------------------------------------------------- searching with words

  /**
   * The dictionary tokens that contain a word: those having a suffix in {@code [from, to)} (no
   * upper end when {@code to} is null) that matches {@code prefix}, the LIKE pattern {@code 'w%'}.
   */
  record WordRange(String from, String to, String prefix) {
    String condition() {
      return "sw.suffix >= :from"
          + (to == null ? "" : " AND sw.suffix < :to")
          + " AND sw.suffix LIKE :prefix ESCAPE '!'";
    }
  }

  /** A search result row with the number of all matches. */
  record Hit(Row row, long total) {}

  /**
   * One page of the live tracks whose search text matches every LIKE pattern, in search order, each
   * with the number of all matches; empty when the page is beyond the last match (then {@link
   * #countMatching} tells the total). Only the tracks listed under the tokens of {@code range} and
   * under the token of over-long tokens are read; every live track when {@code range} is null.
   * {@code longOnly}: only the latter (a word longer than any token of the dictionary).
   */
  default List<Hit> searchPage(
      WordRange range, boolean longOnly, List<String> patterns, int limit, int offset) {
    RowMapper<Row> rows = ConstructorMapper.of(Row.class);
    return matching(
            "SELECT t.*, COUNT(*) OVER () AS matches",
            range,
            longOnly,
            patterns,
            " ORDER BY t.sort_title, t.sort_artist, t.id"
                + " OFFSET :offset ROWS FETCH NEXT :limit ROWS ONLY")
        .bind("offset", offset)
        .bind("limit", limit)
        .map((rs, ctx) -> new Hit(rows.map(rs, ctx), rs.getLong("matches")))
        .list();
  }

  /** How many live tracks {@link #searchPage} would find in all. */
  default long countMatching(WordRange range, boolean longOnly, List<String> patterns) {
    return matching("SELECT COUNT(*)", range, longOnly, patterns, "").mapTo(Long.class).one();
  }

  // The candidates are a derived table joined to tracks by primary key: both databases read them
  // once and look each track up, where an IN (subquery) may be evaluated again for every row.
  private Query matching(
      String select, WordRange range, boolean longOnly, List<String> patterns, String tail) {
    StringBuilder sql = new StringBuilder(select);
    if (range == null && !longOnly) {
      sql.append(" FROM tracks t");
    } else {
      String listed = "SELECT track_id FROM track_words WHERE word = ''";
      if (!longOnly) {
        listed =
            "SELECT tw.track_id FROM search_words sw JOIN track_words tw ON tw.word = sw.word"
                + " WHERE "
                + range.condition()
                + " UNION "
                + listed;
      }
      sql.append(" FROM (").append(listed).append(") c JOIN tracks t ON t.id = c.track_id");
    }
    sql.append(" WHERE t.removed_at IS NULL");
    for (int i = 0; i < patterns.size(); i++) {
      sql.append(" AND t.search_text LIKE :p").append(i).append(" ESCAPE '!'");
    }
    Query query = getHandle().createQuery(sql.append(tail).toString());
    if (range != null && !longOnly) {
      query.bindMethods(range);
    }
    for (int i = 0; i < patterns.size(); i++) {
      query.bind("p" + i, patterns.get(i));
    }
    return query;
  }
}
