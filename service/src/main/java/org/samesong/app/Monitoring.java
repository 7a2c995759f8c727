package org.samesong.app;

import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.samesong.media.library.LibraryScanner;
import org.samesong.media.library.ScanProgress;
import org.samesong.sync.MemberRoster;
import org.samesong.sync.SyncHub;
import org.samesong.sync.api.ClientMessage;
import org.samesong.sync.ws.SyncEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /prometheus} on the admin port, in the Prometheus text format: the features' {@code
 * samesong_} metrics, gauges read at scrape time (listeners, sessions, event bus, library scan),
 * the JVM's metrics, and Dropwizard's registry (Jetty, the connection pool, JDBI, logging) through
 * the bridge. Everything lives in the instance's own registry, never the library's static default.
 */
final class Monitoring {
  private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);
  static final String PATH = "/prometheus";

  /**
   * The live-session count comes from the database at most this often, whatever the scrapers do.
   */
  static final Duration ACTIVE_SESSIONS_EVERY = Duration.ofSeconds(5);

  private Monitoring() {}

  static void install(Environment environment, Services services) {
    PrometheusRegistry registry = services.metrics().registry();
    services.metrics().initMessageTypes(SyncEndpoint.MESSAGE_TYPES);
    gauges(registry, services);
    JvmMetrics.builder().register(registry);
    // the JVM is covered by JvmMetrics above: Dropwizard's own jvm.* gauges would only repeat it
    DropwizardExports.builder()
        .dropwizardRegistry(environment.metrics())
        .metricFilter((name, metric) -> !name.startsWith("jvm."))
        .register(registry);
    environment
        .admin()
        .addServlet("prometheus", new PrometheusMetricsServlet(registry))
        .addMapping(PATH);
  }

  private static void gauges(PrometheusRegistry registry, Services services) {
    SyncHub hub = services.hub();
    GaugeWithCallback.builder()
        .name("samesong_connected_listeners")
        .help("Open sync WebSocket connections on this instance, by the member's role")
        .labelNames("role")
        .callback(
            cb -> {
              cb.call(hub.connectionCount("host"), "host");
              cb.call(hub.connectionCount("guest"), "guest");
            })
        .register(registry);
    MemberRoster roster = services.broadcaster().roster();
    GaugeWithCallback.builder()
        .name("samesong_listener_states")
        .help(
            "Listeners by what their player last reported in sync_ack (playing, buffering,"
                + " blocked by autoplay, muted, background) over this instance's connections;"
                + " offline: members of the sessions this instance follows with no connection on"
                + " any instance. Counted as reports arrive, not at scrape time")
        .labelNames("state")
        .callback(
            cb -> {
              for (String state : ClientMessage.SyncAck.LISTENER_STATES_IN_ORDER) {
                cb.call(hub.connectionCountByState(state), state);
              }
              cb.call(roster.offlineCount(), "offline");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("samesong_sessions_connected")
        .help("Sessions with at least one WebSocket connection on this instance")
        .callback(cb -> cb.call(hub.sessionCount()))
        .register(registry);
    Cached live =
        new Cached(() -> services.sessions().countLive(), services.clock(), ACTIVE_SESSIONS_EVERY);
    GaugeWithCallback.builder()
        .name("samesong_sessions_active")
        .help(
            "Sessions not ended, on all instances (from the database, read at most every "
                + ACTIVE_SESSIONS_EVERY.toSeconds()
                + " s)")
        .callback(cb -> cb.call(live.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("samesong_event_bus_up")
        .help(
            "1 while the event bus reaches every instance (always 1 in-process; with Redis, 0"
                + " while Redis is unreachable and broadcasts reach this instance only)")
        .callback(cb -> cb.call(services.bus().healthy() ? 1 : 0))
        .register(registry);
    scan(registry, services.scanner());
  }

  private static void scan(PrometheusRegistry registry, LibraryScanner scanner) {
    GaugeWithCallback.builder()
        .name("samesong_library_scan_state")
        .help("The library scan's state: 1 for the current one of idle, running, done, failed")
        .labelNames("state")
        .callback(
            cb -> {
              ScanProgress.State now = scanner.progress().state();
              for (ScanProgress.State state : ScanProgress.State.values()) {
                cb.call(state == now ? 1 : 0, state.name().toLowerCase(Locale.ROOT));
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("samesong_library_scan_files_seen")
        .help("Audio files the running (or last) library scan has handled so far")
        .callback(cb -> cb.call(scanner.progress().filesSeen()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("samesong_library_scan_files_found")
        .help("Audio files the running (or last) library scan found in the library folders")
        .callback(cb -> cb.call(scanner.progress().filesTotal()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("samesong_library_scan_tracks")
        .help(
            "Files of the running (or last) library scan by result: added, updated, unchanged,"
                + " removed, skipped (unreadable)")
        .labelNames("result")
        .callback(
            cb -> {
              ScanProgress p = scanner.progress();
              cb.call(p.added(), "added");
              cb.call(p.updated(), "updated");
              cb.call(p.unchanged(), "unchanged");
              cb.call(p.removed(), "removed");
              cb.call(p.skipped(), "skipped");
            })
        .register(registry);
  }

  /**
   * A value read again only once {@code every} has passed on the clock, so that frequent scrapes
   * (or several Prometheus servers) cost one query per period. A failed read shows NaN until the
   * next period.
   */
  static final class Cached {
    private final DoubleSupplier read;
    private final Clock clock;
    private final long everyMs;
    private double value;
    private long readAt = Long.MIN_VALUE;

    Cached(DoubleSupplier read, Clock clock, Duration every) {
      this.read = read;
      this.clock = clock;
      this.everyMs = every.toMillis();
    }

    synchronized double get() {
      long now = clock.millis();
      if (readAt == Long.MIN_VALUE || now - readAt >= everyMs || now < readAt) {
        try {
          value = read.getAsDouble();
        } catch (RuntimeException e) {
          LOG.warn("metrics: reading a gauge failed: {}", e.toString());
          value = Double.NaN;
        }
        readAt = now;
      }
      return value;
    }
  }
}
