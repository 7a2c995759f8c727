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
 */
public record SamesongPrincipal(
    String subject, String role, String sessionId, String memberId, String familyId)
    implements Principal {

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
