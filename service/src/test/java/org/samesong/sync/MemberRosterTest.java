package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.samesong.session.Member;
import org.samesong.sync.api.ServerMessage;

/**
 * The roster's coalesced {@code member_update}s against the order in which a connect and an update
 * about it can meet (the hub, the bus and the database are the test's: plain sets and a queue).
 */
class MemberRosterTest {
  private static final String SESSION = "s-1";

  /** What the hub would say: members with a connection here. */
  private final Set<String> here = ConcurrentHashMap.newKeySet();

  private final BlockingQueue<ServerMessage.MemberUpdate> published = new LinkedBlockingQueue<>();

  private final MemberRoster roster =
      new MemberRoster(
          new MemberRoster.Sources() {
            @Override
            public List<Member> load(String sessionId) {
              return List.of(member("host", Member.HOST));
            }

            @Override
            public Optional<Member> find(String memberId) {
              return Optional.empty();
            }

            @Override
            public boolean connectedHere(String sessionId, String memberId) {
              return here.contains(memberId);
            }

            @Override
            public Set<String> connectedAnywhere(String sessionId) {
              return Set.copyOf(here);
            }

            @Override
            public void publish(
                String sessionId, Set<String> roles, Function<Long, ServerMessage> message) {
              ServerMessage.MemberUpdate update =
                  (ServerMessage.MemberUpdate) message.apply((long) published.size() + 1);
              published.add(update);
              // the bus hands every update back to the roster that sent it
              roster().heard(sessionId, update);
            }
          },
          Clock.systemUTC());

  private MemberRoster roster() {
    return roster;
  }

  @AfterEach
  void stop() {
    roster.close();
  }

  @Test
  void a_connect_counted_while_an_update_saying_offline_is_on_its_way_is_still_announced()
      throws Exception {
    roster.load(SESSION);
    roster.joined(SESSION, member("guest-x", Member.GUEST));
    // the update about the join: guest-x not connected yet
    assertThat(connectedIn(next(), "guest-x")).isFalse();

    // its connection is counted by the hub; before the hub tells the roster, an update that was
    // computed a moment earlier (saying "not connected") comes back from the bus
    here.add("guest-x");
    roster.heard(SESSION, update("guest-x", false));
    roster.connected(SESSION, "guest-x");

    // the last word everyone hears about guest-x must be "connected"
    assertThat(connectedIn(next(), "guest-x")).isTrue();
  }

  private ServerMessage.MemberUpdate next() throws InterruptedException {
    ServerMessage.MemberUpdate u = published.poll(5, TimeUnit.SECONDS);
    assertThat(u).as("a member_update within 5 s").isNotNull();
    return u;
  }

  private static boolean connectedIn(ServerMessage.MemberUpdate u, String memberId) {
    return u.members().stream()
        .filter(m -> m.memberId().equals(memberId))
        .findFirst()
        .orElseThrow(() -> new AssertionError(memberId + " not in " + u))
        .connected();
  }

  private static ServerMessage.MemberUpdate update(String memberId, boolean connected) {
    return new ServerMessage.MemberUpdate(
        1,
        0,
        List.of(
            new ServerMessage.Member(
                memberId, memberId, Member.GUEST, connected, null, null, null)),
        List.of(),
        2);
  }

  private static Member member(String id, String role) {
    return new Member(id, SESSION, null, id, role, 0, null, null);
  }
}
