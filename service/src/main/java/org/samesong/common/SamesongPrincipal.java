package org.samesong.common;

import java.security.Principal;

/**
 * Who a request or a connection acts for, as the access token says and the database confirms.
 *
 * @param subject user id (admin, user, host) or member id (guest)
 * @param role {@code admin}, {@code user}, {@code host} or {@code guest}
 * @param sessionId the session a host or guest token is scoped to, else null
 * @param memberId the member a host or guest token belongs to, else null
 * @param familyId the login (token family) this token was issued in
 * @param rights for host and guest tokens, what the member may do now (its row, not the token:
 *     rights and hand-offs take effect without a new login); null for accounts
 */
public record SamesongPrincipal(
    String subject, String role, String sessionId, String memberId, String familyId, Rights rights)
    implements Principal {

  public SamesongPrincipal {
    if (rights == null) {
      rights =
          HOST.equals(role) ? Rights.HOST_RIGHTS : GUEST.equals(role) ? Rights.GUEST_RIGHTS : null;
    }
  }

  /** A principal with the rights its token's role implies (host: all, guest: none). */
  public SamesongPrincipal(
      String subject, String role, String sessionId, String memberId, String familyId) {
    this(subject, role, sessionId, memberId, familyId, null);
  }

  /**
   * The same principal with the member's current rights: its role becomes {@code host} when the
   * member is the host now (a hand-off), {@code guest} otherwise (a co-host is a guest with
   * rights).
   */
  public SamesongPrincipal withRights(Rights now) {
    return new SamesongPrincipal(
        subject, now.isHost() ? HOST : GUEST, sessionId, memberId, familyId, now);
  }

  /** Whether this member may do what {@code permission} names. */
  public boolean can(String permission) {
    return rights != null && rights.can(permission);
  }

  /** Host or co-host. */
  public boolean inCharge() {
    return rights != null && rights.inCharge();
  }

  public static final String ADMIN = "admin";
  public static final String USER = "user";
  public static final String HOST = "host";
  public static final String GUEST = "guest";

  @Override
  public String getName() {
    return subject;
  }

  public boolean isSessionScoped() {
    return sessionId != null;
  }
}
