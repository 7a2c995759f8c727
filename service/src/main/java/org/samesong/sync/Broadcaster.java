package org.samesong.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.samesong.common.Rights;
import org.samesong.common.StreamAudience;
import org.samesong.playback.PlaybackListener;
import org.samesong.playback.PlaybackService;
import org.samesong.playback.PlaybackState;
import org.samesong.playback.api.PlaybackJson;
import org.samesong.playlist.Playlist;
import org.samesong.playlist.PlaylistEvents;
import org.samesong.playlist.PlaylistService;
import org.samesong.playlist.api.PlaylistItemJson;
import org.samesong.request.RequestEvents;
import org.samesong.request.RequestService;
import org.samesong.request.api.RequestJson;
import org.samesong.session.Member;
import org.samesong.session.Session;
import org.samesong.session.SessionEvents;
import org.samesong.session.SessionService;
import org.samesong.session.api.KnockJson;
import org.samesong.sync.api.ServerMessage;
import org.samesong.sync.bus.Envelope;
import org.samesong.sync.bus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns session changes into server messages: serialised once, numbered with the session's
 * sequence, published on the bus to every instance's listeners with the audience the protocol
 * prescribes. Each message is O(1) in the session's size: a playlist change carries the change, a
 * playback change the state, and member changes go through the {@link MemberRoster}, which
 * coalesces them. Nothing here reads the database on a delivery or close path.
 *
 * <p>It also keeps every instance's memory in step with the broadcasts ({@link #heard}): the
 * playback state and playlist version they carry, the members of {@code member_update}s, ended
 * sessions and revoked logins.
 */
public class Broadcaster implements SessionEvents, PlaylistEvents, RequestEvents, PlaybackListener {
  /** The {@code change.op} of a {@code playlist_update} that re-sends the playlist as it is. */
  public static final String RESYNC = "resync";

