package org.samesong.catalog;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.samesong.catalog.api.TrackJson;
import org.samesong.catalog.api.TrackPageJson;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog: looks tracks up, searches them (every word of the query a case-insensitive substring
 * of title, artist or album; removed tracks left out), registers library files, and renders tracks
 * as JSON with a signed stream URL.
 *
 * <p>A library file is keyed by the SHA-256 of its absolute, normalised path, so registering the
 * same file again updates its entry (or does nothing when nothing changed) instead of adding a
 * second one.
 */
public class CatalogService {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogService.class);

  /** Page size when the client names none. */
  public static final int DEFAULT_LIMIT = 20;

  /** Largest page a client may ask for. */
  public static final int MAX_LIMIT = 100;

  /** Deepest a client may page: beyond this a search should be narrower instead. */
  public static final int MAX_OFFSET = 1_000_000;

  /** Longest search text, in characters. */
  public static final int MAX_QUERY_LENGTH = 200;

  private static final int UPSERT_ATTEMPTS = 4;

  // column sizes of the tracks table (changeset 002-tracks)
  private static final int MAX_TEXT = 500;
  private static final int MAX_SEARCH_TEXT = 1600;
  private static final int MAX_MEDIA_TYPE = 100;
  private static final int MAX_LOCATION = 4000;

  private final Jdbi jdbi;
  private final StreamUrls streamUrls;
  private final UrlProber urlProber;
  private final Clock clock;
  private final CatalogSearchService search;

  /** The outcome of adding a URL: the track, and whether it is new to the catalog. */
  public record Added(Track track, boolean created) {}

  /**
   * @param streamUrls makes the {@code stream_url} of {@link #toJson(Track)}: in the application,
   *     the media feature's {@code StreamSigner} (URLs valid for 6 hours)
   */
  public CatalogService(Jdbi jdbi, StreamUrls streamUrls, Clock clock) {
    this(jdbi, streamUrls, null, clock);
  }

  /**
   * @param urlProber checks and probes the URLs of URL tracks (the media feature's); null: adding
   *     by URL is refused with 400 {@code url_unsupported}
   */
  public CatalogService(Jdbi jdbi, StreamUrls streamUrls, UrlProber urlProber, Clock clock) {
    this.jdbi = jdbi;
    this.streamUrls = streamUrls;
    this.urlProber = urlProber;
    this.clock = clock;
    this.search = new CatalogSearchService(jdbi);
  }

  /** The track with this id, unless there is none or it was removed from the catalog. */
  public Optional<Track> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 36) {
      return Optional.empty();
    }
    return jdbi.withExtension(
        TrackDao.class, dao -> dao.findAvailable(id).map(TrackDao.Row::toTrack));
  }

  /**
   * The track with this id even when it was removed from the catalog since: for showing what a
   * playlist or the request log once referred to. Adding and playing use {@link #find}.
   */
  public Optional<Track> findIncludingRemoved(String id) {
    if (id == null || id.isEmpty() || id.length() > 36) {
      return Optional.empty();
    }
    return jdbi.withExtension(TrackDao.class, dao -> dao.findAny(id).map(TrackDao.Row::toTrack));
  }

  /** The track with this id; 404 {@code not_found} when there is none or it was removed. */
  public Track require(String id) {
    return find(id).orElseThrow(() -> ApiException.notFound("track"));
  }

  /**
   * Searches the catalog: tracks whose title, artist or album contains every word of {@code q}
   * (words are separated by whitespace; each may occur in a different field), ignoring case; {@code
   * %} and {@code _} in {@code q} are plain characters. An empty or blank {@code q} lists every
   * track. Ordered by title, then artist (their first 100 characters, lower-cased), then id; the
   * total is exact. Removed tracks are left out.
   *
   * <p>Backed by indexes on both databases: listing walks the sort-key index, and a query reads
   * only the tracks listed under the tokens that contain its most selective word (see changelog
   * {@code 004-catalog-search.xml}).
   *
   * @param q the text to look for, at most {@value #MAX_QUERY_LENGTH} characters; null means empty
   * @param limit page size, 1 to {@value #MAX_LIMIT}
   * @param offset matches to skip, 0 to {@value #MAX_OFFSET}
   * @throws ApiException 400 naming {@code q}, {@code limit} or {@code offset} when one is out of
   *     range
   */
  public Page search(String q, int limit, int offset) {
    return search.search(q, limit, offset);
  }

  /**
   * Registers a library file, or brings its entry up to date: the same absolute path always maps to
   * the same track (and id). Registering an unchanged file again writes nothing; a file that had
   * been removed comes back under its old id.
   *
   * @param file the audio file; its absolute, normalised path is the track's location
   * @param title the title from the tags; blank means the file name without its extension
   * @param artist null or blank when unknown
   * @param album null or blank when unknown
   * @param durationMs exact length in milliseconds
   * @param mediaType e.g. {@code audio/wav}, {@code audio/mpeg}
   * @param size the file's size in bytes (to notice changed files on a rescan)
   * @param mtime the file's modification time, epoch milliseconds
   * @return the catalog entry as stored
   */
  public Track upsertLibraryTrack(
      Path file,
      String title,
      String artist,
      String album,
      long durationMs,
      String mediaType,
      long size,
      long mtime) {
    Objects.requireNonNull(file, "file");
    String location = location(file);
    if (location.length() > MAX_LOCATION) {
      throw new IllegalArgumentException(
          "the path is longer than " + MAX_LOCATION + " characters: " + file);
    }
    if (durationMs < 0) {
      throw new IllegalArgumentException("durationMs must not be negative");
    }
    if (mediaType == null || mediaType.isBlank() || mediaType.strip().length() > MAX_MEDIA_TYPE) {
      throw new IllegalArgumentException(
          "mediaType must be a media type such as audio/mpeg, not " + mediaType);
    }
    String name = text(title);
    if (name == null) {
      name = text(baseName(file));
    }
    if (name == null) {
      name = "Untitled";
    }
    String who = text(artist);
    String where = text(album);
    long now = clock.millis();
    TrackDao.Row wanted =
        new TrackDao.Row(
            Ids.newId(),
            name,
            who,
            where,
            durationMs,
            Track.LIBRARY,
            mediaType.strip().toLowerCase(Locale.ROOT),
            location,
            locationHash(file),
            size,
            mtime,
            searchText(name, who, where),
            now,
            now,
            null);
    addToDictionary(wanted.searchText());
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(handle -> upsert(handle.attach(TrackDao.class), wanted));
      } catch (UnableToExecuteStatementException e) {
        // another registration inserted the same path (unique location_hash) or a new word of the
        // search index (its primary key) first: the next attempt updates that row or uses that
        // word. Registrations running side by side (a scan) may collide on more than one word.
        if (attempt == UPSERT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Puts the words of a search text into the search index's dictionary before the track is written,
   * in a short transaction of its own: registrations running side by side (a scan) often bring the
   * same new word, and the one that comes second then fails only this small step, finds the word
   * there when it tries again, and never has to redo the track.
   */
  private void addToDictionary(String searchText) {
    List<String> tokens = new ArrayList<>(SearchWords.tokens(searchText));
    tokens.remove(SearchWords.LONG);
    for (int attempt = 1; !tokens.isEmpty(); attempt++) {
      tokens.removeAll(jdbi.withExtension(TrackDao.class, dao -> dao.knownWords(tokens)));
      if (tokens.isEmpty()) {
        return;
      }
      try {
        jdbi.useTransaction(h -> h.attach(TrackDao.class).addToDictionary(tokens));
        return;
      } catch (UnableToExecuteStatementException e) {
        if (attempt == UPSERT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * The canonical form of a URL a track may have, checked without contacting anything (a guest's
   * request keeps it until the host approves).
   *
   * @throws ApiException 400 naming {@code url} when it is not an acceptable http(s) URL
   */
  public String checkUrl(String url) {
    return prober().canonical(url);
  }

  /**
   * Adds the audio at an http(s) URL as a URL track: probed once (duration, tags, media type) and
   * stored under its canonical URL. A URL added before gives its existing track without probing
   * again. Probing may take seconds: never call this inside a transaction that holds locks.
   *
   * @throws ApiException 400 {@code invalid_url} or {@code url_not_allowed}, 413 {@code too_large},
   *     422 {@code url_unreachable} or {@code unprocessable_media}
   */
  public Added addUrl(String url) {
    String canonical = prober().canonical(url);
    Optional<Track> existing =
        jdbi.withExtension(
            TrackDao.class,
            dao ->
                dao.findByLocationHash(urlHash(canonical))
                    .filter(r -> r.removedAt() == null)
                    .map(TrackDao.Row::toTrack));
    if (existing.isPresent()) {
      return new Added(existing.get(), false);
    }
    ProbedMedia media = prober().probe(canonical);
    Track track = upsertUrlTrack(canonical, media);
    LOG.info("URL track {} added ({} ms, {})", track.id(), media.durationMs(), media.mediaType());
    return new Added(track, true);
  }

  /**
   * Registers (or brings up to date) a URL track, keyed by the SHA-256 of its canonical URL.
   *
   * @param canonicalUrl as {@link #checkUrl} returns it
   */
  public Track upsertUrlTrack(String canonicalUrl, ProbedMedia media) {
    Objects.requireNonNull(canonicalUrl, "canonicalUrl");
    Objects.requireNonNull(media, "media");
    if (canonicalUrl.length() > MAX_LOCATION) {
      throw new IllegalArgumentException("the URL is longer than " + MAX_LOCATION + " characters");
    }
    if (media.durationMs() < 0) {
      throw new IllegalArgumentException("durationMs must not be negative");
    }
    String type = media.mediaType();
    if (type == null || type.isBlank() || type.strip().length() > MAX_MEDIA_TYPE) {
      throw new IllegalArgumentException("not a media type: " + type);
    }
    String name = text(media.title());
    if (name == null) {
      name = "Untitled";
    }
    String who = text(media.artist());
    String where = text(media.album());
    long now = clock.millis();
    TrackDao.Row wanted =
        new TrackDao.Row(
            Ids.newId(),
            name,
            who,
            where,
            media.durationMs(),
            Track.URL,
            type.strip().toLowerCase(Locale.ROOT),
            canonicalUrl,
            urlHash(canonicalUrl),
            null,
            null,
            searchText(name, who, where),
            now,
            now,
            null);
    try {
      return jdbi.inTransaction(handle -> upsert(handle.attach(TrackDao.class), wanted));
    } catch (UnableToExecuteStatementException e) {
      // the same URL was added concurrently (unique location_hash): take that row
      return jdbi.inTransaction(handle -> upsert(handle.attach(TrackDao.class), wanted));
    }
  }

  /** SHA-256 (lower-case hex) of a URL track's canonical URL: its key in the catalog. */
  public static String urlHash(String canonicalUrl) {
    return sha256(canonicalUrl);
  }

  private UrlProber prober() {
    if (urlProber == null) {
      throw ApiException.badRequest(
          "url_unsupported", "url", "adding by URL is not available on this server");
    }
    return urlProber;
  }

  private static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Takes a library file out of the catalog (its file is gone): searches and {@link #find} no
   * longer show it; playlists that hold it still name it. False when it was not in the catalog.
   */
  public boolean removeLibraryTrack(Path file) {
    String hash = locationHash(file);
    int changed = jdbi.withExtension(TrackDao.class, dao -> dao.markRemoved(hash, clock.millis()));
    if (changed > 0) {
      LOG.info("track at {} removed from the catalog", location(file));
    }
    return changed > 0;
  }

  /**
   * Every library file in the catalog (not removed), with the size and modification time it was
   * registered with: what a rescan compares the folders against. Read in one query.
   */
  public List<LibraryFile> libraryFiles() {
    return jdbi.withExtension(TrackDao.class, TrackDao::libraryFiles);
  }

  /** The track as the API shows it, with a freshly signed stream URL. */
  public TrackJson toJson(Track track) {
    return new TrackJson(
        track.id(),
        track.title(),
        track.artist(),
        track.album(),
        track.durationMs(),
        track.source(),
        track.mediaType(),
        streamUrls.streamUrl(track.id()));
  }

  /** A page of search results as the API shows it. */
  public TrackPageJson toJson(Page page) {
    return new TrackPageJson(
        page.items().stream().map(this::toJson).toList(),
        page.total(),
        page.limit(),
        page.offset());
  }

  /** SHA-256 (lower-case hex) of the file's absolute, normalised path: its key in the catalog. */
  public static String locationHash(Path file) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(location(file).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String location(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  private Track upsert(TrackDao dao, TrackDao.Row wanted) {
    Optional<TrackDao.Row> existing = dao.findByLocationHash(wanted.locationHash());
    if (existing.isEmpty()) {
      dao.insert(wanted);
      LOG.debug("track {} added to the catalog", wanted.title());
      return wanted.toTrack();
    }
    TrackDao.Row old = existing.get();
    TrackDao.Row updated =
        new TrackDao.Row(
            old.id(),
            wanted.title(),
            wanted.artist(),
            wanted.album(),
            wanted.durationMs(),
            wanted.source(),
            wanted.mediaType(),
            wanted.location(),
            old.locationHash(),
            wanted.fileSize(),
            wanted.fileMtime(),
            wanted.searchText(),
            old.createdAt(),
            wanted.updatedAt(),
            null);
    if (sameContent(old, updated)) {
      return old.toTrack();
    }
    dao.update(updated);
    LOG.debug("track {} updated in the catalog", updated.title());
    return updated.toTrack();
  }

  private static boolean sameContent(TrackDao.Row a, TrackDao.Row b) {
    return a.title().equals(b.title())
        && Objects.equals(a.artist(), b.artist())
        && Objects.equals(a.album(), b.album())
        && a.durationMs() == b.durationMs()
        && a.source().equals(b.source())
        && a.mediaType().equals(b.mediaType())
        && a.location().equals(b.location())
        && Objects.equals(a.fileSize(), b.fileSize())
        && Objects.equals(a.fileMtime(), b.fileMtime())
        && a.searchText().equals(b.searchText())
        && a.removedAt() == null;
  }

  /** What search matches against: the lower-cased "title artist album". */
  static String searchText(String title, String artist, String album) {
    String text =
        Stream.of(title, artist, album)
            .filter(Objects::nonNull)
            .map(CatalogService::lower)
            .collect(Collectors.joining(" "));
    return truncate(text, MAX_SEARCH_TEXT);
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  /** Stripped, at most {@value #MAX_TEXT} characters, null when blank. */
  private static String text(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return truncate(value.strip(), MAX_TEXT);
  }

  private static String truncate(String value, int max) {
    if (value.length() <= max) {
      return value;
    }
    int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end);
  }

  private static String baseName(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return null;
    }
    String base = name.toString();
    int dot = base.lastIndexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }
}
