package org.samesong.sync.ws;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.samesong.sync.SyncHub;
import org.samesong.sync.bus.Envelope;

/**
 * A connection's outgoing queue, against a fake WebSocket session whose sends complete only when
 * the test says so (a listener that does not read): one send in flight at a time, in order, the
 * caller never waits, and a full queue closes the connection with 4408. Sends and closes run on the
 * connection's pools, never on the thread that queues (here: the caller's, unless a test holds the
 * pools' tasks back).
 */
public class ConnectionTest {

  /** A jakarta Session that records sends and closes; the test completes sends by hand. */
  public static final class FakeSocket {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<SendHandler> pending = new CopyOnWriteArrayList<>();
    final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    volatile boolean open = true;

    /** The socket takes every frame at once: the send completes inside {@code sendText}. */
    volatile boolean completeAtOnce;

    public final Session session;

    public FakeSocket() {
      RemoteEndpoint.Async async =
          (RemoteEndpoint.Async)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {RemoteEndpoint.Async.class},
                  (proxy, method, args) -> {
                    if (method.getName().equals("sendText")
                        && args.length == 2
                        && args[1] instanceof SendHandler h) {
                      sent.add((String) args[0]);
                      if (completeAtOnce) {
                        h.onResult(new SendResult());
                      } else {
                        pending.add(h);
                      }
                      return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                  });
      session =
          (Session)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {Session.class},
                  (proxy, method, args) ->
                      switch (method.getName()) {
                        case "getAsyncRemote" -> async;
                        case "isOpen" -> open;
                        case "close" -> {
                          closes.add(args == null ? null : (CloseReason) args[0]);
                          open = false;
                          yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "fake session";
                        default -> throw new UnsupportedOperationException(method.getName());
                      });
    }

    /** The listener read the message in flight. */
    void completeOne() {
      SendHandler h = pending.remove(0);
      h.onResult(new SendResult());
    }
  }

  private static Connection connection(FakeSocket socket, String memberId) {
    return new Connection(socket.session, "s-1", memberId, "guest", "f-1", 20, 60);
  }

  @Test
  void one_message_is_in_flight_at_a_time_and_the_rest_leave_in_order() {
    FakeSocket socket = new FakeSocket();
    Connection c = connection(socket, "m-1");

    c.send("a");
    c.send("b");
    c.send("c");

    assertThat(socket.sent).containsExactly("a");
    socket.completeOne();
    assertThat(socket.sent).containsExactly("a", "b");
    socket.completeOne();
    socket.completeOne();
    assertThat(socket.sent).containsExactly("a", "b", "c");
    assertThat(socket.pending).isEmpty();
  }

  @Test
  void send_first_goes_ahead_of_what_waits_but_not_of_what_is_in_flight() {
    FakeSocket socket = new FakeSocket();
    Connection c = connection(socket, "m-1");
    c.send("broadcast-1");
    c.send("broadcast-2");

    c.sendFirst("pong");
    socket.completeOne();
    socket.completeOne();
    socket.completeOne();

    assertThat(socket.sent).containsExactly("broadcast-1", "pong", "broadcast-2");
  }

  @Test
  void a_listener_that_does_not_read_is_closed_4408_when_its_queue_is_full_and_nobody_waits() {
    FakeSocket socket = new FakeSocket();
    Connection c = connection(socket, "m-1");

    long started = System.nanoTime();
    for (int i = 0; i <= Connection.MAX_QUEUED; i++) {
      c.send("m" + i);
    }
    assertThat(socket.closes).isEmpty();
    c.send("one too many");
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(socket.closes).hasSize(1);
    assertThat(socket.closes.get(0).getCloseCode().getCode()).isEqualTo(4408);
    assertThat(c.isOpen()).isFalse();
    assertThat(socket.sent).containsExactly("m0");
    // later messages are dropped quietly
    c.send("after");
    assertThat(socket.sent).containsExactly("m0");
    assertThat(socket.closes).hasSize(1);
    assertThat(tookMs).as("queuing never waits for the listener").isLessThan(5_000);
  }

  @Test
  void a_stuck_listener_does_not_hold_up_delivery_to_the_others_of_its_session() {
    SyncHub hub = new SyncHub("instance-1");
    FakeSocket stuckSocket = new FakeSocket();
    FakeSocket readerSocket = new FakeSocket();
    Connection stuck = connection(stuckSocket, "m-stuck");
    Connection reader = connection(readerSocket, "m-reader");
    hub.register(stuck);
    hub.register(reader);

    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= Connection.MAX_QUEUED + 10; i++) {
      String json = "{\"seq\":" + i + "}";
      expected.add(json);
      hub.deliver(Envelope.toAll("s-1", i, json));
      readerSocket.completeOne();
    }

