package org.samesong.common;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.PathSegment;
import java.util.List;
import org.slf4j.MDC;

/**
 * Puts the session a request is about into the logging context ({@code session_id}, which
 * config.yml's log format prints), so every line a request logs carries it (SPEC §9): the session
 * of a host's or guest's token, else the {@code {id}} of a {@code /sessions/{id}/…} path. The
 * WebSocket endpoint puts its connection's session under the same {@link #KEY} around each message.
 *
 * <p>Runs after authentication (so the principal is known); {@link PathThreadNameFilter} clears the
 * context when the request ends, whatever happened in between.
 */
@Priority(Priorities.AUTHORIZATION + 1)
public class SessionLogContext implements ContainerRequestFilter, ContainerResponseFilter {
  /** The key in the logging context. */
  public static final String KEY = "session_id";

  @Override
  public void filter(ContainerRequestContext request) {
    String sessionId = null;
    if (request.getSecurityContext().getUserPrincipal() instanceof SamesongPrincipal principal) {
      sessionId = principal.sessionId();
    }
    if (sessionId == null) {
      List<PathSegment> segments = request.getUriInfo().getPathSegments();
      if (segments.size() >= 2
          && "sessions".equals(segments.get(0).getPath())
          && Ids.isId(segments.get(1).getPath())) {
        sessionId = segments.get(1).getPath();
      }
    }
    if (sessionId != null) {
      MDC.put(KEY, sessionId);
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    MDC.remove(KEY);
  }
}
