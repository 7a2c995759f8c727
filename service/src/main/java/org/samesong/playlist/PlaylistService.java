package org.samesong.playlist;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.samesong.catalog.CatalogService;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.playlist.api.PlaylistItemJson;
import org.samesong.playlist.api.PlaylistJson;
import org.samesong.session.SessionService;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;

/**
 * A session's playlist: add, move, remove, each under the session's row lock, each adding one to
 * the playlist's {@code version}, positions always contiguous from 0. The {@code …In(Handle, …)}
 * variants run inside a caller's transaction (a request's approval applies its change and its
 * status in one transaction). A playlist holds at most {@code max_playlist_items}: every add (the
 * host's, an approved request's) and every proposal to add is refused beyond it (409 {@code
 * playlist_full}).
 */
public class PlaylistService {
  private final Jdbi jdbi;
  private final SessionService sessions;
  private final CatalogService catalog;
  private final SettingsService settings;
  private final Clock clock;
  private final List<PlaylistListener> listeners = new CopyOnWriteArrayList<>();
  private volatile PlaylistEvents events = PlaylistEvents.NONE;

  /** The outcome of one change: the item concerned and the playlist after it. */
  public record Change(String op, PlaylistItem item, Integer from, Playlist playlist) {}

  public PlaylistService(
      Jdbi jdbi,
      SessionService sessions,
      CatalogService catalog,
      SettingsService settings,
      Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.catalog = catalog;
    this.settings = settings;
    this.clock = clock;
  }

  public void addListener(PlaylistListener listener) {
    listeners.add(listener);
  }

  /** Connects the real-time layer, told of every committed change after the listeners. */
  public void setEvents(PlaylistEvents events) {
    this.events = events;
  }

  public Playlist get(String sessionId) {
    return jdbi.inTransaction(h -> read(h, sessionId));
  }

  /** The playlist as seen inside a transaction. */
  public Playlist read(Handle h, String sessionId) {
    long version = sessions.playlistVersion(h, sessionId);
    Map<String, Track> tracks = new HashMap<>();
    List<PlaylistItem> items =
        h.attach(PlaylistDao.class).list(sessionId).stream()
            .map(r -> toItem(r, tracks.computeIfAbsent(r.trackId(), this::track)))
            .toList();
    return new Playlist(version, items);
  }

