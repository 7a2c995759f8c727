package org.samesong.playback;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.ApiException;
import org.samesong.playback.api.PlaybackJson;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistItem;
import org.samesong.playlist.PlaylistListener;
import org.samesong.playlist.PlaylistService;
import org.samesong.session.SessionService;

/**
 * The server-owned playback clock of each session. Commands run under the session lock and store
 * the new state with the injected clock's time. A playing state that has run past the end of its
 * track is settled forward (next item at the exact time the previous one ended, or paused at the
 * end of the playlist), so every reader sees where playback really is; clients never advance on
 * their own.
 */
public class PlaybackService implements PlaylistListener {
  public static final Set<String> ACTIONS =
      Set.of("play", "pause", "seek", "skip_next", "skip_prev");

  /** skip_prev restarts the track when more than this far in, else goes to the previous item. */
  static final long RESTART_THRESHOLD_MS = 3000;

  private static final DateTimeFormatter ISO_MS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Jdbi jdbi;
  private final SessionService sessions;
  private final PlaylistService playlist;
  private final Clock clock;

  public PlaybackService(
      Jdbi jdbi, SessionService sessions, PlaylistService playlist, Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.playlist = playlist;
    this.clock = clock;
  }

  /** The state now (settled past track ends, not stored). */
  public PlaybackState get(String sessionId) {
    return jdbi.inTransaction(
        h -> settle(load(h, sessionId), playlist.read(h, sessionId), clock.millis()));
  }

  /** Runs a host's command and stores the new state. */
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
    return jdbi.inTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          long now = clock.millis();
          Playlist items = playlist.read(h, sessionId);
          PlaybackState current = settle(load(h, sessionId), items, now);
          PlaybackState next = apply(current, items, action, positionMs, now);
          save(h, sessionId, next);
          h.afterCommit(() -> sessions.events().playbackChanged(sessionId));
          return next;
        });
  }

  /** Stores a state computed elsewhere (the scheduler's advance at a track end). */
  public PlaybackState settleAndStore(String sessionId) {
    return jdbi.inTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          PlaybackState stored = load(h, sessionId);
          PlaybackState settled = settle(stored, playlist.read(h, sessionId), clock.millis());
          if (!settled.equals(stored)) {
            save(h, sessionId, settled);
            h.afterCommit(() -> sessions.events().playbackChanged(sessionId));
          }
          return settled;
        });
  }

  /** When the playing item is removed, playback moves on to the item that took its place. */
  @Override
  public void itemRemoved(Handle h, String sessionId, PlaylistItem removed) {
    PlaybackState state = load(h, sessionId);
    if (!removed.itemId().equals(state.itemId())) {
      return;
    }
    long now = clock.millis();
    Playlist after = playlist.read(h, sessionId);
    PlaybackState next =
        after
            .at(removed.position())
            .map(item -> new PlaybackState(item.track().id(), item.itemId(), 0, state.state(), now))
            .orElse(PlaybackState.idle(now));
    save(h, sessionId, next);
    h.afterCommit(() -> sessions.events().playbackChanged(sessionId));
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
    return jdbi.inTransaction(
        h -> {
          Playlist items = playlist.read(h, sessionId);
          return toJson(settle(load(h, sessionId), items, clock.millis()), items);
        });
  }

  /** When the playing track ends (server epoch ms), if something is playing. */
  public Optional<Long> trackEndsAt(String sessionId) {
    return jdbi.inTransaction(
        h -> {
          Playlist items = playlist.read(h, sessionId);
          PlaybackState s = settle(load(h, sessionId), items, clock.millis());
          if (!s.playing()) {
            return Optional.<Long>empty();
          }
          return items
              .item(s.itemId())
              .map(i -> s.updatedAt() + (i.track().durationMs() - s.positionMs()));
        });
  }

  private PlaybackState load(Handle h, String sessionId) {
    return h.attach(PlaybackDao.class)
        .find(sessionId)
        .orElseGet(() -> PlaybackState.idle(clock.millis()));
  }

  private static void save(Handle h, String sessionId, PlaybackState state) {
    PlaybackDao dao = h.attach(PlaybackDao.class);
    if (dao.update(sessionId, state) == 0) {
      dao.insert(sessionId, state);
    }
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
