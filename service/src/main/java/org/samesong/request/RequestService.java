package org.samesong.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.ApiException;
import org.samesong.common.EventOutbox;
import org.samesong.common.Ids;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.metrics.SamesongMetrics;
import org.samesong.playlist.GuestProposals;
import org.samesong.playlist.PlaylistItem;
import org.samesong.playlist.PlaylistListener;
import org.samesong.playlist.PlaylistService;
import org.samesong.playlist.ProposedChange;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.request.api.RequestJson;
import org.samesong.session.SessionService;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guest requests: {@code pending → approved | denied}, or {@code cancelled} by the author, or
 * {@code expired} when the item they target leaves the playlist. Approval applies the playlist
 * change and the status change in one transaction under the session lock, so a request is decided
 * exactly once (a second decision, even a racing one, gets 409). Creation is rate limited per guest
 * and per session; bad input is refused before the limiter and costs no budget.
 */
public class RequestService implements GuestProposals, PlaylistListener {
  private static final Logger LOG = LoggerFactory.getLogger(RequestService.class);

  /**
   * The word of {@link RequestStatus#PENDING}, for callers that compare a {@link RequestJson}'s.
   */
  public static final String PENDING = RequestStatus.PENDING.word();

  private static final int MAX_TEXT = 500;

  private final Jdbi jdbi;
  private final SessionService sessions;
  private final PlaylistService playlist;
  private final RateLimiter limiter;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final SamesongMetrics metrics;
  private volatile RequestEvents events = RequestEvents.NONE;
  private volatile EventOutbox outbox = EventOutbox.NONE;
  private final SettingsService settings;

  /** The item playing in a session now (null: none): fair placement looks at what comes after. */
  private volatile Function<String, String> currentItem = sessionId -> null;

  /** Who decides a member's own adds under {@code auto_approve}: the log says {@code auto}. */
  public static final String AUTO = "auto";

  /** A decision and the playlist change it made (null for denials). */
  public record Decision(RequestJson request, PlaylistService.Change change) {}

  public RequestService(
      Jdbi jdbi,
      SessionService sessions,
      PlaylistService playlist,
      RateLimiter limiter,
      ObjectMapper mapper,
      Clock clock,
      SamesongMetrics metrics,
      SettingsService settings) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.metrics = metrics;
    this.sessions = sessions;
    this.playlist = playlist;
    this.limiter = limiter;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** Where request events are recorded for webhooks, in the transaction of each change. */
  public void setOutbox(EventOutbox outbox) {
    this.outbox = outbox;
  }

  /** Connects the real-time layer, told of every request created or decided. */
  public void setEvents(RequestEvents events) {
    this.events = events;
  }

  /** Tells fair placement which item plays now in a session (the playback feature knows). */
  public void setCurrentItem(Function<String, String> currentItem) {
    this.currentItem = currentItem;
  }

  @Override
  public Outcome propose(SamesongPrincipal guest, String sessionId, ProposedChange change) {
    Decision d = createOrApply(guest, sessionId, change);
    return new Outcome(d.request(), d.change() == null ? null : d.change().item());
  }

  /**
   * Files a guest's request; a guest with {@code auto_approve} has its add applied at once (the
   * request is logged approved by {@link #AUTO}).
   */
  public RequestJson create(SamesongPrincipal guest, String sessionId, ProposedChange change) {
    return createOrApply(guest, sessionId, change).request();
  }

  private Decision createOrApply(SamesongPrincipal guest, String sessionId, ProposedChange change) {
    RequestJson created;
    try {
      created = createChecked(guest, sessionId, change);
    } catch (ApiException e) {
      metrics.requestOutcome(e.status() == 429 ? "rate_limited" : "refused");
      throw e;
    }
    metrics.requestOutcome("created");
    if (guest.can(Rights.AUTO_APPROVE) && ProposedChange.ADD.equals(created.action())) {
      return approve(
          new SamesongPrincipal(AUTO, SamesongPrincipal.HOST, sessionId, AUTO, null),
          created.requestId());
    }
    return new Decision(created, null);
  }