  public Change add(String sessionId, String trackId, Integer position, String memberId) {
    return jdbi.inTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          return addIn(h, sessionId, trackId, position, memberId);
        });
  }

  /**
   * Adds the audio at a URL: the URL is probed and registered as a URL track first (outside any
   * transaction: probing takes seconds), after the session and position have been checked, so that
   * bad input probes nothing.
   *
   * @throws org.samesong.common.ApiException the probe's errors (400, 413, 422) besides the usual
   */
  public Change addUrl(String sessionId, String url, Integer position, String memberId) {
    catalog.checkUrl(url);
    jdbi.useTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          int size = h.attach(PlaylistDao.class).count(sessionId);
          checkRoom(size);
          checkPosition(position, size);
        });
    Track track = catalog.addUrl(url).track();
    return add(sessionId, track.id(), position, memberId);
  }

  /** The canonical form of a URL a track may have, checked without contacting anything. */
  public String checkUrl(String url) {
    return catalog.checkUrl(url);
  }

  /**
   * Probes and registers a URL as a URL track (or finds it, when it was added before). Never call
   * it inside a transaction.
   */
  public Track registerUrl(String url) {
    return catalog.addUrl(url).track();
  }

  public Change move(String sessionId, String itemId, Integer position) {
    return jdbi.inTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          return moveIn(h, sessionId, itemId, position);
        });
  }

  public Change remove(String sessionId, String itemId) {
    return jdbi.inTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          return removeIn(h, sessionId, itemId);
        });
  }

  /**
   * Checks a proposed change against the playlist as it is (track exists, item in this session,
   * position in range) without changing anything.
   */
  public void check(Handle h, String sessionId, ProposedChange change) {
    int size = h.attach(PlaylistDao.class).count(sessionId);
    switch (change.action()) {
      case ProposedChange.ADD -> {
        // a URL is probed only when the host approves: here only its form was checked
        if (change.trackId() != null || change.url() == null) {
          catalog.require(change.trackId());
        }
        checkRoom(size);
        checkPosition(change.position(), size);
      }
      case ProposedChange.MOVE -> {
        requireItem(h, sessionId, change.itemId());
        checkPosition(change.position(), size - 1);
      }
      case ProposedChange.REMOVE -> requireItem(h, sessionId, change.itemId());
      default -> throw ApiException.badRequest("action", "must be add, move or remove");
    }
  }

  /** Adds inside the caller's transaction (the session lock held); position null appends. */
  public Change addIn(
      Handle h, String sessionId, String trackId, Integer position, String memberId) {
    Track track = catalog.require(trackId);
    PlaylistDao dao = h.attach(PlaylistDao.class);
    int size = dao.count(sessionId);
    checkRoom(size);
    int at = position == null ? size : checkPosition(position, size);
    dao.shiftDown(sessionId, at);
    PlaylistDao.Row row =
        new PlaylistDao.Row(Ids.newId(), sessionId, track.id(), at, memberId, null, clock.millis());
    dao.insert(row);
    sessions.bumpPlaylistVersion(h, sessionId);
    Playlist after = read(h, sessionId);
    return announce(
        h, sessionId, new Change("add", after.item(row.id()).orElseThrow(), null, after));
  }

  /**
   * Refuses an add to a playlist of {@code size} items when it is full: 409 {@code playlist_full}
   * (every update of a long playlist costs its listeners, and a guest must not grow it unbounded).
   */
  private void checkRoom(int size) {
    int max = settings.get(Settings.MAX_PLAYLIST_ITEMS);
    if (size >= max) {
      throw ApiException.conflict(
          "playlist_full",
          "the playlist is full (" + max + " items at most); remove an item first");
    }
  }

  /** Moves inside the caller's transaction; a position past the end means the last place. */
  public Change moveIn(Handle h, String sessionId, String itemId, Integer position) {
    if (position == null) {
      throw ApiException.badRequest("position", "is required");
    }
    PlaylistDao dao = h.attach(PlaylistDao.class);
    PlaylistDao.Row row = requireItem(h, sessionId, itemId);
    int size = dao.count(sessionId);
    int to = checkPosition(position, size - 1);
    int from = row.position();
    if (to != from) {
      if (to > from) {
        dao.shiftRange(sessionId, from + 1, to, -1);
      } else {
        dao.shiftRange(sessionId, to, from - 1, +1);
      }
      dao.setPosition(itemId, to);
      sessions.bumpPlaylistVersion(h, sessionId);
    }
    Playlist after = read(h, sessionId);
    Change change = new Change("move", after.item(itemId).orElseThrow(), from, after);
    return to == from ? change : announce(h, sessionId, change);
  }

  /** Removes inside the caller's transaction and tells the listeners. */
  public Change removeIn(Handle h, String sessionId, String itemId) {
    PlaylistDao dao = h.attach(PlaylistDao.class);
    PlaylistDao.Row row = requireItem(h, sessionId, itemId);
    PlaylistItem removed = toItem(row, track(row.trackId()));
    dao.delete(itemId);
    dao.shiftUp(sessionId, row.position());
    sessions.bumpPlaylistVersion(h, sessionId);
    for (PlaylistListener listener : listeners) {
      listener.itemRemoved(h, sessionId, removed);
    }
    return announce(
        h, sessionId, new Change("remove", removed, row.position(), read(h, sessionId)));
  }

  /** Tells the real-time layer once the transaction has committed. */
  private Change announce(Handle h, String sessionId, Change change) {
    h.afterCommit(
        () -> {
          for (PlaylistListener listener : listeners) {
            listener.playlistChanged(sessionId, change.playlist());
          }
          events.playlistChanged(sessionId, change);
        });
    return change;
  }

  public PlaylistJson toJson(Playlist playlist) {
    return new PlaylistJson(
        playlist.version(), playlist.items().stream().map(this::toJson).toList());
  }

  public PlaylistItemJson toJson(PlaylistItem item) {
    return new PlaylistItemJson(
        item.itemId(),
        item.position(),
        catalog.toJson(item.track()),
        item.addedBy(),
        item.addedByName(),
        item.addedAt());
  }

  /** A playlist keeps its items when their file leaves the library; they show as they were. */
  private Track track(String trackId) {
    return catalog
        .findIncludingRemoved(trackId)
        .orElseThrow(() -> new IllegalStateException("track " + trackId + " vanished"));
  }

  private PlaylistDao.Row requireItem(Handle h, String sessionId, String itemId) {
    return h.attach(PlaylistDao.class)
        .find(itemId)
        .filter(r -> r.sessionId().equals(sessionId))
        .orElseThrow(() -> ApiException.notFound("playlist item"));
  }

  private static int checkPosition(Integer position, int max) {
    if (position == null) {
      return max;
    }
    if (position < 0 || position > Math.max(0, max)) {
      throw ApiException.badRequest("position", "must be between 0 and " + Math.max(0, max));
    }
    return position;
  }

  private static PlaylistItem toItem(PlaylistDao.Row r, Track track) {
    return new PlaylistItem(r.id(), r.position(), track, r.addedBy(), r.addedByName(), r.addedAt());
  }
}
