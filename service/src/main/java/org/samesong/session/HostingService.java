package org.samesong.session;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.samesong.common.ApiException;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.api.InviteJson;
import org.samesong.session.api.MemberJson;
import org.samesong.session.api.MemberPatch;
import org.samesong.session.api.SessionPatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosting together: co-hosts and single rights, handing the session over (by hand, or to the
 * longest-serving connected co-host when the host has been gone {@code host_grace_s}), rotating the
 * invite code and the join mode. Every change runs under the session's row lock and is told to the
 * real-time layer after it committed: a member's live connections take its new rights at once.
 */
public class HostingService {
  private static final Logger LOG = LoggerFactory.getLogger(HostingService.class);

  private final Jdbi jdbi;
  private final SessionService sessions;
  private final Clock clock;

  public HostingService(Jdbi jdbi, SessionService sessions, Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.clock = clock;
  }

  /**
   * Changes a member's role ({@code cohost} or {@code guest}) and/or single rights. The host may
   * change anyone but itself; a co-host may change the single rights of guests only (it cannot make
   * co-hosts, nor touch the host or another co-host): 403 {@code forbidden}, nothing changed.
   */
  public MemberJson updateMember(
      SamesongPrincipal caller, String sessionId, String memberId, MemberPatch patch) {
    if (patch == null || (patch.role() == null && patch.permissions() == null)) {
      throw ApiException.badRequest("role", "or permissions is required");
    }
    if (patch.role() != null
        && !Member.COHOST.equals(patch.role())
        && !Member.GUEST.equals(patch.role())) {
      throw ApiException.badRequest(
          "role",
          "must be cohost or guest (the host hands the session over with POST"
              + " /api/sessions/{id}/host)");
    }
    if (patch.permissions() != null) {
      for (Map.Entry<String, Boolean> p : patch.permissions().entrySet()) {
        if (!Rights.PERMISSIONS.contains(p.getKey())) {
          throw ApiException.badRequest(
              "invalid_permissions",
              "permissions." + p.getKey(),
              "unknown permission "
                  + p.getKey()
                  + "; the permissions are "
                  + String.join(", ", Rights.PERMISSIONS));
        }
        if (p.getValue() == null) {
          throw ApiException.badRequest(
              "invalid_permissions",
              "permissions." + p.getKey(),
              "permissions." + p.getKey() + " must be true or false");
        }
      }
    }
    Member updated =
        jdbi.inTransaction(
            h -> {
              sessions.lockLive(h, sessionId);
              MemberDao members = h.attach(MemberDao.class);
              Member target =
                  members
                      .find(memberId)
                      .filter(m -> m.sessionId().equals(sessionId) && m.kickedAt() == null)
                      .orElseThrow(() -> ApiException.notFound("member"));
              if (target.isHost()) {
                throw ApiException.forbidden("the host's rights cannot be changed");
              }
              if (!caller.rights().isHost()) {
                if (target.isCohost()) {
                  throw ApiException.forbidden("only the host can change a co-host");
                }
                if (patch.role() != null && !patch.role().equals(target.role())) {
                  throw ApiException.forbidden("only the host can make co-hosts");
                }
              }
              String role = patch.role() != null ? patch.role() : target.role();
              Set<String> permissions =
                  new HashSet<>(
                      Member.COHOST.equals(target.role())
                          ? Set.of()
                          : target.rights().permissions());
              if (Member.COHOST.equals(role) && patch.permissions() != null) {
                throw ApiException.badRequest(
                    "permissions", "cannot be set for a co-host, who has every right");
              }
              if (patch.permissions() != null) {
                patch
                    .permissions()
                    .forEach(
                        (p, on) -> {
                          if (on) {
                            permissions.add(p);
                          } else {
                            permissions.remove(p);
                          }
                        });
              }
              Rights rights = new Rights(role, permissions);
              long since =
                  !role.equals(target.role())
                      ? clock.millis()
                      : target.roleSince() != null ? target.roleSince() : target.joinedAt();
              members.setRights(memberId, role, rights.storedPermissions(), since);
              return members.find(memberId).orElseThrow();
            });
    LOG.info(
        "session {}: member {} is {} with {}",
        sessionId,
        memberId,
        updated.role(),
        updated.rights().permissions());
    sessions.events().memberRightsChanged(sessionId, updated);
    return json(updated);
  }

  /**
   * The host hands the session to a co-host: that member is host now, the old host a co-host.
   * Everyone is told ({@code session_update}).
   */
  public void handOff(SamesongPrincipal caller, String sessionId, String memberId) {
    if (memberId == null || memberId.isBlank()) {
      throw ApiException.badRequest("member_id", "is required");
    }
    Member[] swapped =
        jdbi.inTransaction(
            h -> {
              sessions.lockLive(h, sessionId);
              MemberDao members = h.attach(MemberDao.class);
              Member host =
                  members
                      .host(sessionId)
                      .filter(m -> m.id().equals(caller.memberId()))
                      .orElseThrow(() -> ApiException.forbidden("only the host hands over"));
              Member target =
                  members
                      .find(memberId)
                      .filter(m -> m.sessionId().equals(sessionId) && m.kickedAt() == null)
                      .orElseThrow(() -> ApiException.notFound("member"));
              if (!target.isCohost()) {
                throw ApiException.badRequest(
                    "not_cohost", "member_id", "the session can be handed to a co-host only");
              }
              return swap(members, host, target);
            });
    LOG.info("session {}: handed from {} to {}", sessionId, swapped[0].id(), swapped[1].id());
    announceHandOff(sessionId, swapped);
  }

