package org.samesong.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.samesong.auth.AuthService;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.common.StreamAudience;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.session.api.JoinedJson;
import org.samesong.session.api.KnockJson;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knocks: in {@code knock} mode a join waits until the host or a co-host admits or refuses it. The
 * knocker holds a secret ({@code knock_token}, stored hashed) to ask how it went and, once
 * admitted, to collect its guest tokens. Knocks are limited like joins (per address) and at most
 * {@link #MAX_PENDING} wait at one session's door.
 */
public class KnockService {
  private static final Logger LOG = LoggerFactory.getLogger(KnockService.class);

  /** At most this many knocks wait at one session: more get 429. */
  public static final int MAX_PENDING = 30;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbi jdbi;
  private final SessionService sessions;
  private final AuthService auth;
  private final SettingsService settings;
  private final Clock clock;

  public KnockService(
      Jdbi jdbi, SessionService sessions, AuthService auth, SettingsService settings, Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.auth = auth;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Knocks at a session in {@code knock} mode (what {@link SessionService#join} found): 202 with
   * the knock's id and secret. The join already charged the address's limit.
   */
  public KnockJson knock(Session session, String displayName, String ip, String deviceId) {
    String name = DisplayNames.check(displayName);
    String token = secret();
    KnockDao.Knock knock =
        jdbi.inTransaction(
            h -> {
              sessions.lockLive(h, session.id());
              KnockDao knocks = h.attach(KnockDao.class);
              JoinBatcher.Origin origin =
                  new JoinBatcher.Origin(
                      deviceId != null && Ids.isId(deviceId) ? deviceId : null,
                      RateLimiter.addressKey(ip));
              checkSeat(
                  h.attach(MemberDao.class), h.attach(BanDao.class), session.id(), name, origin);
              if (knocks.countPending(session.id()) >= MAX_PENDING) {
                throw ApiException.tooManyRequests(
                    30, "too many people are waiting to be let in; try again in a little while");
              }
              KnockDao.Knock k =
                  new KnockDao.Knock(
                      Ids.newId(),
                      session.id(),
                      name,
                      hash(token),
                      KnockDao.PENDING,
                      origin.deviceId(),
                      origin.addressKey(),
                      null,
                      clock.millis(),
                      null,
                      null,
                      null);
              knocks.insert(k);
              return k;
            });
    LOG.info("session {}: knock {}", session.id(), knock.id());
    sessions.events().knockChanged(session.id(), json(knock));
    return new KnockJson(knock.id(), knock.displayName(), knock.status(), token);
  }

  /**
   * How a knock went, for its knocker (401 with a wrong secret). Once admitted, the first call
   * answers the guest's join (tokens, state); later ones the status alone.
   */
  public Object status(String knockId, String token) {
    KnockDao.Knock knock =
        jdbi.withExtension(KnockDao.class, dao -> dao.find(knockId))
            .filter(
                k ->
                    token != null
                        && MessageDigest.isEqual(
                            hash(token).getBytes(StandardCharsets.US_ASCII),
                            k.tokenHash().getBytes(StandardCharsets.US_ASCII)))
            .orElseThrow(
                () ->
                    ApiException.unauthorized("this knock needs its knock_token as Bearer token"));
    if (!KnockDao.ADMITTED.equals(knock.status())
        || jdbi.withExtension(KnockDao.class, dao -> dao.claim(knockId, clock.millis())) == 0) {
      return json(knock);
    }
    return collect(knock);
  }

  private JoinedJson collect(KnockDao.Knock knock) {
    String memberId = knock.memberId();
    TokenResponse tokens =
        auth.startFamily(
            new SamesongPrincipal(
                memberId, SamesongPrincipal.GUEST, knock.sessionId(), memberId, null),
            null);
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("playback", sessions.stateProvider().playback(knock.sessionId()));
    snapshot.put(
        "playlist",
        StreamAudience.of(memberId, () -> sessions.stateProvider().playlist(knock.sessionId())));
    return new JoinedJson(
        knock.sessionId(),
        memberId,
        Member.GUEST,
        tokens.accessToken(),
        tokens.refreshToken(),
        tokens.expiresIn(),
        SessionService.GUEST_PERMISSIONS,
        snapshot);
  }

  /** Admits a knock (the host or a co-host of its session): the knocker is a guest now. */
  public KnockJson admit(SamesongPrincipal caller, String knockId) {
    return decide(caller, knockId, true);
  }

  /** Refuses a knock (the host or a co-host of its session). */
  public KnockJson refuse(SamesongPrincipal caller, String knockId) {
    return decide(caller, knockId, false);
  }

  private KnockJson decide(SamesongPrincipal caller, String knockId, boolean admit) {
    int maxGuests = settings.get(Settings.MAX_GUESTS_PER_SESSION);
    Object[] outcome =
        jdbi.inTransaction(
            h -> {
              KnockDao knocks = h.attach(KnockDao.class);
              KnockDao.Knock knock =
                  knocks.find(knockId).orElseThrow(() -> ApiException.notFound("knock"));
              if (!knock.sessionId().equals(caller.sessionId()) || !caller.inCharge()) {
                throw ApiException.forbidden("only the host or a co-host of its session decides");
              }
              sessions.lockLive(h, knock.sessionId());
              if (!KnockDao.PENDING.equals(knocks.find(knockId).orElseThrow().status())) {
                throw ApiException.conflict("already_decided", "this knock was decided already");
              }
              Member member = null;
              if (admit) {
                MemberDao members = h.attach(MemberDao.class);
                JoinBatcher.Origin origin =
                    new JoinBatcher.Origin(knock.deviceId(), knock.addressKey());
                checkSeat(
                    members,
                    h.attach(BanDao.class),
                    knock.sessionId(),
                    knock.displayName(),
                    origin);
                if (members.countGuests(knock.sessionId()) >= maxGuests) {
                  throw ApiException.conflict(
                      "session_full", "this session is full (" + maxGuests + " guests)");
                }
                member =
                    new Member(
                        Ids.newId(),
                        knock.sessionId(),
                        null,
                        knock.displayName(),
                        Member.GUEST,
                        clock.millis(),
                        null,
                        null);
                members.insertGuests(
                    List.of(new MemberDao.GuestRow(member, knock.deviceId(), knock.addressKey())));
                sessions.recordJoined(h, member, member.joinedAt());
              }
              knocks.decide(
                  knockId,
                  admit ? KnockDao.ADMITTED : KnockDao.REFUSED,
                  member == null ? null : member.id(),
                  clock.millis(),
                  caller.memberId());
              return new Object[] {knocks.find(knockId).orElseThrow(), member};
            });
    KnockDao.Knock decided = (KnockDao.Knock) outcome[0];
    LOG.info("session {}: knock {} {}", decided.sessionId(), knockId, decided.status());
    if (outcome[1] != null) {
      sessions.events().memberJoined(decided.sessionId(), (Member) outcome[1]);
    }
    KnockJson json = json(decided);
    sessions.events().knockChanged(decided.sessionId(), json);
    return json;
  }

  /** The knocks waiting at a session, oldest first. */
  public List<KnockJson> pending(String sessionId) {
    return jdbi.withExtension(KnockDao.class, dao -> dao.pending(sessionId)).stream()
        .map(KnockService::json)
        .toList();
  }

  /** Banned browsers and addresses, and names taken, are refused as a join would be. */
  private static void checkSeat(
      MemberDao members, BanDao bans, String sessionId, String name, JoinBatcher.Origin origin) {
    JoinBatcher.Room room = new JoinBatcher.Room(null, 0, List.of(), bans.bans(sessionId));
    if (room.bans(origin)) {
      throw new ApiException(
          403, "banned", "the host removed you from this session; you cannot rejoin");
    }
    String skeleton = DisplayNames.skeleton(name);
    for (MemberDao.Seat seat : members.seats(sessionId)) {
      if (DisplayNames.skeleton(seat.displayName()).equals(skeleton)) {
        throw ApiException.conflict(
            "display_name_taken",
            "someone in this session already has the name "
                + name
                + " or one that looks the same; pick another");
      }
    }
  }

  static KnockJson json(KnockDao.Knock k) {
    return new KnockJson(k.id(), k.displayName(), k.status(), null);
  }

  private static String secret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
