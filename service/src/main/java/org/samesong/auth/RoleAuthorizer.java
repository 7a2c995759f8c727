package org.samesong.auth;

import io.dropwizard.auth.Authorizer;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;

/**
 * Decides {@code @RolesAllowed}. Roles: {@code admin}; {@code user} (any account, admins included);
 * {@code host}, {@code guest} and {@code member} (host or guest) for session tokens, which work
 * only on their own session: on a path under {@code /sessions/{id}} the token's {@code sid} must be
 * that id. The host's rights, given to co-hosts and single guests, are roles too: {@code cohost}
 * (the host or a co-host), {@code control_playback} and {@code decide_requests} (a member holding
 * that right now: read from its row at every request, see {@link
 * org.samesong.common.SamesongPrincipal#rights}).
 */
public class RoleAuthorizer implements Authorizer<SamesongPrincipal> {
  public static final String MEMBER = "member";
  public static final String INTEGRATION = "integration";
  public static final String COHOST = "cohost";

  @Override
  public boolean authorize(SamesongPrincipal who, String role, ContainerRequestContext request) {
    boolean roleOk =
        switch (role) {
          case SamesongPrincipal.ADMIN -> SamesongPrincipal.ADMIN.equals(who.role());
          case SamesongPrincipal.USER ->
              SamesongPrincipal.ADMIN.equals(who.role())
                  || SamesongPrincipal.USER.equals(who.role());
          case SamesongPrincipal.HOST, SamesongPrincipal.GUEST -> role.equals(who.role());
          case MEMBER ->
              SamesongPrincipal.HOST.equals(who.role())
                  || SamesongPrincipal.GUEST.equals(who.role());
          // read-only integration tokens: allowed only where an endpoint names the role
          case INTEGRATION -> INTEGRATION.equals(who.role());
          case COHOST -> who.isSessionScoped() && who.inCharge();
          case Rights.CONTROL_PLAYBACK, Rights.DECIDE_REQUESTS, Rights.EDIT_PLAYLIST ->
              who.isSessionScoped() && who.can(role);
          default -> false;
        };
    if (!roleOk) {
      return false;
    }
    if (who.isSessionScoped() && request != null) {
      String path = request.getUriInfo().getPath();
      String sessionId = request.getUriInfo().getPathParameters().getFirst("id");
      // an id that is not a UUID names no session: the resource answers 404, as for any path id
      if (path.startsWith("sessions/") && sessionId != null && isUuid(sessionId)) {
        return sessionId.equalsIgnoreCase(who.sessionId());
      }
    }
    return true;
  }

  private static boolean isUuid(String id) {
    try {
      return id.length() == 36 && java.util.UUID.fromString(id) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