    assertThat(readerSocket.sent).isEqualTo(expected);
    assertThat(reader.isOpen()).isTrue();
    assertThat(stuck.isOpen()).isFalse();
    assertThat(stuckSocket.closes)
        .extracting(r -> r.getCloseCode().getCode())
        .containsExactly(4408);
    assertThat(hub.lastSeq("s-1")).isEqualTo(Connection.MAX_QUEUED + 10);
  }

  @Test
  void send_and_close_delivers_what_is_queued_then_closes_with_the_code() {
    FakeSocket socket = new FakeSocket();
    Connection c = connection(socket, "m-1");
    c.send("playback_state");

    c.sendAndClose("session_ended", SyncHub.ENDED, "the session ended");
    assertThat(socket.closes).isEmpty();
    socket.completeOne();
    socket.completeOne();

    assertThat(socket.sent).containsExactly("playback_state", "session_ended");
    assertThat(socket.closes).extracting(r -> r.getCloseCode().getCode()).containsExactly(4410);
  }

  /** An executor that keeps its tasks until the test runs them. */
  static final class Later implements java.util.concurrent.Executor {
    final List<Runnable> tasks = new CopyOnWriteArrayList<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    /** Runs what is waiting, and what that plans, until nothing is left. */
    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.remove(0).run();
      }
    }
  }

  private static Connection onPools(FakeSocket socket, Later sends, Later closes) {
    return new Connection(
        socket.session,
        "s-1",
        "m-1",
        "guest",
        "f-1",
        20,
        60,
        new org.samesong.metrics.SamesongMetrics(),
        sends,
        closes);
  }

  @Test
  void whoever_queues_never_writes_to_the_socket_nor_closes_it() {
    FakeSocket socket = new FakeSocket();
    Later sends = new Later();
    Later closes = new Later();
    Connection c = onPools(socket, sends, closes);

    c.send("a");
    c.send("b");
    assertThat(socket.sent).as("on the caller's thread").isEmpty();
    sends.runAll();
    assertThat(socket.sent).containsExactly("a");
    socket.completeOne();
    assertThat(socket.sent).as("the next waits for the send pool").containsExactly("a");
    sends.runAll();
    assertThat(socket.sent).containsExactly("a", "b");

    c.close(SyncHub.REVOKED, "the login was revoked");
    assertThat(c.isOpen()).isFalse();
    assertThat(socket.closes).as("on the caller's thread").isEmpty();
    closes.runAll();
    assertThat(socket.closes).extracting(r -> r.getCloseCode().getCode()).containsExactly(4401);
  }

  @Test
  void a_full_queue_is_closed_4408_on_the_close_pool() {
    FakeSocket socket = new FakeSocket();
    Later sends = new Later();
    Later closes = new Later();
    Connection c = onPools(socket, sends, closes);
    for (int i = 0; i <= Connection.MAX_QUEUED; i++) {
      c.send("m" + i);
    }
    sends.runAll();

    c.send("one too many");
    assertThat(c.isOpen()).isFalse();
    assertThat(socket.closes).as("on the caller's thread").isEmpty();
    closes.runAll();
    assertThat(socket.closes).extracting(r -> r.getCloseCode().getCode()).containsExactly(4408);
  }

  @Test
  void a_broadcast_to_a_big_room_is_a_few_tasks_and_sends_taken_at_once_go_on_in_the_same_task() {
    Later sends = new Later();
    Later closes = new Later();
    List<FakeSocket> sockets = new ArrayList<>();
    List<Connection> claimed = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      FakeSocket socket = new FakeSocket();
      socket.completeAtOnce = true;
      sockets.add(socket);
      Connection c = onPools(socket, sends, closes);
      if (c.offer("seek", 0)) {
        claimed.add(c);
      }
      assertThat(c.offer("member_update", 0)).as("already claimed").isFalse();
    }
    assertThat(sends.tasks).as("nothing starts before startAll").isEmpty();
    assertThat(claimed).hasSize(1000);

    Connection.startAll(claimed);

    assertThat(sends.tasks).as("one task per send thread, not one per socket").hasSizeBetween(1, 4);
    assertThat(sockets.get(0).sent).as("on the caller's thread").isEmpty();
    sends.tasks.remove(0).run();
    assertThat(sockets.get(0).sent)
        .as("both messages in the one task")
        .containsExactly("seek", "member_update");
    sends.runAll();
    assertThat(sockets)
        .allSatisfy(s -> assertThat(s.sent).containsExactly("seek", "member_update"));
    assertThat(sends.tasks).isEmpty();

    // nothing is sending any more: the next broadcast claims again
    assertThat(claimed.get(0).offer("pause", 0)).isTrue();
  }

  @Test
  void a_command_writes_a_small_rooms_sockets_itself_once_done_and_hands_a_big_room_to_the_pool() {
    Later sends = new Later();
    Later closes = new Later();
    List<FakeSocket> small = new ArrayList<>();
    List<Connection> smallRoom = new ArrayList<>();
    List<Connection> bigRoom = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      FakeSocket socket = new FakeSocket();
      socket.completeAtOnce = true;
      small.add(socket);
      smallRoom.add(onPools(socket, sends, closes));
    }
    for (int i = 0; i < 100; i++) {
      FakeSocket socket = new FakeSocket();
      socket.completeAtOnce = true;
      bigRoom.add(onPools(socket, sends, closes));
    }

    Connection.sendingAfter(
        () -> {
          List<Connection> claimed = new ArrayList<>();
          for (Connection c : smallRoom) {
            if (c.offer("seek", 0)) {
              claimed.add(c);
            }
          }
          Connection.startAll(claimed);
          assertThat(small.get(0).sent).as("not while the command runs").isEmpty();
        });

    assertThat(small).allSatisfy(s -> assertThat(s.sent).containsExactly("seek"));
    assertThat(sends.tasks).as("written by the command's thread").isEmpty();

    Connection.sendingAfter(
        () -> {
          List<Connection> claimed = new ArrayList<>();
          for (Connection c : bigRoom) {
            if (c.offer("seek", 0)) {
              claimed.add(c);
            }
          }
          Connection.startAll(claimed);
        });
    assertThat(sends.tasks).as("a big room goes to the send pool").isNotEmpty();
    sends.runAll();

    // a command that fails still starts what it queued
    FakeSocket last = new FakeSocket();
    last.completeAtOnce = true;
    Connection c = onPools(last, sends, closes);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Connection.sendingAfter(
                    () -> {
                      if (c.offer("seek", 0)) {
                        Connection.startAll(List.of(c));
                      }
                      throw new IllegalStateException("the command failed after its broadcast");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(last.sent).containsExactly("seek");
  }

  @Test
  void a_long_queue_gives_way_to_the_others_after_a_batch() {
    FakeSocket socket = new FakeSocket();
    socket.completeAtOnce = true;
    Later sends = new Later();
    Later closes = new Later();
    Connection c = onPools(socket, sends, closes);
    c.hold();
    for (int i = 0; i < 40; i++) {
      c.send("m" + i);
    }
    c.start("hello");
    sends.tasks.remove(0).run();
    assertThat(socket.sent).as("one batch, then the rest goes behind the others").hasSize(16);
    assertThat(sends.tasks).hasSize(1);
    sends.runAll();
    assertThat(socket.sent).hasSize(41).startsWith("hello", "m0").endsWith("m39");
  }

  @Test
  void the_last_message_goes_next_and_nothing_after_it_then_the_close() {
    FakeSocket socket = new FakeSocket();
    Later sends = new Later();
    Later closes = new Later();
    Connection c = onPools(socket, sends, closes);
    c.send("in flight");
    sends.runAll();
    for (int i = 0; i < 100; i++) {
      c.send("backlog " + i);
    }

    c.sendAndClose("session_ended", SyncHub.ENDED, "the session ended");
    c.send("member_update after the end");
    socket.completeOne();
    sends.runAll();
    socket.completeOne();
    sends.runAll();
    closes.runAll();

    assertThat(socket.sent).containsExactly("in flight", "session_ended");
    assertThat(socket.closes).extracting(r -> r.getCloseCode().getCode()).containsExactly(4410);
  }

  @Test
  void a_connection_closed_before_its_hello_closes_at_once_or_after_the_hello() {
    FakeSocket socket = new FakeSocket();
    Connection c = connection(socket, "m-1");
    c.hold();
    c.sendAndClose(null, SyncHub.ENDED, "the session ended");
    assertThat(socket.closes).extracting(r -> r.getCloseCode().getCode()).containsExactly(4410);

    FakeSocket other = new FakeSocket();
    Connection d = connection(other, "m-2");
    d.hold();
    d.sendAndClose("session_ended", SyncHub.ENDED, "the session ended");
    assertThat(other.sent).as("held until its hello").isEmpty();
    d.start("hello");
    other.completeOne();
    other.completeOne();
    assertThat(other.sent).containsExactly("hello", "session_ended");
    assertThat(other.closes).extracting(r -> r.getCloseCode().getCode()).containsExactly(4410);
  }
}
