package org.samesong.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.Scrape;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * {@code /prometheus} on the admin port of the real application: the text parses line by line, and
 * the {@code samesong_} series move with what real clients do over REST and real WebSockets. Each
 * test compares a scrape after the action with one before it (the server is shared by the tests).
 */
class PrometheusEndpointIT {
  @RegisterExtension static final TestServer APP = TestServer.on(TestDatabase.Kind.H2);

  private static final String LISTENERS = "samesong_connected_listeners";
  private static final String STATES = "samesong_listener_states";
  private static final String FANOUT = "samesong_fanout_latency_seconds";
  private static final String HANDLING = "samesong_websocket_message_handling_seconds";
  private static final String DRIFT = "samesong_listener_drift_seconds";
  private static final String REQUESTS = "samesong_guest_requests_total";
  private static final String REJECTIONS = "samesong_rate_limit_rejections_total";
  private static final String CLOSES = "samesong_websocket_closes_total";

  private static final Path DASHBOARD =
      repositoryRoot().resolve("deploy/grafana/samesong-dashboard.json");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan");

  private final List<WsClient> clients = new ArrayList<>();
  private SessionFixtures fx;

  @BeforeEach
  void fixtures() {
    fx = SessionFixtures.of(APP);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  private static Scrape scrape() {
    return Scrape.of(APP.getAdminPort());
  }

  private WsClient connect(String sessionId, String token) {
    WsClient client = WsClient.connectOk(APP.getLocalPort(), sessionId, token).client();
    clients.add(client);
    return client;
  }

  private Host sessionWithTrack() {
    Host host = fx.newSession();
    fx.addItem(host, fx.track(0));
    return host;
  }

  @Test
  void the_scrape_is_prometheus_text_with_help_and_type_for_every_samesong_family() {
    Scrape scrape = scrape();

    assertThat(scrape.contentType()).startsWith("text/plain").contains("version=0.0.4");
    List<String> families =
        scrape.types().keySet().stream().filter(n -> n.startsWith("samesong_")).toList();
    assertThat(families)
        .contains(
            "samesong_connected_listeners",
            "samesong_sessions_active",
            "samesong_sessions_connected",
            FANOUT,
            DRIFT,
            REQUESTS,
            REJECTIONS,
            CLOSES,
            "samesong_event_bus_up",
            "samesong_event_bus_publish_failures_total",
            "samesong_library_scan_state",
            "samesong_library_scan_files_seen",
            "samesong_library_scan_files_found",
            "samesong_library_scan_tracks",
            HANDLING);
    for (String family : families) {
      assertThat(scrape.help().get(family)).as("HELP of %s", family).isNotBlank();
    }
    assertThat(scrape.types().get(FANOUT)).isEqualTo("histogram");
    assertThat(scrape.types().get(REQUESTS)).isEqualTo("counter");
    assertThat(scrape.types().get(LISTENERS)).isEqualTo("gauge");
    // the in-process bus always reaches every instance there is
    assertThat(scrape.value("samesong_event_bus_up")).isEqualTo(1);
    // no library folder configured: no scan ran
    assertThat(scrape.value("samesong_library_scan_state", "state", "idle")).isEqualTo(1);
    assertThat(scrape.value("samesong_library_scan_state", "state", "running")).isEqualTo(0);
    // every client message type is there before its first message
    for (String type :
        List.of(
            "ping",
            "sync_ack",
            "request_playlist_change",
            "playback_command",
            "approve_request",
            "deny_request")) {
      assertThat(scrape.has(HANDLING + "_count", "type", type)).as(type).isTrue();
    }
  }

  @Test
  void jvm_and_jetty_metrics_are_there_too_and_dropwizards_json_metrics_stay() throws Exception {
    fx.session(fx.newSession()); // at least one API request went through Jetty
    Scrape scrape = scrape();

    assertThat(scrape.sampleNames())
        .contains(
            "jvm_memory_used_bytes",
            "jvm_gc_collection_seconds_count",
            "jvm_threads_current",
            "process_cpu_seconds_total",
            "io_dropwizard_jetty_MutableServletContextHandler_requests_count",
            "io_dropwizard_jetty_MutableServletContextHandler_5xx_responses_total",
            "org_eclipse_jetty_util_thread_QueuedThreadPool_dw_size");
    assertThat(scrape.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
    assertThat(scrape.value("io_dropwizard_jetty_MutableServletContextHandler_requests_count"))
        .isPositive();
    // Dropwizard's own jvm.* gauges stay out: the JVM instrumentation covers them
    assertThat(scrape.sampleNames()).noneMatch(n -> n.startsWith("jvm_memory_heap_"));
    // beside Dropwizard's own admin servlets, which still answer
    HttpResponse<String> json =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + APP.getAdminPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(json.body()).path("gauges").isObject()).isTrue();
  }

  @Test
  void connected_listeners_go_up_as_guests_connect_and_down_as_they_leave() {
    Host host = sessionWithTrack();
    Scrape before = scrape();

    connect(host.sessionId(), host.token());
    WsClient first = connect(host.sessionId(), fx.guest(host).token());
    connect(host.sessionId(), fx.guest(host).token());
    Scrape connected = scrape();
    assertThat(connected.value(LISTENERS, "role", "guest"))
        .isEqualTo(before.value(LISTENERS, "role", "guest") + 2);
    assertThat(connected.value(LISTENERS, "role", "host"))
        .isEqualTo(before.value(LISTENERS, "role", "host") + 1);
    assertThat(connected.value("samesong_sessions_connected"))
        .isEqualTo(before.value("samesong_sessions_connected") + 1);

    first.close();
    Scrape left =
        Scrape.until(
            APP.getAdminPort(),
            s ->
                s.value(LISTENERS, "role", "guest")
                    == before.value(LISTENERS, "role", "guest") + 1);
    assertThat(left.value(LISTENERS, "role", "guest"))
        .isEqualTo(before.value(LISTENERS, "role", "guest") + 1);
    assertThat(left.value(CLOSES, "code", "1000"))
        .isGreaterThan(connected.value(CLOSES, "code", "1000"));
  }

  @Test
  void a_host_command_moves_the_fanout_histogram_once_per_listener() {
    Host host = sessionWithTrack();
    WsClient hostWs = connect(host.sessionId(), host.token());
    WsClient guest1 = connect(host.sessionId(), fx.guest(host).token());
    Guest second = fx.guest(host);
    WsClient guest2 = connect(host.sessionId(), second.token());
    // the member updates of the connects are broadcasts too (coalesced, a moment later): let the
    // one naming the last connect arrive everywhere first
    for (WsClient c : List.of(hostWs, guest1, guest2)) {
      c.awaitType(
          "member_update",
          m -> org.samesong.testing.Scenario.says(m, second.memberId(), true),
          "guest 2");
      c.roundTrip();
    }
    Scrape before = scrape();

    hostWs.send(Map.of("type", "playback_command", "action", "play"));
    for (WsClient c : List.of(hostWs, guest1, guest2)) {
      c.awaitType("playback_state", m -> "playing".equals(m.path("state").asText()), "playing");
    }
    // a connection's messages are handled in order: once the pong is back, the command's
    // handling time has been recorded too
    hostWs.roundTrip();
    Scrape after = scrape();

    // handed over before it arrived: counted by the time every listener has it
    assertThat(after.value(FANOUT + "_count")).isEqualTo(before.value(FANOUT + "_count") + 3);
    assertThat(after.value(FANOUT + "_sum")).isGreaterThan(before.value(FANOUT + "_sum"));
    assertThat(delta(before, after, HANDLING + "_count", "type", "playback_command")).isEqualTo(1);
    assertBucketsAreCumulative(after, FANOUT);
    assertThat(after.value(FANOUT + "_bucket", "le", "+Inf"))
        .isEqualTo(after.value(FANOUT + "_count"));
    assertThat(after.find(FANOUT + "_bucket").stream().map(s -> s.labels().get("le")))
        .contains("5.0E-4", "0.05", "1.0");
  }

  @Test
  void sync_ack_moves_the_drift_histogram_by_the_absolute_drift() {
    Host host = sessionWithTrack();
    WsClient guest = connect(host.sessionId(), fx.guest(host).token());
    Scrape before = scrape();

    guest.send(
        Map.of(
            "type",
            "sync_ack",
            "track_id",
            fx.track(0).id(),
            "position_ms",
            1000,
            "drift_ms",
            -3.5));
    guest.roundTrip();
    Scrape after = scrape();

    assertThat(after.value(DRIFT + "_count")).isEqualTo(before.value(DRIFT + "_count") + 1);
    assertThat(after.value(DRIFT + "_sum") - before.value(DRIFT + "_sum"))
        .isCloseTo(0.0035, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(after.value(DRIFT + "_bucket", "le", "0.005"))
        .isEqualTo(before.value(DRIFT + "_bucket", "le", "0.005") + 1);
    assertThat(after.value(DRIFT + "_bucket", "le", "0.002"))
        .isEqualTo(before.value(DRIFT + "_bucket", "le", "0.002"));
    assertBucketsAreCumulative(after, DRIFT);

    // a bad drift is refused and not counted
    guest.send(Map.of("type", "sync_ack", "track_id", fx.track(0).id(), "position_ms", 1000));
    guest.awaitType("error");
    assertThat(scrape().value(DRIFT + "_count")).isEqualTo(after.value(DRIFT + "_count"));
  }

  @Test
  void listener_states_are_counted_as_players_report_them_and_offline_when_they_leave() {
    Host host = sessionWithTrack();
    Guest bea = fx.guest(host);
    WsClient guest = connect(host.sessionId(), bea.token());
    guest.roundTrip();
    Scrape before = scrape();

    guest.send(
        Map.of(
            "type",
            "sync_ack",
            "track_id",
            fx.track(0).id(),
            "position_ms",
            1000,
            "listener_state",
            "buffering"));
    guest.roundTrip();
    Scrape buffering = scrape();
    assertThat(delta(before, buffering, STATES, "state", "buffering")).isEqualTo(1);
    assertThat(delta(before, buffering, STATES, "state", "playing")).isEqualTo(-1);

    guest.send(
        Map.of(
            "type",
            "sync_ack",
            "track_id",
            fx.track(0).id(),
            "position_ms",
            1000,
            "drift_ms",
            0.5,
            "listener_state",
            "background"));
    guest.roundTrip();
    Scrape background = scrape();
    assertThat(delta(buffering, background, STATES, "state", "buffering")).isEqualTo(-1);
    assertThat(delta(buffering, background, STATES, "state", "background")).isEqualTo(1);

    guest.close();
    // the roster hears of the close on its own thread: wait for the offline count to follow
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    Scrape gone = scrape();
    while (delta(background, gone, STATES, "state", "offline") < 1
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      gone = scrape();
    }
    assertThat(delta(background, gone, STATES, "state", "background")).isEqualTo(-1);
    // the gauge is the instance's: listeners of the class's other tests, whose closes the roster
    // hears on its own thread, may go offline in the same window (seen once: 3)
    assertThat(delta(background, gone, STATES, "state", "offline")).isGreaterThanOrEqualTo(1);
    assertThat(scrape().types().get(STATES)).isEqualTo("gauge");
  }

  @Test
  void guest_requests_are_counted_by_outcome() {
    Host host = sessionWithTrack();
    Guest guest = fx.guest(host);
    Scrape before = scrape();

    String approved = fx.requestAdd(guest, fx.track(1));
    assertThat(fx.approve(approved, host.token()).status()).isEqualTo(200);
    String denied = fx.requestAdd(guest, fx.track(1));
    assertThat(fx.deny(denied, host.token(), "not now").status()).isEqualTo(200);
    String cancelled = fx.requestAdd(guest, fx.track(1));
    assertThat(APP.delete("requests/" + cancelled, guest.token()).status()).isEqualTo(200);
    // bad input: refused before anything is filed
    assertThat(fx.fileRequest(guest, Map.of("action", "dance")).status()).isEqualTo(400);
    // a second decision of a decided request changes nothing, and counts nothing
    assertThat(fx.approve(approved, host.token()).status()).isEqualTo(409);
    Scrape after = scrape();

    assertThat(delta(before, after, REQUESTS, "outcome", "created")).isEqualTo(3);
    assertThat(delta(before, after, REQUESTS, "outcome", "approved")).isEqualTo(1);
    assertThat(delta(before, after, REQUESTS, "outcome", "denied")).isEqualTo(1);
    assertThat(delta(before, after, REQUESTS, "outcome", "cancelled")).isEqualTo(1);
    assertThat(delta(before, after, REQUESTS, "outcome", "refused")).isEqualTo(1);
    assertThat(delta(before, after, REQUESTS, "outcome", "rate_limited")).isEqualTo(0);
  }

  @Test
  void a_request_whose_item_leaves_the_playlist_counts_as_expired() {
    Host host = sessionWithTrack();
    Guest guest = fx.guest(host);
    String itemId = fx.itemIds(host).get(0);
    fx.requestRemove(guest, itemId);
    Scrape before = scrape();

    assertThat(
            APP.delete("sessions/" + host.sessionId() + "/playlist/" + itemId, host.token())
                .status())
        .isEqualTo(204);

    assertThat(delta(before, scrape(), REQUESTS, "outcome", "expired")).isEqualTo(1);
  }

  @Test
  void rate_limit_rejections_are_counted_by_limiter() {
    Host host = sessionWithTrack();
    Guest guest = fx.guest(host);
    fx.settings(Map.of("guest_request_burst", 1, "guest_requests_per_minute", 1));
    try {
      Scrape before = scrape();
      fx.requestAdd(guest, fx.track(1));
      Reply limited = fx.fileRequest(guest, Map.of("action", "add", "track_id", fx.track(1).id()));
      assertThat(limited.status()).isEqualTo(429);
      Scrape after = scrape();

      assertThat(delta(before, after, REJECTIONS, "limiter", "guest_member")).isEqualTo(1);
      assertThat(delta(before, after, REJECTIONS, "limiter", "guest_session")).isEqualTo(0);
      assertThat(delta(before, after, REQUESTS, "outcome", "rate_limited")).isEqualTo(1);
      assertThat(delta(before, after, REQUESTS, "outcome", "created")).isEqualTo(1);
    } finally {
      fx.relax();
    }

    fx.settings(Map.of("joins_per_ip_per_minute", 1));
    try {
      APP.clock().advance(Duration.ofMinutes(1));
      Scrape before = scrape();
      fx.guest(host);
      assertThat(fx.join(host.code(), "one-too-many").status()).isEqualTo(429);
      assertThat(delta(before, scrape(), REJECTIONS, "limiter", "join_ip")).isEqualTo(1);
    } finally {
      fx.relax();
    }
  }

  @Test
  void a_kick_closes_with_4403_and_a_bad_token_with_4401_and_both_are_counted() {
    Host host = sessionWithTrack();
    Guest guest = fx.guest(host);
    WsClient kicked = connect(host.sessionId(), guest.token());
    Scrape before = scrape();

    assertThat(
            APP.delete(
                    "sessions/" + host.sessionId() + "/members/" + guest.memberId(), host.token())
                .status())
        .isEqualTo(204);
    kicked.assertClosedWith(4403);
    WsClient refused = WsClient.connect(APP.getLocalPort(), host.sessionId(), "not-a-token");
    clients.add(refused);
    refused.assertClosedWith(4401);

    Scrape after =
        Scrape.until(
            APP.getAdminPort(),
            s ->
                delta(before, s, CLOSES, "code", "4403") >= 1
                    && delta(before, s, CLOSES, "code", "4401") >= 1);
    assertThat(delta(before, after, CLOSES, "code", "4403")).isEqualTo(1);
    assertThat(delta(before, after, CLOSES, "code", "4401")).isEqualTo(1);
  }

  @Test
  void active_sessions_count_live_sessions_from_the_database_at_most_every_five_seconds() {
    APP.clock().advance(Duration.ofSeconds(5));
    double before = scrape().value("samesong_sessions_active");

    Host host = fx.newSession();
    // within the period the cached figure stands
    assertThat(scrape().value("samesong_sessions_active")).isEqualTo(before);
    APP.clock().advance(Duration.ofSeconds(5));
    assertThat(scrape().value("samesong_sessions_active")).isEqualTo(before + 1);

    assertThat(APP.delete("sessions/" + host.sessionId(), host.token()).status()).isEqualTo(204);
    APP.clock().advance(Duration.ofSeconds(5));
    assertThat(scrape().value("samesong_sessions_active")).isEqualTo(before);
  }

  @Test
  void every_metric_the_grafana_dashboard_queries_is_in_a_real_scrape() throws Exception {
    fx.session(fx.newSession()); // Jetty's timers have seen a request
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> used = new TreeSet<>();
    for (JsonNode target : dashboard.findValues("targets")) {
      target.forEach(t -> used.addAll(metricNames(t.path("expr").asText())));
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
      if (m.find()) {
        used.add(m.group(1));
      }
    }

    assertThat(used)
        .as("the dashboard's metrics (a parse that finds none would prove nothing)")
        .contains(
            "samesong_connected_listeners",
            "samesong_fanout_latency_seconds_bucket",
            "samesong_listener_drift_seconds_bucket",
            "jvm_memory_used_bytes",
            "org_eclipse_jetty_util_thread_QueuedThreadPool_dw_size");
    assertThat(scrape().sampleNames()).containsAll(used);
    // importable: a data source input and variable, and an instance variable
    assertThat(dashboard.path("__inputs").get(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
    assertThat(dashboard.findValuesAsText("name")).contains("DS_PROMETHEUS", "instance");
    for (JsonNode target : dashboard.findValues("targets")) {
      target.forEach(
          t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}"));
    }
  }

  /**
   * The metric names in a PromQL expression: identifiers that are not functions, keywords, label
   * names (inside braces or grouping clauses), strings, ranges or Grafana variables.
   */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
            .replaceAll("\\{[^}]*\\}", " ")
            .replaceAll("\\[[^\\]]*\\]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\{?\\w+\\}?", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      boolean call = bare.substring(m.end()).stripLeading().startsWith("(");
      if (!call && !PROMQL_WORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** The folder with the Maven wrapper and {@code deploy/}, above the module running the tests. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("deploy"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  private static void assertBucketsAreCumulative(Scrape scrape, String histogram) {
    double last = 0;
    for (Scrape.Sample bucket : scrape.find(histogram + "_bucket")) {
      assertThat(bucket.value()).as("bucket %s", bucket.labels()).isGreaterThanOrEqualTo(last);
      last = bucket.value();
    }
  }
}
