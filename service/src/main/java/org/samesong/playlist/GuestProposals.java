package org.samesong.playlist;

import org.samesong.common.SamesongPrincipal;

/**
 * Where a guest's playlist edit goes: it becomes a pending request for the host, or, for a guest
 * with {@code auto_approve}, a request approved at once (the request feature implements this).
 */
public interface GuestProposals {
  /**
   * What became of a proposal: the request, ready for JSON, and the item it added when it was
   * applied at once (null while it waits).
   */
  record Outcome(Object request, PlaylistItem applied) {}

  /** Files the proposal. */
  Outcome propose(SamesongPrincipal guest, String sessionId, ProposedChange change);
}
