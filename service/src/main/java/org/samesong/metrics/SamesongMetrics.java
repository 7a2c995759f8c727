package org.samesong.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code samesong_} metrics that features record as things happen (fan-out latency, drift,
 * request outcomes, rate-limit rejections, WebSocket closes, bus failures), in one registry per
 * application instance: several applications in one JVM (tests, a cluster in a test) never share a
 * series. Gauges read at scrape time (connected listeners, sessions, the library scan) are
 * registered on the same {@link #registry()} by the application that wires the features.
 *
 * <p>Every method is cheap and never throws: it is called on the paths it measures.
 */
public final class SamesongMetrics {
  /**
   * Bucket bounds in seconds for the fan-out latency: fine around the 50-ms p99 target (a bound
   * sits exactly on it) and down to half a millisecond, which one instance reaches when idle.
   */
  static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5
  };

  /**
   * Bucket bounds in seconds for a listener's absolute drift: the 2-ms dead band, the 10-ms target
   * and the 150-ms seek threshold each sit on a bound.
   */
  static final double[] DRIFT_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5
  };

  /**
   * The request outcomes counted (values of the {@code outcome} label): the request service records
   * the words of its {@code RequestStatus} for decisions, spelled here once more only because this
   * package is a leaf that knows no feature.
   */
  public static final List<String> REQUEST_OUTCOMES =
      List.of("created", "approved", "denied", "cancelled", "expired", "refused", "rate_limited");

  /**
   * Close codes that get a series of their own; any other (a client may send any code from 3000 to
   * 4999) counts as {@code other}, so a client cannot invent series.
   */
  public static final Set<Integer> CLOSE_CODES =
      Set.of(
          1000, 1001, 1002, 1003, 1006, 1007, 1008, 1009, 1011, 4401, 4403, 4404, 4408, 4410, 4429);

  private final PrometheusRegistry registry;
  private final Histogram fanout;
  private final Histogram drift;
  private final Histogram handling;
  private final Counter requests;
  private final Counter rateLimited;
  private final Counter closes;
  private final Counter busFailures;
  private final Map<String, CounterDataPoint> outcomes = new ConcurrentHashMap<>();
  private final Map<Integer, CounterDataPoint> closeCodes = new ConcurrentHashMap<>();

  /** Metrics in a registry of their own (what an application instance uses). */
  public SamesongMetrics() {
    this(new PrometheusRegistry());
  }

  public SamesongMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    this.fanout =
        Histogram.builder()
            .name("samesong_fanout_latency_seconds")
            .help(
                "Time from a broadcast's creation (a host command or another change accepted, on"
                    + " any instance) to its hand-over to each listener's WebSocket on this"
                    + " instance; one observation per listener. Heartbeats are not counted.")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    this.drift =
        Histogram.builder()
            .name("samesong_listener_drift_seconds")
            .help(
                "Absolute drift between a listener's playback position and the server's schedule,"
                    + " as the listener reports it in sync_ack (about every 2 s per listener)")
            .classicOnly()
            .classicUpperBounds(DRIFT_BUCKETS)
            .register(registry);
    this.handling =
        Histogram.builder()
            .name("samesong_websocket_message_handling_seconds")
            .help(
                "Time this instance took to handle one client message on the sync WebSocket, by"
                    + " type, from its parse to the end of its handling: for a playback_command,"
                    + " the database transaction and the broadcast handed to every listener queue")
            .labelNames("type")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    this.requests =
        Counter.builder()
            .name("samesong_guest_requests")
            .help(
                "Guest playlist requests by outcome: created, approved, denied, cancelled (by the"
                    + " guest), expired (target item gone), refused (bad input, ended session,"
                    + " not allowed) and rate_limited")
            .labelNames("outcome")
            .register(registry);
    this.rateLimited =
        Counter.builder()
            .name("samesong_rate_limit_rejections")
            .help(
                "Attempts refused with 429 by a rate limiter: login_account, login_ip, join_ip,"
                    + " guest_member, guest_session")
            .labelNames("limiter")
            .register(registry);
    this.closes =
        Counter.builder()
            .name("samesong_websocket_closes")
            .help(
                "Sync WebSocket connections closed, by close code (4401 bad token, 4403 kicked or"
                    + " other session, 4404 no session, 4408 not reading, 4410 ended, 4429"
                    + " flooding, 1000 normal, 1001 going away, 1006 dropped without a close"
                    + " frame, other)")
            .labelNames("code")
            .register(registry);
    this.busFailures =
        Counter.builder()
            .name("samesong_event_bus_publish_failures")
            .help(
                "Broadcasts that could not go through Redis and reached this instance's"
                    + " listeners only")
            .register(registry);
    for (String outcome : REQUEST_OUTCOMES) {
      outcomes.put(outcome, requests.labelValues(outcome));
    }
    for (String limiter :
        List.of("login_account", "login_ip", "join_ip", "guest_member", "guest_session")) {
      rateLimited.initLabelValues(limiter);
    }
    for (int code : CLOSE_CODES) {
      closeCodes.put(code, closes.labelValues(Integer.toString(code)));
    }
    closes.initLabelValues("other");
  }

  /** The registry that {@code /prometheus} exposes. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Now, in microseconds since the epoch, from the system's wall clock: what broadcasts are stamped
   * with and their hand-over is measured against, on every instance (instances' clocks are assumed
   * in sync, as NTP keeps them; the application's injected clock is domain time and may stand still
   * in tests).
   */
  public static long wallMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** A broadcast stamped at {@code createdMicros} was handed to one listener's socket just now. */
  public void handedOver(long createdMicros) {
    // clocks of two instances may disagree by a little: never a negative latency
    fanout.observe(Math.max(0, wallMicros() - createdMicros) / 1e6);
  }

  /** A listener reported its drift (signed, in milliseconds). */
  public void driftReported(double driftMs) {
    if (Double.isFinite(driftMs)) {
      drift.observe(Math.abs(driftMs) / 1000.0);
    }
  }

  /** Lets the client message types appear at zero before their first message. */
  public void initMessageTypes(Iterable<String> types) {
    types.forEach(handling::initLabelValues);
  }

  /** A client message of this type was handled in {@code nanos}. */
  public void messageHandled(String type, long nanos) {
    handling.labelValues(type).observe(nanos / 1e9);
  }

  /** A guest request had this outcome (one of {@link #REQUEST_OUTCOMES}). */
  public void requestOutcome(String outcome) {
    CounterDataPoint point = outcomes.get(outcome);
    if (point != null) {
      point.inc();
    }
  }

  /** A rate limiter refused an attempt. */
  public void rateLimited(String limiter) {
    rateLimited.labelValues(limiter.toLowerCase(Locale.ROOT)).inc();
  }

  /** A sync WebSocket closed with this code (sent by either side). */
  public void webSocketClosed(int code) {
    CounterDataPoint point = closeCodes.get(code);
    (point != null ? point : closes.labelValues("other")).inc();
  }

  /** A broadcast fell back to local delivery because Redis failed. */
  public void busPublishFailed() {
    busFailures.inc();
  }
}
