package org.samesong.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.samesong.auth.AuthService;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.common.StreamAudience;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.session.api.CreatedSessionJson;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.MemberJson;
import org.samesong.session.api.SessionJson;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.samesong.user.User;
import org.samesong.user.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their members: creation with an invite code, joining by code (limited per IP and by
 * {@code max_guests_per_session}), ending, kicking. Every change to one session runs under a lock
 * on its row ({@link #lockLive}), which the playlist, request and playback features take too, so
 * concurrent edits of one session are serialised and none is lost.
 */
public class SessionService {
  private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

  /** What a guest may do. */
  public static final List<String> GUEST_PERMISSIONS =
      List.of("request_add", "request_move", "request_remove");

  private final Jdbi jdbi;
  private final AuthService auth;
  private final UserService users;
  private final SettingsService settings;
  private final RateLimiter limiter;
  private final Clock clock;
  private volatile SessionStateProvider state =
      new SessionStateProvider() {
        @Override
        public Object playback(String sessionId) {
          return null;
        }

        @Override
        public Object playlist(String sessionId) {
          return null;
        }
      };

  private volatile SessionEvents events = SessionEvents.NONE;

  private final JoinBatcher joins;

  /**
   * Whether members are still in their session, as the stream endpoint asks for every range of
   * every track: read once and kept half a minute (what a kick on an instance whose bus message was
   * lost may take to reach this one); kicks here and on the bus set it at once.
   */
  private final Cache<String, Boolean> standing =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(30)).build();

  private volatile org.samesong.common.EventOutbox outbox = org.samesong.common.EventOutbox.NONE;

  public SessionService(
      Jdbi jdbi,
      AuthService auth,
      UserService users,
      SettingsService settings,
      RateLimiter limiter,
      Clock clock) {
    this.jdbi = jdbi;
    this.joins =
        new JoinBatcher(
            jdbi,
            (h, code) -> {
              Session session =
                  h.attach(SessionDao.class)
                      .findLiveByCode(code)
                      .orElseThrow(() -> ApiException.notFound("session with this code"));
              lockLive(h, session.id());
              if (Session.CLOSED.equals(session.joinMode())) {
                throw new ApiException(
                    403, "session_closed", "this session takes no new guests at the moment");
              }
              if (Session.KNOCK.equals(session.joinMode())) {
                throw new KnockRequired(session);
              }
              // one read of names and roles (not whole rows) per batch, whatever the batch's size
              List<MemberDao.Seat> seats = h.attach(MemberDao.class).seats(session.id());
              return new JoinBatcher.Room(
                  session,
                  (int) seats.stream().filter(m -> Member.GUEST.equals(m.role())).count(),
                  seats.stream().map(MemberDao.Seat::displayName).toList(),
                  h.attach(BanDao.class).bans(session.id()));
            });
    this.auth = auth;
    this.users = users;
    this.settings = settings;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** Connects the listener told of every committed change (the real-time layer). */
  public void setEvents(SessionEvents events) {
    this.events = events;
  }

  /** Where the session-domain features report committed changes. */
  public SessionEvents events() {
    return events;
  }

  /** Where session events are recorded for webhooks, in the transaction of each change. */
  public void setOutbox(org.samesong.common.EventOutbox outbox) {
    this.outbox = outbox;
  }

  /**
   * Records {@code member_joined} for webhooks in {@code h}'s transaction (a join, a knock let in).
   */
  void recordJoined(Handle h, Member member, long now) {
    outbox.record(
        h,
        org.samesong.common.EventOutbox.MEMBER_JOINED,
        member.sessionId(),
        now,
        Map.of(
            "member_id", member.id(),
            "display_name", member.displayName(),
            "role", member.role()));
  }

  /** The live state (playback, playlist, presence) that session views show. */
  SessionStateProvider stateProvider() {
    return state;
  }

  /** Connects the live state (playback, playlist, presence) that session views show. */
  public void setStateProvider(SessionStateProvider provider) {
    this.state = provider;
  }

  /** Creates a session owned by the calling account; its host token is scoped to it. */
  public CreatedSessionJson create(SamesongPrincipal caller, String name, String baseUrl) {
    User owner =
        users
            .find(caller.subject())
            .orElseThrow(() -> ApiException.unauthorized("this account is gone"));
    String sessionName = checkName(name, owner.username() + "'s session");
    long now = clock.millis();
    Session session = null;
    Member host = null;
    for (int attempt = 0; session == null; attempt++) {
      Session candidate =
          new Session(Ids.newId(), InviteCodes.next(), sessionName, owner.id(), 0, now, null);
      Member member =
          new Member(
              Ids.newId(),
              candidate.id(),
              owner.id(),
              owner.username(),
              Member.HOST,
              now,
              null,
              null);
      try {
        jdbi.useTransaction(
            h -> {
              h.attach(SessionDao.class).insert(candidate);
              h.attach(MemberDao.class).insert(member);
              outbox.record(
                  h,
                  org.samesong.common.EventOutbox.SESSION_CREATED,
                  candidate.id(),
                  now,
                  Map.of(
                      "name", candidate.name(),
                      "host_member_id", member.id(),
                      "host_name", member.displayName()));
            });
        session = candidate;
        host = member;
      } catch (UnableToExecuteStatementException e) {
        if (attempt >= 8) {
          throw e;
        }
        // the invite code is taken by a live session: draw another
      }
    }
    TokenResponse tokens =
        auth.startFamily(
            new SamesongPrincipal(
                owner.id(), SamesongPrincipal.HOST, session.id(), host.id(), null),
            null);
    LOG.info("session {} ({}) created by {}", session.id(), session.code(), owner.username());
    return new CreatedSessionJson(
        session.id(),
        session.code(),
        joinUrl(session.code(), baseUrl),
        tokens.accessToken(),
        tokens.refreshToken(),
        tokens.expiresIn(),
        host.id(),
        view(session.id(), baseUrl));
  }

  /** The cookie that names a browser (a random id), for {@link #kick kicks with ban}. */
  public static final String DEVICE_COOKIE = "samesong_device";

  /** A join from a browser that has no device id (an API client without cookies). */
  public JoinedJson join(String typedCode, String displayName, String ip, String baseUrl) {
    return join(typedCode, displayName, ip, baseUrl, null);
  }

  /**
   * Joins a live session as a guest. Bad names are refused before the per-IP limit is charged;
   * unknown codes are charged (they are how codes would be guessed). A browser or address banned
   * from the session gets 403 {@code banned}.
   *
   * @param deviceId the browser's device id ({@link #DEVICE_COOKIE}; null or not a UUID: none)
   */
  public JoinedJson join(
      String typedCode, String displayName, String ip, String baseUrl, String deviceId) {
    String name = checkDisplayName(displayName);
    JoinBatcher.Origin origin =
        new JoinBatcher.Origin(
            deviceId != null && Ids.isId(deviceId) ? deviceId : null, RateLimiter.addressKey(ip));
    String code = InviteCodes.normalise(typedCode);
    limiter.acquireOrThrow(
        RateLimiter.Limit.JOIN_IP, ip, "too many joins from this address; wait a minute");
    if (code == null) {
      throw ApiException.notFound("session with this code");
    }
    long now = clock.millis();
    int maxGuests = settings.get(Settings.MAX_GUESTS_PER_SESSION);
    // joins arriving together are admitted in one transaction (see JoinBatcher): a party's join
    // storm is a few commits, not one per guest in a queue on the session's row lock
    JoinBatcher.Seat seat =
        joins.join(
            code,
            name,
            origin,
            maxGuests,
            (h, session, admitted) -> {
              List<MemberDao.GuestRow> rows = new ArrayList<>(admitted.size());
              List<SamesongPrincipal> principals = new ArrayList<>(admitted.size());
              for (JoinBatcher.Admitted guest : admitted) {
                Member member =
                    new Member(
                        Ids.newId(),
                        session.id(),
                        null,
                        guest.displayName(),
                        Member.GUEST,
                        now,
                        null,
                        null);
                rows.add(
                    new MemberDao.GuestRow(
                        member, guest.origin().deviceId(), guest.origin().addressKey()));
                principals.add(
                    new SamesongPrincipal(
                        member.id(), SamesongPrincipal.GUEST, session.id(), member.id(), null));
              }
              h.attach(MemberDao.class).insertGuests(rows);
              for (MemberDao.GuestRow row : rows) {
                recordJoined(h, row.member(), now);
              }
              // the same thread, so the same handle: the logins are stored in this transaction
              List<TokenResponse> issued = auth.startFamilies(principals);
              List<JoinBatcher.Seat> seats = new ArrayList<>(rows.size());
              for (int i = 0; i < rows.size(); i++) {
                seats.add(new JoinBatcher.Seat(rows.get(i).member(), issued.get(i)));
              }
              return seats;
            });
    Member guest = seat.member();
    TokenResponse tokens = seat.tokens();
    LOG.info("session {}: guest {} joined", guest.sessionId(), guest.id());
    events.memberJoined(guest.sessionId(), guest);
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("playback", state.playback(guest.sessionId()));
    // its stream URLs are the new guest's own (the request had no member before)
    snapshot.put(
        "playlist", StreamAudience.of(guest.id(), () -> state.playlist(guest.sessionId())));
    return new JoinedJson(
        guest.sessionId(),
        guest.id(),
        Member.GUEST,
        tokens.accessToken(),
        tokens.refreshToken(),
        tokens.expiresIn(),
        GUEST_PERMISSIONS,
        snapshot);
  }

  /**
   * A join of a session in {@code knock} mode: nobody was admitted; the caller files a knock
   * instead ({@link KnockService#knock}).
   */
  public static final class KnockRequired extends ApiException {
    private final transient Session session;

    KnockRequired(Session session) {
      super(409, "knock_required", "this session lets guests in one by one: knock and wait");
      this.session = session;
    }

    public Session session() {
      return session;
    }
  }

  /** What an invite code leads to, for a page that asks before a guest types a name. */
  public enum InviteState {
    /** A live session that takes joins. */
    OPEN,
    /** A live session with {@code max_guests_per_session} guests. */
    FULL,
    /** The session with this code has ended. */
    ENDED,
    /** The host rotated this code away: the invite has changed (the session may go on). */
    CHANGED,
    /** No session has (or had) this code, or the text is no code. */
    UNKNOWN
  }

  /** See {@link #checkInvite}. */
  public record InviteCheck(InviteState state, String code, String sessionName, int maxGuests) {}

  /**
   * What the invite code {@code typedCode} leads to, before anyone joins. A code that leads to no
   * live session is charged to the address's join limit like a join with it (429 beyond it), so
   * that asking cannot be used to guess codes faster than joining could.
   */
  public InviteCheck checkInvite(String typedCode, String ip) {
    String code = InviteCodes.normalise(typedCode);
    int maxGuests = settings.get(Settings.MAX_GUESTS_PER_SESSION);
    Optional<Session> live =
        code == null
            ? Optional.empty()
            : jdbi.withExtension(SessionDao.class, dao -> dao.findLiveByCode(code));
    if (live.isPresent()) {
      int guests = jdbi.withExtension(MemberDao.class, dao -> dao.countGuests(live.get().id()));
      return new InviteCheck(
          guests >= maxGuests ? InviteState.FULL : InviteState.OPEN,
          code,
          live.get().name(),
          maxGuests);
    }
    limiter.acquireOrThrow(
        RateLimiter.Limit.JOIN_IP, ip, "too many joins from this address; wait a minute");
    Optional<Session> retired =
        code == null
            ? Optional.empty()
            : jdbi.withExtension(SessionDao.class, dao -> dao.findRetired(code));
    if (retired.isPresent()) {
      return new InviteCheck(InviteState.CHANGED, code, retired.get().name(), maxGuests);
    }
    Optional<Session> ended =
        code == null
            ? Optional.empty()
            : jdbi.withExtension(SessionDao.class, dao -> dao.findNewestByCode(code));
    return new InviteCheck(
        ended.isPresent() ? InviteState.ENDED : InviteState.UNKNOWN,
        code,
        ended.map(Session::name).orElse(null),
        maxGuests);
  }

  /** The session as its members see it. */
  public SessionJson view(String sessionId, String baseUrl) {
    Session session = find(sessionId);
    Set<String> connected = state.connectedMembers(sessionId);
    Map<String, Double> drifts = state.drifts(sessionId);
    List<MemberJson> members =
        jdbi.withExtension(MemberDao.class, dao -> dao.listActive(sessionId)).stream()
            .map(
                m ->
                    new MemberJson(
                        m.id(),
                        m.displayName(),
                        m.role(),
                        connected.contains(m.id()),
                        drifts.getOrDefault(m.id(), m.lastDriftMs()),
                        m.rights().json()))
            .toList();
    return new SessionJson(
        session.id(),
        session.code(),
        session.name(),
        session.ended() ? null : joinUrl(session.code(), baseUrl),
        session.ownerId(),
        session.ended() ? "ended" : "live",
        session.createdAt(),
        session.endedAt(),
        members,
        session.playlistVersion(),
        state.playback(sessionId),
        session.joinMode(),
        members.stream()
            .filter(m -> Member.HOST.equals(m.role()))
            .findFirst()
            .map(MemberJson::memberId)
            .orElse(null));
  }

  public Session find(String sessionId) {
    return jdbi.withExtension(SessionDao.class, dao -> dao.find(sessionId))
        .orElseThrow(() -> ApiException.notFound("session"));
  }

  public List<Session> listLive() {
    return jdbi.withExtension(SessionDao.class, SessionDao::listLive);
  }

  /** How many sessions are live (not ended), on all instances. */
  public long countLive() {
    return jdbi.withExtension(SessionDao.class, SessionDao::countLive);
  }

  /** One member, kicked or not. */
  public java.util.Optional<Member> member(String memberId) {
    return jdbi.withExtension(MemberDao.class, dao -> dao.find(memberId));
  }

  public List<Member> members(String sessionId) {
    return jdbi.withExtension(MemberDao.class, dao -> dao.listActive(sessionId));
  }

  /** Ends a live session: no more joins, commands or requests. */
  public void end(String sessionId) {
    jdbi.useTransaction(
        h -> {
          lockLive(h, sessionId);
          long now = clock.millis();
          h.attach(SessionDao.class).end(sessionId, now);
          outbox.record(h, org.samesong.common.EventOutbox.SESSION_ENDED, sessionId, now, Map.of());
        });
    LOG.info("session {} ended", sessionId);
    events.sessionEnded(sessionId);
  }

  /**
   * Whether the member is still in its session (not kicked); from memory, the database read at most
   * once per member and half minute.
   */
  public boolean isActiveMember(String memberId) {
    return standing.get(memberId, id -> member(id).map(m -> m.kickedAt() == null).orElse(false));
  }

  /** A member was kicked (here, or another instance says so): its stream URLs stop at once. */
  public void memberRemoved(String memberId) {
    standing.put(memberId, false);
  }

  /** Removes a guest; their tokens and stream URLs stop working at once. */
  public void kick(String sessionId, String memberId) {
    kick(HOST_ITSELF, sessionId, memberId, false);
  }

  /** The host, for callers that act for it (the host console). */
  private static final SamesongPrincipal HOST_ITSELF =
      new SamesongPrincipal("host", SamesongPrincipal.HOST, null, null, null);

  /** {@link #kick(SamesongPrincipal, String, String, boolean)} by the host. */
  public void kick(String sessionId, String memberId, boolean ban) {
    kick(HOST_ITSELF, sessionId, memberId, ban);
  }

  /**
   * Removes a guest; their tokens and stream URLs stop working at once. With {@code ban}, the
   * browser (device id) and the address (IPv6: its /64) the guest joined from cannot join the
   * session again (403 {@code banned}). A co-host may remove guests, not other co-hosts.
   */
  public void kick(SamesongPrincipal kicker, String sessionId, String memberId, boolean ban) {
    removeGuest(kicker, sessionId, memberId, ban);
    LOG.info("session {}: guest {} kicked{}", sessionId, memberId, ban ? " and banned" : "");
  }

  /**
   * A guest leaves the session by themself (the player's Leave): gone as after a kick without ban,
   * so their tokens and stream URLs stop, the room is told, and their name is free to join with
   * again.
   */
  public void leave(String sessionId, String memberId) {
    removeGuest(HOST_ITSELF, sessionId, memberId, false);
    LOG.info("session {}: guest {} left", sessionId, memberId);
  }

  private void removeGuest(
      SamesongPrincipal kicker, String sessionId, String memberId, boolean ban) {
    jdbi.useTransaction(
        h -> {
          lockLive(h, sessionId);
          MemberDao members = h.attach(MemberDao.class);
          Member member =
              members
                  .find(memberId)
                  .filter(m -> m.sessionId().equals(sessionId))
                  .orElseThrow(() -> ApiException.notFound("member"));
          if (member.isCohost() && !kicker.rights().isHost()) {
            throw ApiException.forbidden("only the host can remove a co-host");
          }
          if (member.isHost()) {
            throw ApiException.badRequest(
                "cannot_kick_host",
                "member_id",
                "the host cannot be kicked; end the session instead");
          }
          long now = clock.millis();
          members.kick(memberId, now);
          outbox.record(
              h,
              org.samesong.common.EventOutbox.MEMBER_LEFT,
              sessionId,
              now,
              Map.of(
                  "member_id",
                  memberId,
                  "display_name",
                  member.displayName(),
                  "reason",
                  ban ? "banned" : "kicked"));
          if (ban) {
            BanDao bans = h.attach(BanDao.class);
            BanDao.Ban origin = bans.originOf(memberId).orElse(new BanDao.Ban(null, null));
            bans.insert(
                Ids.newId(),
                sessionId,
                memberId,
                origin.deviceId(),
                origin.addressKey(),
                clock.millis());
          }
        });
    memberRemoved(memberId);
    auth.revokeKicked(memberId);
    events.memberKicked(sessionId, memberId);
  }

  /**
   * Reserves the next {@code n} numbers of a session's event sequence; returns the last of them (0
   * for an unknown session).
   */
  public long reserveSequence(String sessionId, int n) {
    return jdbi.inTransaction(
        h -> {
          SessionDao dao = h.attach(SessionDao.class);
          return dao.reserveSeq(sessionId, n) == 0 ? n : dao.eventSeq(sessionId);
        });
  }

  /** The stored top of a session's event sequence (0 for an unknown session). */
  public long storedSequence(String sessionId) {
    return jdbi.withExtension(
        SessionDao.class, dao -> dao.find(sessionId).isPresent() ? dao.eventSeq(sessionId) : 0L);
  }

  /**
   * Locks a live session's row inside the caller's transaction.
   *
   * @throws ApiException 404 when it does not exist, 409 {@code session_ended} when it ended
   */
  public Session lockLive(Handle handle, String sessionId) {
    Session session =
        handle
            .attach(SessionDao.class)
            .lock(sessionId)
            .orElseThrow(() -> ApiException.notFound("session"));
    if (session.ended()) {
      throw ApiException.conflict("session_ended", "this session has ended");
    }
    return session;
  }

  /** The member hosting the session now, inside the caller's transaction (null: none). */
  public String hostMemberId(Handle handle, String sessionId) {
    return handle.attach(MemberDao.class).host(sessionId).map(Member::id).orElse(null);
  }

  /** Counts one playlist change inside the caller's transaction; returns the new version. */
  public long bumpPlaylistVersion(Handle handle, String sessionId) {
    SessionDao dao = handle.attach(SessionDao.class);
    dao.bumpPlaylistVersion(sessionId);
    return dao.playlistVersion(sessionId);
  }

  public long playlistVersion(Handle handle, String sessionId) {
    return handle.attach(SessionDao.class).playlistVersion(sessionId);
  }

  /** The invite link: the public URL setting, or the address the caller used. */
  public String joinUrl(String code, String baseUrl) {
    String base = settings.get(Settings.PUBLIC_URL);
    if (base.isEmpty()) {
      base = baseUrl == null ? "" : baseUrl;
    }
    return base + "/join/" + code;
  }

  static String checkName(String name, String fallback) {
    if (name == null || name.isBlank()) {
      return fallback.length() > 120 ? fallback.substring(0, 120) : fallback;
    }
    String n = name.strip();
    if (n.length() > 120 || n.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("name", "must be at most 120 printable characters");
    }
    return n;
  }

  static String checkDisplayName(String displayName) {
    return DisplayNames.check(displayName);
  }
}
