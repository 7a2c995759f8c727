package org.samesong.playback;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.ApiException;
import org.samesong.common.LoadOnce;
import org.samesong.playback.api.PlaybackJson;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.playlist.PlaylistListener;
import org.samesong.playlist.PlaylistService;
import org.samesong.session.Session;
import org.samesong.session.SessionDao;

/**
 * The playback state of each session, held in memory and authoritative there: a command is applied
 * under the session's command lock, broadcast at once through the {@link PlaybackListener}, and
 * stored behind it by the {@link PlaybackStoreService} (a crash loses at most a fraction of a
 * second; a restart extrapolates from the stored {@code updated_at}). A session's state and
 * playlist are read from the database once per instance, when it is first needed, and again only
 * after a playlist change made elsewhere. In a cluster, every broadcast state reaches every
 * instance's memory in the order of the session's sequence ({@link #follow}).
 *
 * <p>A playing state that has run past the end of its track is settled forward as it is read (next
 * item at the exact time the previous one ended, or paused at the end of the playlist), so every
 * reader sees where playback really is; clients never advance on their own.
 */
public class PlaybackService implements PlaylistListener {
  public static final Set<String> ACTIONS =
      Set.of("play", "pause", "seek", "skip_next", "skip_prev");

  /** skip_prev restarts the track when more than this far in, else goes to the previous item. */
  static final long RESTART_THRESHOLD_MS = 3000;

  private static final DateTimeFormatter ISO_MS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Jdbi jdbi;
  private final PlaylistService playlist;
  private final Clock clock;
  private final PlaybackStoreService writer;
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final LoadOnce<String, Live> loads = new LoadOnce<>();
  private volatile PlaybackListener listener = PlaybackListener.NONE;

  /**
   * One session as this instance holds it. {@code state} and {@code seq} change together under the
   * object's monitor (held only for the assignment: the bus's subscriber takes it); commands are
   * serialised by {@code commands}, which is held while the new state is broadcast (numbered and
   * queued, never sent), so that broadcasts follow the order of the states.
   */
  private static final class Live {
    final Object commands = new Object();
    private PlaybackState state;
    private long seq;
    volatile Playlist playlist;
    volatile boolean ended;

    Live(PlaybackState state, Playlist playlist, boolean ended) {
      this.state = state;
      this.playlist = playlist;
      this.ended = ended;
    }

    synchronized PlaybackState state() {
      return state;
    }

    /** Takes a state numbered {@code number} unless a later one is held already. */
    synchronized boolean offer(PlaybackState next, long number) {
      if (number != 0 && number < seq) {
        return false;
      }
      state = next;
      seq = Math.max(seq, number);
      return true;
    }
  }

  public PlaybackService(Jdbi jdbi, PlaylistService playlist, Clock clock) {
    this.jdbi = jdbi;
    this.playlist = playlist;
    this.clock = clock;
    this.writer = new PlaybackStoreService(jdbi);
  }

  /** Who broadcasts the changes (set once while wiring). */
  public void setListener(PlaybackListener listener) {
    this.listener = listener;
  }

  /** What stores the states behind the commands (to be started and stopped with the app). */
  public PlaybackStoreService writer() {
    return writer;
  }

  /** The state now (settled past track ends). */
  public PlaybackState get(String sessionId) {
    Live l = live(sessionId);
    return settle(l.state(), playlistOf(sessionId, l), clock.millis());
  }

  /** The playlist as this instance holds it (read again after a change made elsewhere). */
  public Playlist playlist(String sessionId) {
    return playlistOf(sessionId, live(sessionId));
  }

  /** Runs a host's command: applied in memory, broadcast at once, stored right behind. */
  public PlaybackState command(String sessionId, String action, Long positionMs) {
    if (action == null || !ACTIONS.contains(action)) {
      throw ApiException.badRequest(
          "action", "must be one of play, pause, seek, skip_next, skip_prev");
    }
    if ("seek".equals(action) && positionMs == null) {
      throw ApiException.badRequest("position_ms", "is required to seek");
    }
    if (positionMs != null && positionMs < 0) {
      throw ApiException.badRequest("position_ms", "must not be negative");
    }
    Live l = live(sessionId);
    synchronized (l.commands) {
      if (l.ended) {
        throw ApiException.conflict("session_ended", "this session has ended");
      }
      long now = clock.millis();
      Playlist items = playlistOf(sessionId, l);
      PlaybackState current = settle(l.state(), items, now);
      PlaybackState next = apply(current, items, action, positionMs, now);
      announce(sessionId, l, next, items, true);
      writer.store(sessionId, next);
      return next;
    }
  }

