package org.samesong.common;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Makes the stream URLs a REST request answers for the member whose token it carries ({@link
 * StreamAudience}); an account's or an anonymous request gets URLs bound to nobody. Set on every
 * request (so nothing of an earlier request on the same thread stays) and cleared after it.
 */
@Priority(Priorities.AUTHORIZATION + 1)
public class StreamAudienceFilter implements ContainerRequestFilter, ContainerResponseFilter {
  @Override
  public void filter(ContainerRequestContext request) {
    String memberId = null;
    if (request.getSecurityContext().getUserPrincipal() instanceof SamesongPrincipal principal) {
      memberId = principal.memberId();
    }
    StreamAudience.set(memberId);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    StreamAudience.set(null);
  }
}
