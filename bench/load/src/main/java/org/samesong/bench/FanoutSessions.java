package org.samesong.bench;

import static org.samesong.bench.FanoutBench.connectWaitS;
import static org.samesong.bench.FanoutBench.count;
import static org.samesong.bench.FanoutBench.joinConcurrency;
import static org.samesong.bench.FanoutBench.joinLatency;
import static org.samesong.bench.FanoutBench.joinStatuses;
import static org.samesong.bench.FanoutBench.listeners;
import static org.samesong.bench.FanoutBench.out;
import static org.samesong.bench.FanoutBench.rampPerS;
import static org.samesong.bench.FanoutBench.rest;
import static org.samesong.bench.FanoutBench.sessions;
import static org.samesong.bench.FanoutBench.trackId;
import static org.samesong.bench.FanoutClient.describe;
import static org.samesong.bench.HostCommand.playMessage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Setting up the fan-out benchmark's sessions: creating them, joining guests, connecting their
 * WebSockets, and what the host sees of its members.
 */
final class FanoutSessions {
  private FanoutSessions() {}

  static FanoutRoom[] createRooms(String admin, int n) throws InterruptedException {
    long t0 = System.nanoTime();
    FanoutRoom[] rooms = new FanoutRoom[n];
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    AtomicInteger errors = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      FanoutRoom r = new FanoutRoom(i);
      rooms[i] = r;
      gate.acquire();
      pending.add(
          rest.callAsync("POST", "/api/sessions", admin, Map.of("name", "fanout-" + i))
              .thenCompose(
                  created -> {
                    JsonNode s = created.expect(201, "creating a session");
                    r.id = s.path("id").asText();
                    r.code = s.path("code").asText();
                    r.hostToken = s.path("host_token").asText();
                    return rest.callAsync("POST", "/api/sessions/" + r.id + "/playlist", r.hostToken, Map.of("track_id", trackId));
                  })
              .thenApply(added -> added.expect(201, "adding the track"))
              .whenComplete(
                  (x, e) -> {
                    gate.release();
                    if (e != null && errors.incrementAndGet() < 5) {
                      System.err.println("session set-up failed: " + e);
                    }
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    System.out.printf("sessions: %d created in %.1f s (%d errors)%n", n, (System.nanoTime() - t0) / 1e9, errors.get());
    if (errors.get() > 0) {
      throw new Rest.SetupException(errors.get() + " sessions could not be set up");
    }
    for (FanoutRoom r : rooms) {
      r.host = new FanoutClient(r, true, r.hostToken, r.index);
    }
    return rooms;
  }

  /** A guest's REST join (status counted); the client when it got 200, else null. */
  static CompletableFuture<FanoutClient> join(FanoutRoom r, int g) {
    long t = System.nanoTime();
    return rest.callAsync("POST", "/api/sessions/" + r.code + "/join", null, Map.of("display_name", "listener-" + g))
        .handle(
            (res, e) -> {
              long now = System.nanoTime();
              joinLatency.recordValue(Math.max(0, (now - t) / 1000));
              if (e != null) {
                count(joinStatuses, describe(e));
                return null;
              }
              count(joinStatuses, res.status() < 0 ? res.failure() : String.valueOf(res.status()));
              if (res.status() != 200) {
                return null;
              }
              FanoutClient c = new FanoutClient(r, false, res.body().path("token").asText(), g + sessions);
              c.joinedNanos = now;
              r.members.add(c);
              return c;
            });
  }

  /** Connects the hosts, then joins every guest (evenly over the rooms) and connects them, ramped. */
  static List<FanoutClient> populateRooms(FanoutRoom[] rooms) throws InterruptedException {
    long t1 = System.nanoTime();
    FanoutClient[] guests = new FanoutClient[listeners];
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int g = 0; g < listeners; g++) {
      int gi = g;
      gate.acquire();
      pending.add(
          join(rooms[g % rooms.length], g)
              .whenComplete(
                  (c, e) -> {
                    gate.release();
                    guests[gi] = c;
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    long t2 = System.nanoTime();
    System.out.printf("joins: %d in %.1f s (%.0f/s), statuses %s%n", listeners, (t2 - t1) / 1e9, listeners / ((t2 - t1) / 1e9), new TreeMap<>(joinStatuses));
    List<FanoutClient> all = new ArrayList<>();
    for (FanoutRoom r : rooms) {
      all.add(r.host);
    }
    for (FanoutClient c : guests) {
      if (c != null) {
        all.add(c);
      }
    }
    long rampStart = System.nanoTime();
    long stepNanos = 1_000_000_000L / rampPerS;
    for (int i = 0; i < all.size(); i++) {
      long wait = rampStart + i * stepNanos - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      all.get(i).connect();
    }
    boolean ok = awaitHellos(all, 1, connectWaitS * 1000L);
    long t3 = System.nanoTime();
    System.out.printf(
        "websockets: %d of %d reached hello (%d hosts + %d guests) in %.1f s (ramp at %d/s)%s%n",
        countHello(all, 1), all.size(), rooms.length, all.size() - rooms.length, (t3 - rampStart) / 1e9, rampPerS, ok ? "" : " (gave up waiting)");
    out.put("joins_s", (t2 - t1) / 1e9);
    out.put("join_statuses", new TreeMap<>(joinStatuses));
    out.put("connect_s", (t3 - rampStart) / 1e9);
    return all;
  }

  static int countHello(List<FanoutClient> all, int atLeast) {
    int n = 0;
    for (FanoutClient c : all) {
      if (c.helloCount >= atLeast) {
        n++;
      }
    }
    return n;
  }

  static boolean awaitHellos(List<FanoutClient> all, int atLeast, long timeoutMs) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    while (countHello(all, atLeast) < all.size()) {
      if (System.currentTimeMillis() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Every host plays its track from 1 s (spread over a second); waits until each host sees it playing. */
  static boolean playAll(FanoutRoom[] rooms) throws InterruptedException {
    long spread = 1_000_000_000L / Math.max(1, rooms.length);
    long t0 = System.nanoTime();
    for (int i = 0; i < rooms.length; i++) {
      long wait = t0 + i * spread - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      rooms[i].host.send(playMessage(1_000));
    }
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      int playing = 0;
      for (FanoutRoom r : rooms) {
        if ("playing".equals(r.state)) {
          playing++;
        }
      }
      if (playing == rooms.length) {
        return true;
      }
      Thread.sleep(20);
    }
    System.err.println("not every session is playing after 30 s");
    return false;
  }

  /** Joins {@code n} guests to the room within {@code seconds} (REST, then WebSocket at once). */
  static List<FanoutClient> joinPaced(FanoutRoom r, int from, int n, double seconds) throws InterruptedException {
    List<FanoutClient> joined = Collections.synchronizedList(new ArrayList<>());
    Semaphore gate = new Semaphore(joinConcurrency);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long t0 = System.nanoTime();
    long step = (long) (seconds * 1e9 / Math.max(1, n));
    for (int i = 0; i < n; i++) {
      long wait = t0 + i * step - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      gate.acquire();
      pending.add(
          join(r, from + i)
              .whenComplete(
                  (c, e) -> {
                    gate.release();
                    if (c != null) {
                      joined.add(c);
                      c.connect();
                    }
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((x, e) -> null).join();
    return joined;
  }

  /** Waits until the host's member_updates have been quiet for 1 s (at most {@code maxMs}). */
  static void awaitMembersQuiet(FanoutClient host, long maxMs) throws InterruptedException {
    long end = System.currentTimeMillis() + maxMs;
    while (System.currentTimeMillis() < end && System.nanoTime() - host.lastMemberUpdateNanos < 1_000_000_000L) {
      Thread.sleep(50);
    }
  }

  /** Connected members as {@code GET /api/sessions/{id}} (host token) says; -1 when it fails. */
  static int restConnected(FanoutRoom r) {
    Rest.Result s = rest.call("GET", "/api/sessions/" + r.id, r.hostToken, null);
    if (s.status() != 200) {
      return -1;
    }
    int n = 0;
    for (JsonNode m : s.body().path("members")) {
      if (m.path("connected").asBoolean(false)) {
        n++;
      }
    }
    return n;
  }

  static FanoutRoom oneSession(String admin) throws Exception {
    FanoutRoom r = createRooms(admin, 1)[0];
    r.host.connect();
    if (!awaitHellos(List.of(r.host), 1, 30_000)) {
      throw new Rest.SetupException("the host's WebSocket got no hello");
    }
    return r;
  }
}