  /**
   * Runs a command as {@link #command} does, and returns once its state is stored: for callers that
   * are told "done" (REST), so that an acknowledged command survives a crash. The broadcast has
   * gone out before the write.
   */
  public PlaybackState commandStored(String sessionId, String action, Long positionMs) {
    PlaybackState state = command(sessionId, action, positionMs);
    writer.flush();
    return state;
  }

  /**
   * At a track's end: settles the state forward in memory and tells this instance's listeners, if
   * it moved (the next item, or paused at the end). Nothing is stored: every reader settles the
   * stored state the same way.
   */
  public PlaybackState advance(String sessionId) {
    Live l = live(sessionId);
    synchronized (l.commands) {
      PlaybackState held = l.state();
      Playlist items = playlistOf(sessionId, l);
      PlaybackState settled = settle(held, items, clock.millis());
      if (!settled.equals(held) && !l.ended) {
        announce(sessionId, l, settled, items, false);
      }
      return settled;
    }
  }

  /**
   * A state broadcast anywhere in the cluster (this instance included), numbered {@code seq}: the
   * memory follows it unless it holds a later one. Runs on the bus's delivering thread: no I/O.
   */
  public void follow(String sessionId, PlaybackState state, long seq) {
    Live l = live.get(sessionId);
    if (l != null) {
      l.offer(state, seq);
    }
  }

  /**
   * A playlist version announced anywhere in the cluster: an older playlist held here is read again
   * when next needed. Runs on the bus's delivering thread: no I/O.
   */
  public void playlistVersionSeen(String sessionId, long version) {
    Live l = live.get(sessionId);
    Playlist held = l == null ? null : l.playlist;
    if (held != null && held.version() < version) {
      l.playlist = null;
    }
  }

  /**
   * While the bus is down, the other instances' changes reach this one only through the database: a
   * stored state newer than the one held here replaces it, and a newer playlist is read again.
   * Called by the heartbeat during an outage only (it reads the database).
   */
  public void refreshFromStore(String sessionId) {
    Live l = live.get(sessionId);
    if (l == null) {
      return;
    }
    record Stored(PlaybackState state, long playlistVersion) {}
    Stored stored =
        jdbi.inTransaction(
            h ->
                new Stored(
                    load(h, sessionId),
                    h.attach(SessionDao.class)
                        .find(sessionId)
                        .map(Session::playlistVersion)
                        .orElse(0L)));
    Playlist held = l.playlist;
    if (held != null && held.version() < stored.playlistVersion()) {
      l.playlist = null;
    }
    synchronized (l.commands) {
      if (stored.state().updatedAt() > l.state().updatedAt()) {
        l.offer(stored.state(), 0);
      }
    }
  }

  /** The session ended (here or on another instance): no more commands. */
  public void ended(String sessionId) {
    Live l = live.get(sessionId);
    if (l != null) {
      l.ended = true;
    }
  }

  /** Whether the session has ended, as this instance knows it (read once, then told). */
  public boolean hasEnded(String sessionId) {
    return live(sessionId).ended;
  }

  /**
   * The playlist held here may be behind (the bus lost messages): it is read again when next
   * needed. The playback state is kept: it may be newer than the stored one.
   */
  public void playlistMayBeStale(String sessionId) {
    Live l = live.get(sessionId);
    if (l != null) {
      l.playlist = null;
    }
  }

  /** A playlist change committed on this instance: the memory takes the new list at once. */
  @Override
  public void playlistChanged(String sessionId, Playlist after) {
    Live l = live.get(sessionId);
    if (l != null) {
      Playlist held = l.playlist;
      if (held == null || held.version() <= after.version()) {
        l.playlist = after;
      }
    }
  }

  /** When the playing item is removed, playback moves on to the item that took its place. */
  @Override
  public void itemRemoved(Handle h, String sessionId, PlaylistItem removed) {
    Playlist after = playlist.read(h, sessionId);
    h.afterCommit(
        () -> {
          Live l = live(sessionId);
          synchronized (l.commands) {
            playlistChanged(sessionId, after);
            PlaybackState state = l.state();
            if (!removed.itemId().equals(state.itemId())) {
              return;
            }
            long now = clock.millis();
            PlaybackState next =
                after
                    .at(removed.position())
                    .map(
                        item ->
                            new PlaybackState(
                                item.track().id(), item.itemId(), 0, state.state(), now))
                    .orElse(PlaybackState.idle(now));
            announce(sessionId, l, next, after, true);
            writer.store(sessionId, next);
          }
        });
  }

