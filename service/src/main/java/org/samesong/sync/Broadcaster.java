package org.samesong.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.samesong.playback.PlaybackService;
import org.samesong.playback.api.PlaybackJson;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistService;
import org.samesong.request.RequestService;
import org.samesong.request.api.RequestJson;
import org.samesong.session.SessionEvents;
import org.samesong.session.SessionService;
import org.samesong.sync.api.ServerMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed session changes into server messages: serialised once, numbered with the
 * session's sequence, published on the bus to every instance's listeners with the audience the
 * protocol prescribes.
 */
public class Broadcaster implements SessionEvents {
  /** Drift updates reach the host at most this often per session. */
  static final long DRIFT_UPDATE_INTERVAL_MS = 1000;

  /** The {@code change.op} of a {@code playlist_update} that re-sends the playlist as it is. */
  public static final String RESYNC = "resync";

  private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);

  private final EventBus bus;
  private final SyncHub hub;
  private final SessionService sessions;
  private final PlaylistService playlist;
  private final PlaybackService playback;
  private final RequestService requests;
  private final Clock clock;
  private final ObjectWriter writer;
  private final Map<String, Long> lastPlaybackSent = new ConcurrentHashMap<>();
  private final Map<String, Long> lastDriftUpdate = new ConcurrentHashMap<>();
  private final Map<String, Double> drift = new ConcurrentHashMap<>();
  private volatile PlaybackClock playbackClock;

  public Broadcaster(
      EventBus bus,
      SyncHub hub,
      SessionService sessions,
      PlaylistService playlist,
      PlaybackService playback,
      RequestService requests,
      ObjectMapper mapper,
      Clock clock) {
    this.bus = bus;
    this.hub = hub;
    this.sessions = sessions;
    this.playlist = playlist;
    this.playback = playback;
    this.requests = requests;
    this.clock = clock;
    this.writer = mapper.writerFor(ServerMessage.class);
  }

  void setPlaybackClock(PlaybackClock playbackClock) {
    this.playbackClock = playbackClock;
  }

  @Override
  public void playlistChanged(String sessionId, Object change) {
    PlaylistService.Change c = (PlaylistService.Change) change;
    Map<String, Object> what = new LinkedHashMap<>();
    what.put("op", c.op());
    what.put("item_id", c.item().itemId());
    what.put("position", "remove".equals(c.op()) ? null : c.item().position());
    if (c.from() != null) {
      what.put("from", c.from());
    }
    if ("add".equals(c.op())) {
      what.put("track_id", c.item().track().id());
    }
    List<Object> items = List.copyOf(playlist.toJson(c.playlist()).items());
    publishToAll(
        sessionId,
        seq ->
            new ServerMessage.PlaylistUpdate(
                seq, clock.millis(), c.playlist().version(), items, what));
  }

  @Override
  public void requestChanged(
      String sessionId, Object request, String authorMemberId, boolean created) {
    RequestJson r = (RequestJson) request;
    Set<String> roles = created ? Set.of("host") : Envelope.EVERYONE;
    publish(
        sessionId,
        seq -> {
          String json =
              write(
                  new ServerMessage.RequestUpdate(
                      seq,
                      clock.millis(),
                      r.requestId(),
                      r.status(),
                      r.payload(),
                      r.requestedBy(),
                      r.reason(),
                      r));
          return new Envelope(
              Envelope.DELIVER, sessionId, seq, roles, Set.of(authorMemberId), json, null);
        });
  }

  @Override
  public void playbackChanged(String sessionId) {
    // read under the bus's numbering step, so a later number never carries an older state
    publishToAll(sessionId, seq -> playbackMessage(seq, playback.json(sessionId)));
    lastPlaybackSent.put(sessionId, clock.millis());
    PlaybackClock scheduler = playbackClock;
    if (scheduler != null) {
      scheduler.reschedule(sessionId);
    }
  }

  @Override
  public void membersChanged(String sessionId) {
    List<ServerMessage.Member> members = members(sessionId);
    publishToAll(sessionId, seq -> new ServerMessage.MemberUpdate(seq, clock.millis(), members));
  }

  @Override
  public void memberKicked(String sessionId, String memberId) {
    bus.publishControl(
        new Envelope(Envelope.KICK, sessionId, 0, Set.of(), Set.of(memberId), null, null));
  }

  /**
   * Closes, on every instance, the connections to a session opened with a token of a revoked login:
   * a revoked token must stop working at once, not only at the next connect.
   */
  public void loginRevoked(String sessionId, String familyId) {
    bus.publishControl(
        new Envelope(Envelope.REVOKE, sessionId, 0, Set.of(), Set.of(familyId), null, null));
  }

  /** Tells every instance to reload the settings (an admin changed them on this one). */
  public void settingsChanged() {
    bus.publishControl(new Envelope(Envelope.SETTINGS, "", 0, Set.of(), Set.of(), null, null));
  }

  @Override
  public void sessionEnded(String sessionId) {
    publish(
        sessionId,
        seq ->
            new Envelope(
                Envelope.END,
                sessionId,
                seq,
                Envelope.EVERYONE,
                Set.of(),
                write(new ServerMessage.SessionEnded(seq, clock.millis())),
                null));
  }

  /**
   * After the bus lost messages (Redis was away), brings everyone who follows a session here back
   * in step: see {@link #resync(String)}.
   */
  public void resyncFollowedSessions() {
    Set<String> followed = hub.followedSessions();
    LOG.info(
        "re-sending the state of {} session(s) after the event bus reconnected", followed.size());
    for (String sessionId : followed) {
      try {
        resync(sessionId);
      } catch (RuntimeException e) {
        LOG.warn("session {}: resync failed: {}", sessionId, e.toString());
      }
    }
  }

  /**
   * Re-sends what listeners of a session may have missed, as it is now: the playlist (a {@code
   * playlist_update} whose change is {@code {"op": "resync"}}), the playback state, the members
   * and, to the host, the pending requests. A missed end or removal is repeated, so connections
   * that should have closed do.
   */
  void resync(String sessionId) {
    if (sessions.find(sessionId).ended()) {
      sessionEnded(sessionId);
      return;
    }
    Set<String> active = new HashSet<>();
    sessions.members(sessionId).forEach(m -> active.add(m.id()));
    for (String memberId : hub.connectedMembers(sessionId)) {
      if (!active.contains(memberId)) {
        memberKicked(sessionId, memberId);
      }
    }
    Playlist current = playlist.get(sessionId);
    List<Object> items = List.copyOf(playlist.toJson(current).items());
    publishToAll(
        sessionId,
        seq ->
            new ServerMessage.PlaylistUpdate(
                seq, clock.millis(), current.version(), items, Map.of("op", RESYNC)));
    playbackChanged(sessionId);
    membersChanged(sessionId);
    for (RequestJson pending : requests.pending(sessionId)) {
      requestChanged(sessionId, pending, pending.requestedBy(), true);
    }
  }

  /**
   * The heartbeat: the current playback state to this instance's listeners of the session. It
   * travels the bus like any broadcast (so it cannot overtake one) but only its origin delivers it.
   */
  void heartbeat(String sessionId) {
    bus.publish(
        sessionId,
        seq ->
            new Envelope(
                Envelope.DELIVER,
                sessionId,
                seq,
                Envelope.EVERYONE,
                Set.of(),
                write(playbackMessage(seq, playback.json(sessionId))),
                bus.instanceId()));
    lastPlaybackSent.put(sessionId, clock.millis());
  }

  long lastPlaybackSent(String sessionId) {
    return lastPlaybackSent.getOrDefault(sessionId, 0L);
  }

  /** A listener's reported drift; the host hears of it (throttled). */
  void driftReported(String sessionId, String memberId, double driftMs) {
    drift.put(memberId, driftMs);
    long now = clock.millis();
    Long last = lastDriftUpdate.get(sessionId);
    if (last != null && now - last < DRIFT_UPDATE_INTERVAL_MS) {
      return;
    }
    lastDriftUpdate.put(sessionId, now);
    // stored as often as the host hears of it, so session views show it too
    sessions.recordDrift(memberId, driftMs);
    List<ServerMessage.Member> members = members(sessionId);
    publish(
        sessionId,
        seq ->
            new Envelope(
                Envelope.DELIVER,
                sessionId,
                seq,
                Set.of("host"),
                Set.of(),
                write(new ServerMessage.MemberUpdate(seq, now, members)),
                null));
  }

  /** The members with presence (on any instance of the cluster) and last drift. */
  List<ServerMessage.Member> members(String sessionId) {
    Set<String> connected = hub.connectedAnywhere(sessionId);
    return sessions.members(sessionId).stream()
        .map(
            m ->
                new ServerMessage.Member(
                    m.id(),
                    m.displayName(),
                    m.role(),
                    connected.contains(m.id()),
                    drift.getOrDefault(m.id(), m.lastDriftMs())))
        .toList();
  }

  ServerMessage.PlaybackState playbackMessage(long seq, PlaybackJson s) {
    return new ServerMessage.PlaybackState(
        seq,
        clock.millis(),
        s.trackId(),
        s.itemId(),
        s.positionMs(),
        s.state(),
        s.updatedAt(),
        s.durationMs());
  }

  String write(ServerMessage message) {
    try {
      return writer.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + message.getClass().getSimpleName(), e);
    }
  }

  private void publishToAll(String sessionId, LongFunction<ServerMessage> message) {
    publish(sessionId, seq -> Envelope.toAll(sessionId, seq, write(message.apply(seq))));
  }

  private void publish(String sessionId, LongFunction<Envelope> envelope) {
    bus.publish(sessionId, envelope);
  }
}
