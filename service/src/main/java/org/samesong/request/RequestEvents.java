package org.samesong.request;

import org.samesong.request.api.RequestJson;

/**
 * Told of each guest request after it was created or decided (the transaction committed), so the
 * real-time layer can tell the host and its author ({@code request_update}). The sync feature
 * implements it.
 */
public interface RequestEvents {
  /**
   * @param request the request as it is now
   * @param authorMemberId the guest who asked
   * @param created whether it was just created (only the host and its author hear of it) rather
   *     than decided (everyone does)
   */
  void requestChanged(
      String sessionId, RequestJson request, String authorMemberId, boolean created);

  /** Nobody listens: for tests and tools that run the domain alone. */
  RequestEvents NONE = (sessionId, request, authorMemberId, created) -> {};
}
