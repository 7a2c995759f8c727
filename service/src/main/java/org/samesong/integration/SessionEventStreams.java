package org.samesong.integration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ChunkedOutput;
import org.samesong.common.ApiException;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;
import org.samesong.session.SessionService;
import org.samesong.sync.SessionSnapshots;
import org.samesong.sync.SyncHub;
import org.samesong.sync.bus.Envelope;
import org.samesong.sync.bus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's broadcasts as Server-Sent Events: {@code id:} the broadcast's seq, {@code event:} its
 * type, {@code data:} its JSON, exactly what a WebSocket listener with the same rights gets.
 *
 * <p>A stream follows its session through the hub like a server-side view, so it hears the
 * broadcasts of every instance. The hub's thread only queues a frame (bounded; a stream that falls
 * that far behind is closed and resumes); the stream's own request thread writes. While streams of
 * a session are open here (and ten minutes after), this instance keeps the session's last {@value
 * #KEPT} broadcasts, so a client that comes back with {@code Last-Event-ID} gets exactly what it
 * missed; when that number is older than what is kept (or another instance kept it), the stream
 * starts with a {@code state} event: the session, its playlist and its playback state as they are.
 */
public class SessionEventStreams {
  private static final Logger LOG = LoggerFactory.getLogger(SessionEventStreams.class);
  static final int KEPT = 512;
  static final int QUEUED = 2048;
  static final long KEEP_ALIVE_MS = 15_000;
  static final long KEEP_RECENT_MS = 10 * 60_000;

  /** Streams open at once on this instance; each holds a request thread while open. */
  public static final int MAX_STREAMS = 200;

  private static final String CLOSE = "";

  private final SyncHub hub;
  private final SessionService sessions;
  private final SessionSnapshots snapshots;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Map<String, Recent> recent = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final ExecutorService senders =
      Executors.newCachedThreadPool(r -> daemon(r, "sse-sender"));
  private final ScheduledExecutorService pinger =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sse-keep-alive"));

