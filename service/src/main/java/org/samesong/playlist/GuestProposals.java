package org.samesong.playlist;

import org.samesong.common.SamesongPrincipal;

/**
 * Where a guest's playlist edit goes: it becomes a pending request for the host (the request
 * feature implements this).
 */
public interface GuestProposals {
  /** Files the proposal and returns the created request, ready for JSON. */
  Object propose(SamesongPrincipal guest, String sessionId, ProposedChange change);
}