  /**
   * 429 {@code quota_exceeded} when the guest has {@code max_pending_requests_per_guest} pending
   * requests, or (for an add, when {@code max_adds_per_guest_per_hour} > 0) that many adds approved
   * in the last hour.
   */
  private void checkQuota(Handle h, SamesongPrincipal guest, ProposedChange change) {
    RequestDao dao = h.attach(RequestDao.class);
    int maxPending = settings.get(Settings.MAX_PENDING_REQUESTS_PER_GUEST);
    if (dao.countPending(guest.memberId()) >= maxPending) {
      throw quotaExceeded(
          60,
          "you have "
              + maxPending
              + " requests waiting already; wait until the host decides one (or cancel one)");
    }
    int maxAdds = settings.get(Settings.MAX_ADDS_PER_GUEST_PER_HOUR);
    if (maxAdds > 0 && ProposedChange.ADD.equals(change.action())) {
      long now = clock.millis();
      List<Long> adds = dao.approvedAddsSince(guest.memberId(), now - 3_600_000L);
      if (adds.size() >= maxAdds) {
        long freeAt = adds.get(adds.size() - maxAdds) + 3_600_000L;
        throw quotaExceeded(
            (freeAt - now + 999) / 1000,
            "you have added " + maxAdds + " tracks in the last hour; that is the most per hour");
      }
    }
  }