  public SessionEventStreams(
      EventBus bus,
      SyncHub hub,
      SessionService sessions,
      SessionSnapshots snapshots,
      ObjectMapper mapper,
      Clock clock) {
    this.hub = hub;
    this.sessions = sessions;
    this.snapshots = snapshots;
    this.mapper = mapper;
    this.clock = clock;
    bus.subscribe(this::keep);
    pinger.scheduleWithFixedDelay(
        () -> streams.forEach(Stream::ping), KEEP_ALIVE_MS, KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Streams open on this instance now. */
  public int openStreams() {
    return open.get();
  }

  /**
   * Opens a stream for {@code who}, resuming after {@code lastEventId} when that is still held
   * here. The resource answers {@link Stream#output}; the stream's sender writes to it.
   *
   * @param expiresAtMs when the caller's token expires (the stream ends then; the client comes back
   *     with a fresh one), or 0 for never
   */
  public Stream open(SamesongPrincipal who, String sessionId, Long lastEventId, long expiresAtMs) {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      throw ApiException.tooManyRequests(10, "too many event streams on this server; try again");
    }
    try {
      Stream stream = new Stream(who, sessionId, expiresAtMs);
      stream.start(lastEventId);
      return stream;
    } catch (RuntimeException e) {
      open.decrementAndGet();
      throw e;
    }
  }

  /** On the bus's delivering thread: keeps a followed session's recent broadcasts. No I/O. */
  private void keep(Envelope e) {
    if (!Envelope.DELIVER.equals(e.kind()) || e.seq() <= 0 || e.json() == null) {
      return;
    }
    Recent r = recent.get(e.sessionId());
    if (r != null) {
      r.add(e);
    }
  }

  private Recent recentOf(String sessionId) {
    long now = clock.millis();
    recent.values().removeIf(r -> r.idleSince(now) > KEEP_RECENT_MS);
    return recent.computeIfAbsent(sessionId, id -> new Recent(hub.lastSeq(id)));
  }

  /** The last broadcasts of a session seen here, and from which number on none is missing. */
  private static final class Recent {
    private final ArrayDeque<Envelope> kept = new ArrayDeque<>();
    private long coveredAfter;
    private int streams;
    private long idleFrom;

    Recent(long coveredAfter) {
      this.coveredAfter = coveredAfter;
    }

    synchronized void add(Envelope e) {
      if (e.seq() <= coveredAfter) {
        return;
      }
      if (!kept.isEmpty() && kept.peekLast().seq() >= e.seq()) {
        return;
      }
      kept.addLast(e);
      if (kept.size() > KEPT) {
        coveredAfter = kept.removeFirst().seq();
      }
    }

    /** What came after {@code seq}, or null when some of it is not held. */
    synchronized List<Envelope> after(long seq) {
      if (seq < coveredAfter) {
        return null;
      }
      List<Envelope> missed = new ArrayList<>();
      for (Iterator<Envelope> it = kept.descendingIterator(); it.hasNext(); ) {
        Envelope e = it.next();
        if (e.seq() <= seq) {
          break;
        }
        missed.add(0, e);
      }
      return missed;
    }

    synchronized void opened() {
      streams++;
    }

    synchronized void closed(long now) {
      if (--streams == 0) {
        idleFrom = now;
      }
    }

    synchronized long idleSince(long now) {
      return streams > 0 ? 0 : now - idleFrom;
    }
  }

  /** One client's stream. */
  public final class Stream {
    private final SamesongPrincipal who;
    private final String sessionId;

    /** What the member may do now (null: an integration token, which hears what guests hear). */
    private volatile Rights rights;

    private final String memberId;
    private final long expiresAtMs;
    private final ChunkedOutput<String> out = new ChunkedOutput<>(String.class);
    private final BlockingQueue<Envelope> queued = new ArrayBlockingQueue<>(QUEUED);
    private final List<String> first = new ArrayList<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean overflowed;
    private volatile boolean keepAlive;
    private volatile boolean ready;
    private long lastSent;
    private AutoCloseable watching;
    private Recent recentHere;

    private Stream(SamesongPrincipal who, String sessionId, long expiresAtMs) {
      this.who = who;
      this.sessionId = sessionId;
      this.rights = who.rights();
      this.memberId = who.memberId() == null ? "" : who.memberId();
      this.expiresAtMs = expiresAtMs;
    }

    /** What the resource answers: written by the stream's own sender, never by the hub. */
    public ChunkedOutput<String> output() {
      return out;
    }

    /** Follows the session first, then puts what the client missed (or the state) in front. */
    private void start(Long lastEventId) {
      recentHere = recentOf(sessionId);
      recentHere.opened();
      // from here on the hub queues every broadcast; those the first frames cover are skipped
      watching = hub.watch(sessionId, this::heard);
      first.add("retry: 3000\n\n");
      List<Envelope> missed = lastEventId == null ? null : recentHere.after(lastEventId);
      if (missed != null && lastEventId <= hub.lastSeq(sessionId)) {
        long last = lastEventId;
        for (Envelope e : missed) {
          String frame = frame(e);
          if (frame != null) {
            first.add(frame);
          }
          last = e.seq();
        }
        lastSent = last;
      } else {
        long seq = hub.lastSeq(sessionId);
        first.add(stateFrame(seq));
        lastSent = seq;
      }
      streams.add(this);
      ready = true;
      send();
    }

    /** On the hub's delivering thread: only queues and hands on (no formatting, no waiting). */
    private void heard(Envelope e) {
      if (!queued.offer(e)) {
        overflowed = true;
      }
      send();
    }

    /** The sender writes what waits, on a thread of the senders' (one at a time per stream). */
    private void send() {
      if (ready && !closed.get() && draining.compareAndSet(false, true)) {
        try {
          senders.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
          draining.set(false);
        }
      }
    }

    private void drain() {
      try {
        while (true) {
          if (overflowed) {
            // it fell too far behind: it comes back with Last-Event-ID and gets what it missed
            LOG.info("session {}: an event stream fell behind and was closed", sessionId);
            close();
            return;
          }
          if (expiresAtMs > 0 && clock.millis() >= expiresAtMs) {
            close();
            return;
          }
          if (!first.isEmpty()) {
            for (String frame : first) {
              out.write(frame);
            }
            first.clear();
          }
          if (keepAlive) {
            keepAlive = false;
            out.write(": keep-alive\n\n");
          }
          Envelope e = queued.poll();
          if (e == null) {
            draining.set(false);
            // something may have come after the poll and before the flag went down
            if ((queued.isEmpty() && !keepAlive) || !draining.compareAndSet(false, true)) {
              return;
            }
            continue;
          }
          if (Envelope.END.equals(e.kind())
              && e.json() != null
              && e.reaches(audience(), memberId)) {
            out.write(event(e.seq(), "session_ended", e.json()));
          }
          String frame = next(e);
          if (frame == CLOSE) {
            close();
            return;
          }
          if (frame != null) {
            out.write(frame);
          }
        }
      } catch (IOException | RuntimeException gone) {
        // the client went away (or the stream was closed under us)
        close();
      }
    }

    /** A frame for what the hub queued, null for nothing; {@link #CLOSE} ends the stream. */
    private String next(Envelope e) {
      switch (e.kind()) {
        case Envelope.END -> {
          return CLOSE;
        }
        case Envelope.KICK -> {
          return e.memberIds().contains(memberId) ? CLOSE : null;
        }
        case Envelope.REVOKE -> {
          return e.memberIds().contains(who.familyId()) ? CLOSE : null;
        }
        case Envelope.RIGHTS -> {
          if (!e.memberIds().contains(memberId)) {
            return null;
          }
          // a co-host made, a right taken: what the stream hears changes at once, as on a socket
          rights = e.rights();
          return e.json() == null ? null : event(0, typeOf(e.json()), e.json());
        }
        case Envelope.DELIVER -> {
          if (e.seq() > 0 && e.seq() <= lastSent) {
            return null;
          }
          if (e.seq() > 0) {
            lastSent = e.seq();
          }
          return frame(e);
        }
        default -> {
          return null;
        }
      }
    }

    private String frame(Envelope e) {
      if (e.json() == null || !e.reaches(audience(), memberId)) {
        return null;
      }
      String json = who.memberId() == null ? e.json() : hub.forMember(e.json(), who.memberId());
      return event(e.seq(), typeOf(json), json);
    }

    private String stateFrame(long seq) {
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("type", "state");
      state.put("seq", seq);
      state.put("server_time", clock.millis());
      Map<String, Object> session =
          mapper.convertValue(sessions.view(sessionId, null), new TypeReference<>() {});
      Rights now = rights;
      if (now == null || !now.inCharge()) {
        // a rotated invite code is for the host and co-hosts to hand out (as session_update is)
        session.remove("code");
        session.remove("join_url");
      }
      state.put("session", session);
      state.put("playback_state", snapshots.playback(sessionId));
      state.put("playlist", snapshots.playlist(sessionId));
      try {
        return event(seq, "state", mapper.writeValueAsString(state));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise the state of a session", e);
      }
    }

    /** Which broadcasts the stream hears: what a socket with the same rights hears. */
    private String audience() {
      Rights now = rights;
      return now == null ? SamesongPrincipal.GUEST : now.audience();
    }

    /** A comment line, so proxies and clients see the stream alive. */
    private void ping() {
      keepAlive = true;
      send();
    }

    /** Ends the stream (idempotent): unfollows the session and closes the response. */
    void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      streams.remove(this);
      try {
        AutoCloseable w = watching;
        if (w != null) {
          w.close();
        }
      } catch (Exception e) {
        LOG.debug("unfollowing a session: {}", e.toString());
      }
      try {
        out.close();
      } catch (IOException e) {
        LOG.debug("closing an event stream: {}", e.toString());
      }
      recentHere.closed(clock.millis());
      open.decrementAndGet();
    }
  }

  private static String event(long seq, String type, String json) {
    StringBuilder b = new StringBuilder(json.length() + 48);
    if (seq > 0) {
      b.append("id: ").append(seq).append('\n');
    }
    b.append("event: ").append(type).append('\n');
    // serialised JSON holds no raw line breaks; split anyway, as the format asks
    for (String line : json.split("\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    return b.append('\n').toString();
  }

  /** The {@code type} of a server message (its first field). */
  static String typeOf(String json) {
    String start = "{\"type\":\"";
    if (json.startsWith(start)) {
      int end = json.indexOf('"', start.length());
      if (end > 0) {
        return json.substring(start.length(), end);
      }
    }
    return "message";
  }
}
