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
 * session must be live, the browser and address not banned from it, the session not full, and the
 * name free. One caller at a time per session runs a batch (whoever finds the queue's lock free
 * takes everything queued by then); the others wait for their own answer.
 */
final class JoinBatcher {
  /** One guest admitted: the member and the first tokens of its login. */
  record Seat(Member member, TokenResponse tokens) {}

  /**
   * A live session as a batch finds it: its row locked, how many guests, which names are taken,
   * which browsers and addresses are banned.
   */
  record Room(Session session, int guests, List<String> names, List<BanDao.Ban> bans) {
    boolean bans(Origin origin) {
      for (BanDao.Ban ban : bans) {
        if ((ban.deviceId() != null && ban.deviceId().equals(origin.deviceId()))
            || (ban.addressKey() != null && ban.addressKey().equals(origin.addressKey()))) {
          return true;
        }
      }
      return false;
    }
  }

  /** Where a join comes from: the browser's device id (null: none) and the address's key. */
  record Origin(String deviceId, String addressKey) {}

  /** Inside a transaction: the live session with that code, locked (404 when there is none). */
  interface Open {
    Room open(Handle h, String code);
  }

  /** A join the batch admits: the guest's name and where it comes from. */
  record Admitted(String displayName, Origin origin) {}

  /**
   * Stores the guests a batch admitted inside its transaction (in a few statements for all of them)
   * and issues their tokens; one seat per guest, in order.
   */
  interface Admit {
    List<Seat> admit(Handle h, Session session, List<Admitted> guests);
  }

  private static final class Pending {
    final String name;
    final Origin origin;
    Seat seat;
    RuntimeException failure;
    boolean done;

    Pending(String name, Origin origin) {
      this.name = name;
      this.origin = origin;
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
  Seat join(String code, String name, Origin origin, int maxGuests, Admit admit) {
    Queue queue = queues.computeIfAbsent(code, c -> new Queue());
    Pending mine = new Pending(name, origin);
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
            // judged one by one in arrival order, then stored together
            List<Pending> admitted = new ArrayList<>();
            for (Pending p : batch) {
              if (room.bans(p.origin)) {
                p.failure =
                    new ApiException(
                        403, "banned", "the host removed you from this session; you cannot rejoin");
              } else if (guests >= maxGuests) {
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
                admitted.add(p);
                guests++;
              }
            }
            if (!admitted.isEmpty()) {
              List<Seat> seats =
                  admit.admit(
                      h,
                      session,
                      admitted.stream().map(p -> new Admitted(p.name, p.origin)).toList());
              for (int i = 0; i < seats.size(); i++) {
                admitted.get(i).seat = seats.get(i);
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