  /**
   * When the host has had no connection for {@code host_grace_s}: the longest-serving co-host among
   * {@code connected} becomes host. Nothing happens when the host is back (connected), has changed
   * meanwhile, or no co-host is connected.
   *
   * @param goneHostId the host the caller saw gone
   * @return the new host, if there is one
   */
  public Optional<Member> takeOver(String sessionId, String goneHostId, Set<String> connected) {
    Optional<Member[]> swapped =
        jdbi.inTransaction(
            h -> {
              if (sessions.lockLive(h, sessionId) == null) {
                return Optional.empty();
              }
              MemberDao members = h.attach(MemberDao.class);
              Optional<Member> host = members.host(sessionId);
              if (host.isEmpty()
                  || !host.get().id().equals(goneHostId)
                  || connected.contains(goneHostId)) {
                return Optional.empty();
              }
              Optional<Member> next =
                  members.listActive(sessionId).stream()
                      .filter(m -> m.isCohost() && connected.contains(m.id()))
                      .min(
                          Comparator.comparingLong(
                              (Member m) -> m.roleSince() == null ? m.joinedAt() : m.roleSince()));
              return next.map(n -> swap(members, host.get(), n));
            });
    swapped.ifPresent(
        s -> {
          LOG.info(
              "session {}: the host {} is gone; {} takes over", sessionId, s[0].id(), s[1].id());
          announceHandOff(sessionId, s);
        });
    return swapped.map(s -> s[1]);
  }

  private Member[] swap(MemberDao members, Member host, Member next) {
    long now = clock.millis();
    members.setRights(host.id(), Member.COHOST, "", now);
    members.setRights(next.id(), Member.HOST, "", now);
    return new Member[] {
      members.find(host.id()).orElseThrow(), members.find(next.id()).orElseThrow()
    };
  }

  private void announceHandOff(String sessionId, Member[] swapped) {
    SessionEvents events = sessions.events();
    events.memberRightsChanged(sessionId, swapped[0]);
    events.memberRightsChanged(sessionId, swapped[1]);
    events.sessionChanged(sessionId, sessions.find(sessionId), swapped[1].id(), false);
  }

  /**
   * A new invite code: the old code and link stop at once (they answer like an unknown code; the
   * join page says the invite has changed); members stay.
   */
  public InviteJson rotateInvite(String sessionId, String baseUrl) {
    for (int attempt = 0; ; attempt++) {
      String code = InviteCodes.next();
      try {
        jdbi.useTransaction(
            h -> {
              Session session = sessions.lockLive(h, sessionId);
              SessionDao dao = h.attach(SessionDao.class);
              dao.retireCode(sessionId, session.code(), clock.millis());
              dao.changeCode(sessionId, code);
            });
        LOG.info("session {}: invite code rotated", sessionId);
        Session session = sessions.find(sessionId);
        sessions.events().sessionChanged(sessionId, session, hostId(sessionId), true);
        return new InviteJson(code, sessions.joinUrl(code, baseUrl));
      } catch (UnableToExecuteStatementException e) {
        if (attempt >= 8) {
          throw e;
        }
        // the code is taken by a live session: draw another
      }
    }
  }

  /** Renames the session and/or sets its join mode; everyone is told. */
  public Session update(String sessionId, SessionPatch patch) {
    if (patch == null || (patch.name() == null && patch.joinMode() == null)) {
      throw ApiException.badRequest("name", "or join_mode is required");
    }
    if (patch.joinMode() != null
        && !List.of(Session.OPEN, Session.KNOCK, Session.CLOSED).contains(patch.joinMode())) {
      throw ApiException.badRequest("join_mode", "must be open, knock or closed");
    }
    if (patch.name() != null && patch.name().isBlank()) {
      throw ApiException.badRequest("name", "must not be blank");
    }
    String name = patch.name() == null ? null : SessionService.checkName(patch.name(), "");
    Session updated =
        jdbi.inTransaction(
            h -> {
              Session session = sessions.lockLive(h, sessionId);
              h.attach(SessionDao.class)
                  .update(
                      sessionId,
                      name == null ? session.name() : name,
                      patch.joinMode() == null ? session.joinMode() : patch.joinMode());
              return h.attach(SessionDao.class).find(sessionId).orElseThrow();
            });
    LOG.info("session {}: join mode {}", sessionId, updated.joinMode());
    sessions.events().sessionChanged(sessionId, updated, hostId(sessionId), false);
    return updated;
  }

  /** The member who hosts the session now (null: nobody, e.g. it was handed to nobody). */
  public String hostId(String sessionId) {
    return jdbi.withExtension(MemberDao.class, dao -> dao.host(sessionId))
        .map(Member::id)
        .orElse(null);
  }

  static MemberJson json(Member m) {
    return new MemberJson(
        m.id(), m.displayName(), m.role(), false, m.lastDriftMs(), m.rights().json());
  }
}