  private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);
  private static final String MEMBER_UPDATE_PREFIX = "{\"type\":\"member_update\"";

  private final EventBus bus;
  private final SyncHub hub;
  private final SessionService sessions;
  private final PlaylistService playlist;
  private final PlaybackService playback;
  private final RequestService requests;
  private final Clock clock;
  private final ObjectWriter writer;
  private final ObjectReader reader;
  private final MemberRoster roster;
  private final Map<String, Long> lastPlaybackSent = new ConcurrentHashMap<>();
  private volatile TrackScheduler trackScheduler;

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
    this.reader = mapper.readerFor(ServerMessage.class);
    this.roster = new MemberRoster(new RosterSources(), clock);
    hub.onMembers(roster::connected, roster::disconnected);
    playback.setListener(this);
  }

  void setTrackScheduler(TrackScheduler trackScheduler) {
    this.trackScheduler = trackScheduler;
  }

  /** Who is in each session, in memory. */
  public MemberRoster roster() {
    return roster;
  }

  @Override
  public void playlistChanged(String sessionId, PlaylistService.Change c) {
    Map<String, Object> what = new LinkedHashMap<>();
    what.put("op", c.op());
    what.put("item_id", c.item().itemId());
    what.put("position", "remove".equals(c.op()) ? null : c.item().position());
    if (c.from() != null) {
      what.put("from", c.from());
    }
    if ("add".equals(c.op())) {
      // for nobody: each connection binds the stream URL to its own member (SyncHub)
      PlaylistItemJson item = StreamAudience.nobody(() -> playlist.toJson(c.item()));
      what.put("track_id", item.track().id());
      what.put("track", item.track());
      what.put("added_by", item.addedBy());
      what.put("added_by_name", item.addedByName());
      what.put("added_at", item.addedAt());
    }
    long version = c.playlist().version();
    publish(
        sessionId,
        seq ->
            Envelope.toAll(
                    sessionId,
                    seq,
                    write(
                        new ServerMessage.PlaylistUpdate(seq, clock.millis(), version, null, what)))
                .withPlaylistVersion(version));
  }

  @Override
  public void requestChanged(
      String sessionId, RequestJson r, String authorMemberId, boolean created) {
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

  /**
   * A new playback state made in memory (under the session's command lock): numbered and queued for
   * everyone at once, carrying the state itself so that every instance's memory follows.
   */
  @Override
  public long changed(String sessionId, PlaybackState state, Long durationMs, boolean everywhere) {
    PlaybackJson json = playback.toJson(state, durationMs);
    String origin = everywhere ? null : bus.instanceId();
    long seq =
        bus.publish(
            sessionId,
            n ->
                new Envelope(
                        Envelope.DELIVER,
                        sessionId,
                        n,
                        Envelope.EVERYONE,
                        Set.of(),
                        write(playbackMessage(n, json)),
                        origin)
                    .withPlayback(everywhere ? state : null));
    lastPlaybackSent.put(sessionId, clock.millis());
    TrackScheduler scheduler = trackScheduler;
    if (scheduler != null) {
      scheduler.reschedule(sessionId);
    }
    return seq;
  }

  @Override
  public void memberJoined(String sessionId, Member member) {
    roster.joined(sessionId, member);
  }

  @Override
  public void membersChanged(String sessionId) {
    roster.recheck(sessionId, false);
  }

  @Override
  public void memberRightsChanged(String sessionId, Member member) {
    roster.roleChanged(sessionId, member.id(), member.role());
    Rights rights = member.rights();
    // the member's own connections hear of their rights in a member_update naming them alone
    String json =
        write(
            new ServerMessage.MemberUpdate(
                hub.lastSeq(sessionId),
                clock.millis(),
                List.of(
                    new ServerMessage.Member(
                        member.id(),
                        member.displayName(),
                        member.role(),
                        true,
                        null,
                        null,
                        null,
                        rights.json())),
                List.of(),
                roster.count(sessionId)));
    bus.publishControl(Envelope.rights(sessionId, member.id(), rights, json));
  }

  @Override
  public void sessionChanged(
      String sessionId, Session session, String hostMemberId, boolean codeChanged) {
    // a new code goes to the host and co-hosts only; guests hear of the change without it
    publishTo(
        sessionId,
        codeChanged ? Set.of("guest") : Envelope.EVERYONE,
        seq ->
            new ServerMessage.SessionUpdate(
                seq, clock.millis(), hostMemberId, session.joinMode(), session.name(), null));
    if (codeChanged) {
      publishTo(
          sessionId,
          Set.of("host"),
          seq ->
              new ServerMessage.SessionUpdate(
                  seq,
                  clock.millis(),
                  hostMemberId,
                  session.joinMode(),
                  session.name(),
                  session.code()));
    }
  }

  @Override
  public void knockChanged(String sessionId, KnockJson knock) {
    publishTo(
        sessionId,
        Set.of("host"),
        seq ->
            new ServerMessage.Knock(
                seq, clock.millis(), knock.knockId(), knock.displayName(), knock.status()));
  }

  /** A message made for its number, to the connections of those roles. */
  private void publishTo(
      String sessionId, Set<String> roles, java.util.function.LongFunction<ServerMessage> message) {
    publish(
        sessionId,
        seq ->
            new Envelope(
                Envelope.DELIVER,
                sessionId,
                seq,
                roles,
                Set.of(),
                write(message.apply(seq)),
                null));
  }

  @Override
  public void memberKicked(String sessionId, String memberId) {
    roster.removed(sessionId, memberId);
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
   * playlist_update} whose change is {@code {"op": "resync"}}), the playback state, every member
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
    // the playlist held here may be what it missed: read it again
    playback.playlistMayBeStale(sessionId);
    Playlist current = playback.playlist(sessionId);
    publish(
        sessionId,
        seq ->
            Envelope.toAll(
                    sessionId,
                    seq,
                    write(StreamAudience.nobody(() -> playlistSnapshot(seq, current))))
                .withPlaylistVersion(current.version()));
    PlaybackState state = playback.get(sessionId);
    changed(
        sessionId,
        state,
        current.item(state.itemId()).map(i -> i.track().durationMs()).orElse(null),
        true);
    roster.recheck(sessionId, true);
    for (RequestJson pending : requests.pending(sessionId)) {
      requestChanged(sessionId, pending, pending.requestedBy(), true);
    }
  }

  /**
   * The whole playlist, as the {@code resync} form of {@code playlist_update}, its stream URLs for
   * the member this thread works for ({@link StreamAudience}).
   */
  public ServerMessage.PlaylistUpdate playlistSnapshot(long seq, Playlist current) {
    return new ServerMessage.PlaylistUpdate(
        seq,
        clock.millis(),
        current.version(),
        List.copyOf(playlist.toJson(current).items()),
        Map.of("op", RESYNC));
  }

  /**
   * The heartbeat: the current playback state to this instance's listeners of the session. It
   * travels the bus like any broadcast (so it cannot overtake one) but only its origin delivers it.
   */
  void heartbeat(String sessionId) {
    if (!bus.healthy()) {
      // the other instances' commands cannot reach this one now: the database has them
      playback.refreshFromStore(sessionId);
    }
    PlaybackJson state = playback.json(sessionId);
    bus.publish(
        sessionId,
        seq ->
            new Envelope(
                Envelope.DELIVER,
                sessionId,
                seq,
                Envelope.EVERYONE,
                Set.of(),
                write(playbackMessage(seq, state)),
                bus.instanceId()));
    lastPlaybackSent.put(sessionId, clock.millis());
  }

  long lastPlaybackSent(String sessionId) {
    return lastPlaybackSent.getOrDefault(sessionId, 0L);
  }

  /** What a listener's player reported; the host hears of it (coalesced by the roster). */
  public void reported(
      String sessionId,
      String memberId,
      double driftMs,
      String listenerState,
      Integer outputLatencyMs) {
    roster.reported(sessionId, memberId, driftMs, listenerState, outputLatencyMs);
  }

  /**
   * Keeps this instance's memory in step with a broadcast from anywhere in the cluster (its own
   * included). Runs on the delivering thread: no I/O, no waiting.
   */
  public void heard(Envelope e) {
    try {
      switch (e.kind()) {
        case Envelope.END -> {
          playback.ended(e.sessionId());
          roster.ended(e.sessionId());
        }
        case Envelope.REVOKE -> roster.loginRevoked(e.memberIds());
        // their stream URLs stop on this instance too
        case Envelope.KICK -> e.memberIds().forEach(sessions::memberRemoved);
        case Envelope.DELIVER -> {
          if (e.playback() != null) {
            playback.follow(e.sessionId(), e.playback(), e.seq());
          }
          if (e.playlistVersion() > 0) {
            playback.playlistVersionSeen(e.sessionId(), e.playlistVersion());
          }
          if (e.json() != null && e.json().startsWith(MEMBER_UPDATE_PREFIX)) {
            roster.heard(
                e.sessionId(), reader.readValue(e.json(), ServerMessage.MemberUpdate.class));
          }
        }
        default -> {}
      }
    } catch (IOException | RuntimeException failure) {
      LOG.warn(
          "session {}: a broadcast could not be followed: {}", e.sessionId(), failure.toString());
    }
  }

  public ServerMessage.PlaybackState playbackMessage(long seq, PlaybackJson s) {
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

  public String write(ServerMessage message) {
    try {
      return writer.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + message.getClass().getSimpleName(), e);
    }
  }

  private void publish(String sessionId, LongFunction<Envelope> envelope) {
    bus.publish(sessionId, envelope);
  }

  /** What the roster reads and how it publishes. */
  private final class RosterSources implements MemberRoster.Sources {
    @Override
    public List<Member> load(String sessionId) {
      return sessions.members(sessionId);
    }

    @Override
    public Optional<Member> find(String memberId) {
      return sessions.member(memberId);
    }

    @Override
    public boolean connectedHere(String sessionId, String memberId) {
      return hub.connectedHere(sessionId, memberId);
    }

    @Override
    public Set<String> connectedAnywhere(String sessionId) {
      return hub.connectedAnywhere(sessionId);
    }

    @Override
    public void publish(
        String sessionId, Set<String> roles, Function<Long, ServerMessage> message) {
      Broadcaster.this.publish(
          sessionId,
          seq ->
              new Envelope(
                  Envelope.DELIVER,
                  sessionId,
                  seq,
                  roles,
                  Set.of(),
                  write(message.apply(seq)),
                  null));
    }
  }
}