  private static ApiException quotaExceeded(long retryAfterSeconds, String message) {
    return new ApiException(
        429,
        "quota_exceeded",
        message,
        null,
        Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
  }

  private RequestJson createChecked(
      SamesongPrincipal guest, String sessionId, ProposedChange change) {
    ProposedChange checked = checkShape(change);
    if (checked.url() != null) {
      // only the form is checked now; the host's approval probes it
      checked =
          new ProposedChange(
              checked.action(),
              null,
              playlist.checkUrl(checked.url()),
              null,
              checked.position(),
              checked.note());
    }
    ProposedChange valid = checked;
    // an ended session, an unknown track or item, a position out of range: refused before the
    // limiter too, so they cost no budget
    jdbi.useTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          playlist.check(h, sessionId, valid);
          checkQuota(h, guest, valid);
        });
    limiter.acquireOrThrow(
        RateLimiter.Limit.GUEST_MEMBER,
        guest.memberId(),
        "you are sending requests too fast; wait a little");
    limiter.acquireOrThrow(
        RateLimiter.Limit.GUEST_SESSION,
        sessionId,
        "this session receives too many requests; wait a little");
    RequestDao.Row row =
        jdbi.inTransaction(
            h -> {
              sessions.lockLive(h, sessionId);
              playlist.check(h, sessionId, valid);
              checkQuota(h, guest, valid);
              RequestDao.Row r =
                  new RequestDao.Row(
                      Ids.newId(),
                      sessionId,
                      guest.memberId(),
                      null,
                      valid.action(),
                      payload(valid),
                      valid.itemId(),
                      valid.note(),
                      PENDING,
                      null,
                      clock.millis(),
                      null,
                      null);
              RequestDao dao = h.attach(RequestDao.class);
              dao.insert(r);
              RequestDao.Row created = dao.find(r.id()).orElseThrow();
              record(h, EventOutbox.REQUEST_CREATED, toJson(created));
              h.afterCommit(
                  () ->
                      events.requestChanged(
                          sessionId, toJson(created), created.requestedBy(), true));
              return created;
            });
    LOG.info(
        "session {}: request {} ({}) by {}", sessionId, row.id(), row.action(), guest.memberId());
    return toJson(row);
  }

  /** A session's requests as the caller may see them, optionally of one status. */
  public List<RequestJson> list(SamesongPrincipal who, String sessionId, String status) {
    if (status != null && !status.isBlank() && RequestStatus.of(status).isEmpty()) {
      throw ApiException.badRequest("status", "must be one of " + RequestStatus.words());
    }
    boolean filter = status != null && !status.isBlank();
    String clause = filter ? "AND r.status = :s" : "";
    sessions.find(sessionId);
    List<RequestDao.Row> rows =
        jdbi.withExtension(
            RequestDao.class,
            dao ->
                who.can(Rights.DECIDE_REQUESTS)
                    ? dao.listAll(sessionId, clause, status)
                    : dao.listVisible(sessionId, who.memberId(), clause, status));
    return rows.stream().map(this::toJson).toList();
  }

  /**
   * Approves: applies the change and records the decision in one transaction. A request to add a
   * URL is probed first, outside the transaction; when the probe fails, the approval answers its
   * error and the request stays pending.
   */
  public Decision approve(SamesongPrincipal host, String requestId) {
    String probedTrackId = probeUrlOf(host, requestId);
    Decision decision = approveProbed(host, requestId, probedTrackId);
    metrics.requestOutcome(RequestStatus.APPROVED.word());
    return decision;
  }

  private Decision approveProbed(SamesongPrincipal host, String requestId, String probedTrackId) {
    return jdbi.inTransaction(
        h -> {
          RequestDao dao = h.attach(RequestDao.class);
          RequestDao.Row row = lockPending(h, host, requestId);
          // decided first, so that a removal's own expiry sweep does not catch this request; the
          // conditional update is the last word on "pending" (H2 can answer the re-read above from
          // a cached result that predates a racing decision's commit)
          if (dao.decide(row.id(), RequestStatus.APPROVED, null, clock.millis(), host.memberId())
              == 0) {
            throw ApiException.conflict("already_decided", "this request was decided meanwhile");
          }
          ProposedChange change = changeOf(row);
          PlaylistService.Change applied =
              switch (row.action()) {
                case ProposedChange.ADD ->
                    playlist.addIn(
                        h,
                        row.sessionId(),
                        change.trackId() != null ? change.trackId() : probedTrackId,
                        change.position() == null && settings.get(Settings.FAIR_QUEUE)
                            ? fairPosition(h, row.sessionId(), row.requestedBy())
                            : clampAdd(h, row.sessionId(), change.position()),
                        row.requestedBy());
                case ProposedChange.MOVE ->
                    playlist.moveIn(
                        h,
                        row.sessionId(),
                        change.itemId(),
                        clampMove(h, row.sessionId(), change.position()));
                default -> playlist.removeIn(h, row.sessionId(), change.itemId());
              };
          LOG.info("session {}: request {} approved", row.sessionId(), row.id());
          return announce(h, new Decision(toJson(dao.find(row.id()).orElseThrow()), applied));
        });
  }

  /**
   * For a pending request of the host's session that adds a URL: probes and registers the URL and
   * returns the track's id; null for any other request (the transaction then judges it).
   */
  private String probeUrlOf(SamesongPrincipal host, String requestId) {
    RequestDao.Row row =
        jdbi.withExtension(RequestDao.class, dao -> dao.find(requestId))
            .orElseThrow(() -> ApiException.notFound("request"));
    if (!row.sessionId().equals(host.sessionId())) {
      throw ApiException.forbidden("this request belongs to another session");
    }
    if (!PENDING.equals(row.status())) {
      throw alreadyDecided(row);
    }
    ProposedChange change = changeOf(row);
    if (!ProposedChange.ADD.equals(change.action())
        || change.trackId() != null
        || change.url() == null) {
      return null;
    }
    return playlist.registerUrl(change.url()).id();
  }

  /** Denies with an optional reason for the guest. */
  public Decision deny(SamesongPrincipal host, String requestId, String reason) {
    String why = reason == null || reason.isBlank() ? null : reason.strip();
    if (why != null && why.length() > MAX_TEXT) {
      throw ApiException.badRequest("reason", "must be at most " + MAX_TEXT + " characters");
    }
    Decision decision =
        jdbi.inTransaction(
            h -> {
              RequestDao dao = h.attach(RequestDao.class);
              RequestDao.Row row = lockPending(h, host, requestId);
              if (dao.decide(row.id(), RequestStatus.DENIED, why, clock.millis(), host.memberId())
                  == 0) {
                throw ApiException.conflict(
                    "already_decided", "this request was decided meanwhile");
              }
              LOG.info("session {}: request {} denied", row.sessionId(), row.id());
              return announce(h, new Decision(toJson(dao.find(row.id()).orElseThrow()), null));
            });
    metrics.requestOutcome(RequestStatus.DENIED.word());
    return decision;
  }

  /** Cancels a pending request; only its author may. */
  public RequestJson cancel(SamesongPrincipal guest, String requestId) {
    RequestJson cancelled = cancelPending(guest, requestId);
    metrics.requestOutcome(RequestStatus.CANCELLED.word());
    return cancelled;
  }

  private RequestJson cancelPending(SamesongPrincipal guest, String requestId) {
    return jdbi.inTransaction(
        h -> {
          RequestDao dao = h.attach(RequestDao.class);
          RequestDao.Row row =
              dao.find(requestId).orElseThrow(() -> ApiException.notFound("request"));
          if (!row.requestedBy().equals(guest.memberId())) {
            throw ApiException.forbidden("only its author can cancel a request");
          }
          sessions.lockLive(h, row.sessionId());
          if (dao.decide(row.id(), RequestStatus.CANCELLED, null, clock.millis(), guest.memberId())
              == 0) {
            throw alreadyDecided(dao.find(requestId).orElseThrow());
          }
          return announce(h, new Decision(toJson(dao.find(row.id()).orElseThrow()), null))
              .request();
        });
  }

  /** Pending requests that target a removed item can never apply: they expire with it. */
  @Override
  public void itemRemoved(Handle h, String sessionId, PlaylistItem removed) {
    RequestDao dao = h.attach(RequestDao.class);
    for (String id : dao.pendingTargeting(sessionId, removed.itemId())) {
      dao.decide(
          id,
          RequestStatus.EXPIRED,
          "the item it refers to left the playlist",
          clock.millis(),
          null);
      announce(h, new Decision(toJson(dao.find(id).orElseThrow()), null));
      h.afterCommit(() -> metrics.requestOutcome(RequestStatus.EXPIRED.word()));
    }
  }

  /** A session's pending requests (the host's queue). */
  public List<RequestJson> pending(String sessionId) {
    return jdbi
        .withExtension(
            RequestDao.class, dao -> dao.listAll(sessionId, "AND r.status = :s", PENDING))
        .stream()
        .map(this::toJson)
        .toList();
  }

  /** Tells everyone of a decision once the transaction has committed. */
  private Decision announce(Handle h, Decision decision) {
    RequestJson r = decision.request();
    record(h, EventOutbox.REQUEST_DECIDED, r);
    h.afterCommit(() -> events.requestChanged(r.sessionId(), r, r.requestedBy(), false));
    return decision;
  }

  private void record(Handle h, String event, RequestJson r) {
    if (outbox.active()) {
      outbox.record(
          h,
          event,
          r.sessionId(),
          r.decidedAt() != null ? r.decidedAt() : r.createdAt(),
          mapper.convertValue(r, MAP));
    }
  }

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private RequestDao.Row lockPending(Handle h, SamesongPrincipal host, String requestId) {
    RequestDao dao = h.attach(RequestDao.class);
    RequestDao.Row row = dao.find(requestId).orElseThrow(() -> ApiException.notFound("request"));
    if (!row.sessionId().equals(host.sessionId())) {
      throw ApiException.forbidden("this request belongs to another session");
    }
    sessions.lockLive(h, row.sessionId());
    // read again under the lock: a racing decision may have committed meanwhile
    RequestDao.Row current = dao.find(requestId).orElseThrow();
    if (!PENDING.equals(current.status())) {
      throw alreadyDecided(current);
    }
    return current;
  }

  private static ApiException alreadyDecided(RequestDao.Row row) {
    return ApiException.conflict("already_decided", "this request is " + row.status() + " already");
  }

  /**
   * Where an approved add goes with {@code fair_queue}: round-robin by requester among the items
   * after the one playing. The new item is its requester's n-th upcoming one (n = how many they
   * have there, plus one); it goes right after the last upcoming item of any guest that is at most
   * that guest's n-th, so a guest with three queued does not push a guest with none behind all
   * three. Items of the host are not counted (their order is the host's); with no guest item
   * upcoming, the add goes at the end.
   */
  private int fairPosition(Handle h, String sessionId, String requester) {
    List<PlaylistItem> items = playlist.read(h, sessionId).items();
    String playing = currentItem.apply(sessionId);
    String host = sessions.hostMemberId(h, sessionId);
    int start = 0;
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).itemId().equals(playing)) {
        start = i + 1;
        break;
      }
    }
    int round = 1;
    for (int i = start; i < items.size(); i++) {
      if (requester.equals(items.get(i).addedBy())) {
        round++;
      }
    }
    Map<String, Integer> seen = new java.util.HashMap<>();
    int after = -1;
    for (int i = start; i < items.size(); i++) {
      String by = items.get(i).addedBy();
      if (by == null || by.equals(host)) {
        continue;
      }
      int nth = seen.merge(by, 1, Integer::sum);
      if (nth <= round) {
        after = i;
      }
    }
    return after < 0 ? items.size() : after + 1;
  }

  private int clampAdd(Handle h, String sessionId, Integer position) {
    int size = playlist.read(h, sessionId).items().size();
    return position == null ? size : Math.min(position, size);
  }

  private int clampMove(Handle h, String sessionId, Integer position) {
    int size = playlist.read(h, sessionId).items().size();
    return Math.min(position, Math.max(0, size - 1));
  }

  private static ProposedChange checkShape(ProposedChange c) {
    if (c.action() == null || c.action().isBlank()) {
      throw ApiException.badRequest("action", "is required (add, move or remove)");
    }
    if (c.note() != null && c.note().length() > MAX_TEXT) {
      throw ApiException.badRequest("note", "must be at most " + MAX_TEXT + " characters");
    }
    if (c.position() != null && c.position() < 0) {
      throw ApiException.badRequest("position", "must not be negative");
    }
    String note = c.note() == null || c.note().isBlank() ? null : c.note().strip();
    switch (c.action()) {
      case ProposedChange.ADD -> {
        boolean track = c.trackId() != null && !c.trackId().isBlank();
        boolean url = c.url() != null && !c.url().isBlank();
        if (track && url) {
          throw ApiException.badRequest("url", "cannot be given together with track_id");
        }
        if (!track && !url) {
          throw ApiException.badRequest("track_id", "is required to add (or a url)");
        }
        return track
            ? new ProposedChange(c.action(), c.trackId(), null, null, c.position(), note)
            : new ProposedChange(c.action(), null, c.url(), null, c.position(), note);
      }
      case ProposedChange.MOVE -> {
        requireItemId(c);
        if (c.position() == null) {
          throw ApiException.badRequest("position", "is required to move");
        }
        return new ProposedChange(c.action(), null, null, c.itemId(), c.position(), note);
      }
      case ProposedChange.REMOVE -> {
        requireItemId(c);
        return new ProposedChange(c.action(), null, null, c.itemId(), null, note);
      }
      default -> throw ApiException.badRequest("action", "must be add, move or remove");
    }
  }

  private static void requireItemId(ProposedChange c) {
    if (c.itemId() == null || c.itemId().isBlank()) {
      throw ApiException.badRequest("item_id", "is required to " + c.action());
    }
  }

  private String payload(ProposedChange c) {
    Map<String, Object> payload = new LinkedHashMap<>();
    if (c.trackId() != null) {
      payload.put("track_id", c.trackId());
    }
    if (c.url() != null) {
      payload.put("url", c.url());
    }
    if (c.itemId() != null) {
      payload.put("item_id", c.itemId());
    }
    if (c.position() != null) {
      payload.put("position", c.position());
    }
    try {
      return mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> payloadMap(String json) {
    try {
      return mapper.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable request payload", e);
    }
  }

  private ProposedChange changeOf(RequestDao.Row row) {
    Map<String, Object> p = payloadMap(row.payload());
    return new ProposedChange(
        row.action(),
        (String) p.get("track_id"),
        (String) p.get("url"),
        (String) p.get("item_id"),
        p.get("position") == null ? null : ((Number) p.get("position")).intValue(),
        row.note());
  }

  public RequestJson toJson(RequestDao.Row r) {
    return new RequestJson(
        r.id(),
        r.sessionId(),
        r.action(),
        payloadMap(r.payload()),
        r.note(),
        r.status(),
        r.reason(),
        r.requestedBy(),
        r.requestedByName(),
        r.createdAt(),
        r.decidedAt(),
        r.decidedBy());
  }
}
