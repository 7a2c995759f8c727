package org.samesong.sync.bus;

import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which members of a session have a live connection, on any instance: what {@code hello}, {@code
 * member_update} and the session views call {@code connected}. An instance reports the members it
 * holds connections of; with one instance that report is the whole answer, in a cluster the reports
 * of every instance are kept where all of them read (Redis).
 */
public interface Presence extends AutoCloseable {

  /** One instance alone: its own connections are all there is. */
  Presence LOCAL =
      new Presence() {
        @Override
        public void arrived(String sessionId, String memberId) {}

        @Override
        public void left(String sessionId, String memberId) {}

        @Override
        public Set<String> connected(String sessionId, Set<String> here) {
          return here;
        }
      };

  /** A member's first connection to a session on this instance opened. */
  void arrived(String sessionId, String memberId);

  /** A member's last connection to a session on this instance closed. */
  void left(String sessionId, String memberId);

  /**
   * The members of a session connected anywhere, given those connected here ({@code here}), which
   * are always part of the answer and all of it when the other instances cannot be asked.
   */
  Set<String> connected(String sessionId, Set<String> here);

  /**
   * Starts the upkeep a shared registry needs: this instance's entries are kept alive, and when
   * those of an instance that stopped without saying so (killed, cut off) lapse in a session
   * followed here ({@code followed}), {@code lapsed} is told the session, so that its members hear
   * of it.
   */
  default void start(Supplier<Set<String>> followed, Consumer<String> lapsed) {}

  /** Withdraws this instance's entries (a clean stop). */
  @Override
  default void close() {}
}