  private void announce(
      String sessionId, Live l, PlaybackState next, Playlist items, boolean everywhere) {
    PlaybackState before = l.state();
    if (writer.recordsEvents() && startsTrack(before, next)) {
      writer.started(sessionId, trackStarted(sessionId, next, items));
    }
    l.offer(next, 0);
    Long duration = items.item(next.itemId()).map(i -> i.track().durationMs()).orElse(null);
    long seq = listener.changed(sessionId, next, duration, everywhere);
    l.offer(next, seq);
  }

  /**
   * Whether {@code next} starts a track: another item playing, or one playing from its start
   * (played after a pause at 0, or restarted).
   */
  static boolean startsTrack(PlaybackState before, PlaybackState next) {
    if (!next.playing() || next.itemId() == null) {
      return false;
    }
    if (before == null || !next.itemId().equals(before.itemId())) {
      return true;
    }
    return next.positionMs() == 0
        && (!before.playing() ? before.positionMs() == 0 : before.positionAt(next.updatedAt()) > 0);
  }

  /**
   * The {@code track_started} event of a state; its id is made of the session, item and start time,
   * so instances that each settle the same track end record one event.
   */
  private static PlaybackStoreService.Started trackStarted(
      String sessionId, PlaybackState next, Playlist items) {
    long startedAt = next.updatedAt() - next.positionMs();
    String id =
        java.util
            .UUID
            .nameUUIDFromBytes(
                ("track_started|" + sessionId + "|" + next.itemId() + "|" + startedAt)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString();
    java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
    data.put("item_id", next.itemId());
    data.put("track_id", next.trackId());
    items
        .item(next.itemId())
        .ifPresent(
            i -> {
              data.put("title", i.track().title());
              data.put("artist", i.track().artist());
              data.put("duration_ms", i.track().durationMs());
            });
    data.put("position_ms", next.positionMs());
    return new PlaybackStoreService.Started(id, sessionId, next.updatedAt(), data);
  }

  private Live live(String sessionId) {
    Live l = live.get(sessionId);
    if (l != null) {
      return l;
    }
    // the connections that arrive together after a restart read the session once between them
    return loads.load(
        sessionId,
        () -> {
          Live held = live.get(sessionId);
          if (held != null) {
            return held;
          }
          Live loaded =
              jdbi.inTransaction(
                  h -> {
                    Session session =
                        h.attach(SessionDao.class)
                            .find(sessionId)
                            .orElseThrow(() -> ApiException.notFound("session"));
                    return new Live(
                        load(h, sessionId), playlist.read(h, sessionId), session.ended());
                  });
          Live raced = live.putIfAbsent(sessionId, loaded);
          return raced == null ? loaded : raced;
        });
  }

  private Playlist playlistOf(String sessionId, Live l) {
    Playlist held = l.playlist;
    if (held == null) {
      held = playlist.get(sessionId);
      playlistChanged(sessionId, held);
    }
    return held;
  }

  public PlaybackJson toJson(PlaybackState s, Playlist items) {
    Long duration = items.item(s.itemId()).map(i -> i.track().durationMs()).orElse(null);
    return toJson(s, duration);
  }

  public PlaybackJson toJson(PlaybackState s, Long durationMs) {
    return new PlaybackJson(
        s.trackId(),
        s.itemId(),
        s.positionMs(),
        s.state(),
        ISO_MS.format(Instant.ofEpochMilli(s.updatedAt())),
        durationMs);
  }

  /** The state as JSON, with the current track's duration. */
  public PlaybackJson json(String sessionId) {
    Live l = live(sessionId);
    Playlist items = playlistOf(sessionId, l);
    return toJson(settle(l.state(), items, clock.millis()), items);
  }

  /** When the playing track ends (server epoch ms), if something is playing. */
  public Optional<Long> trackEndsAt(String sessionId) {
    Live l = live(sessionId);
    Playlist items = playlistOf(sessionId, l);
    PlaybackState s = settle(l.state(), items, clock.millis());
    if (!s.playing()) {
      return Optional.empty();
    }
    return items
        .item(s.itemId())
        .map(i -> s.updatedAt() + (i.track().durationMs() - s.positionMs()));
  }

  private PlaybackState load(Handle h, String sessionId) {
    return h.attach(PlaybackDao.class)
        .find(sessionId)
        .orElseGet(() -> PlaybackState.idle(clock.millis()));
  }

  /**
   * Moves a playing state forward over every track that has ended by {@code now}: each next item
   * starts exactly when the previous ended; after the last, playback pauses at its end.
   */
  static PlaybackState settle(PlaybackState s, Playlist items, long now) {
    Optional<PlaylistItem> current = items.item(s.itemId());
    if (s.itemId() != null && current.isEmpty()) {
      return PlaybackState.idle(now);
    }
    PlaybackState state = s;
    while (state.playing() && current.isPresent()) {
      long duration = current.get().track().durationMs();
      long position = state.positionAt(now);
      if (position < duration) {
        break;
      }
      long endedAt = state.updatedAt() + (duration - state.positionMs());
      Optional<PlaylistItem> next = items.at(current.get().position() + 1);
      if (next.isEmpty()) {
        return new PlaybackState(
            state.trackId(), state.itemId(), duration, PlaybackState.PAUSED, endedAt);
      }
      state =
          new PlaybackState(
              next.get().track().id(), next.get().itemId(), 0, PlaybackState.PLAYING, endedAt);
      current = next;
    }
    return state;
  }

  static PlaybackState apply(
      PlaybackState s, Playlist items, String action, Long positionMs, long now) {
    List<PlaylistItem> list = items.items();
    Optional<PlaylistItem> current = items.item(s.itemId());
    long position = s.positionAt(now);
    switch (action) {
      case "play" -> {
        PlaylistItem item =
            current.or(() -> items.at(0)).orElseThrow(PlaybackService::emptyPlaylist);
        long from =
            positionMs != null ? checkPosition(positionMs, item) : current.isEmpty() ? 0 : position;
        if (from >= item.track().durationMs()) {
          from = 0;
        }
        return new PlaybackState(
            item.track().id(), item.itemId(), from, PlaybackState.PLAYING, now);
      }
      case "pause" -> {
        if (current.isEmpty()) {
          return new PlaybackState(null, null, 0, PlaybackState.PAUSED, now);
        }
        return new PlaybackState(
            s.trackId(),
            s.itemId(),
            Math.min(position, current.get().track().durationMs()),
            PlaybackState.PAUSED,
            now);
      }
      case "seek" -> {
        PlaylistItem item =
            current.orElseThrow(
                () ->
                    ApiException.conflict(
                        "nothing_playing", "nothing is loaded to seek in; play first"));
        return new PlaybackState(
            item.track().id(), item.itemId(), checkPosition(positionMs, item), s.state(), now);
      }
      case "skip_next" -> {
        if (list.isEmpty()) {
          throw emptyPlaylist();
        }
        if (current.isEmpty()) {
          PlaylistItem first = list.get(0);
          return new PlaybackState(first.track().id(), first.itemId(), 0, s.state(), now);
        }
        Optional<PlaylistItem> next = items.at(current.get().position() + 1);
        if (next.isEmpty()) {
          return new PlaybackState(
              s.trackId(),
              s.itemId(),
              current.get().track().durationMs(),
              PlaybackState.PAUSED,
              now);
        }
        return new PlaybackState(next.get().track().id(), next.get().itemId(), 0, s.state(), now);
      }
      case "skip_prev" -> {
        if (list.isEmpty()) {
          throw emptyPlaylist();
        }
        if (current.isEmpty()) {
          PlaylistItem first = list.get(0);
          return new PlaybackState(first.track().id(), first.itemId(), 0, s.state(), now);
        }
        Optional<PlaylistItem> prev = items.at(current.get().position() - 1);
        PlaylistItem target =
            position > RESTART_THRESHOLD_MS || prev.isEmpty() ? current.get() : prev.get();
        String state = s.state();
        if (!s.playing() && position >= current.get().track().durationMs()) {
          state = PlaybackState.PAUSED;
        }
        return new PlaybackState(target.track().id(), target.itemId(), 0, state, now);
      }
      default ->
          throw ApiException.badRequest(
              "action", "must be one of play, pause, seek, skip_next, skip_prev");
    }
  }

  private static long checkPosition(long positionMs, PlaylistItem item) {
    if (positionMs < 0 || positionMs >= item.track().durationMs()) {
      throw ApiException.badRequest(
          "position_ms", "must be between 0 and " + (item.track().durationMs() - 1));
    }
    return positionMs;
  }

  private static ApiException emptyPlaylist() {
    return ApiException.conflict("playlist_empty", "the playlist is empty; add a track first");
  }
}
