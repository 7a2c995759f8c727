package org.samesong.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.ApiException;

/**
 * Group commit for the joins of one session: joins arriving together (a party's guests scanning the
 * QR code at once) are admitted in one transaction, one row lock and one commit for all of them,
 * instead of one each in a queue on the session's row lock. Each join is still judged on its own,
 * in arrival order, against the members stored and those admitted before it in the batch: the
 * session must be live, not full, and the name free. One caller at a time per session runs a batch
 * (whoever finds the queue's lock free takes everything queued by then); the others wait for their
 * own answer.
 */
final class JoinBatcher {
  /** One guest admitted: the member and the first tokens of its login. */
  record Seat(Member member, TokenResponse tokens) {}

  /** A live session as a batch finds it: its row locked, how many guests, which names are taken. */
  record Room(Session session, int guests, List<String> names) {}

  /** Inside a transaction: the live session with that code, locked (404 when there is none). */
  interface Open {
    Room open(Handle h, String code);
  }

  /** Stores one admitted guest inside the batch's transaction and issues its tokens. */
  interface Admit {
    Seat admit(Handle h, Session session, String displayName);
  }

  private static final class Pending {
    final String name;
    Seat seat;
    RuntimeException failure;
    boolean done;

    Pending(String name) {
      this.name = name;
    }
  }

  private static final class Queue {
    final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  }

  private final Jdbi jdbi;
  private final Open open;
  private final Map<String, Queue> queues = new ConcurrentHashMap<>();

  JoinBatcher(Jdbi jdbi, Open open) {
    this.jdbi = jdbi;
    this.open = open;
  }

  /** Admits a guest called {@code name} to the live session with that code, or throws why not. */
  Seat join(String code, String name, int maxGuests, Admit admit) {
    Queue queue = queues.computeIfAbsent(code, c -> new Queue());
    Pending mine = new Pending(name);
    queue.waiting.add(mine);
    synchronized (queue) {
      if (!mine.done) {
        List<Pending> batch = new ArrayList<>();
        for (Pending p; (p = queue.waiting.poll()) != null; ) {
          batch.add(p);
        }
        run(code, batch, maxGuests, admit);
      }
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
    return mine.seat;
  }

  private void run(String code, List<Pending> batch, int maxGuests, Admit admit) {
    try {
      jdbi.useTransaction(
          h -> {
            Room room = open.open(h, code);
            Session session = room.session();
            int guests = room.guests();
            Set<String> taken = new HashSet<>();
            for (String name : room.names()) {
              taken.add(fold(name));
            }
            for (Pending p : batch) {
              if (guests >= maxGuests) {
                p.failure =
                    ApiException.conflict(
                        "session_full", "this session is full (" + maxGuests + " guests)");
              } else if (!taken.add(fold(p.name))) {
                p.failure =
                    ApiException.conflict(
                        "display_name_taken",
                        "someone in this session already has the name "
                            + p.name
                            + " or one that looks the same; pick another");
              } else {
                p.seat = admit.admit(h, session, p.name);
                guests++;
              }
            }
          });
    } catch (RuntimeException e) {
      // nothing of the batch was stored: every join in it fails the same way
      for (Pending p : batch) {
        p.seat = null;
        p.failure = e;
      }
    } finally {
      for (Pending p : batch) {
        p.done = true;
      }
    }
  }

  /** Names are unique per session by what they look like (case and look-alikes folded). */
  private static String fold(String name) {
    return DisplayNames.skeleton(name);
  }
}
