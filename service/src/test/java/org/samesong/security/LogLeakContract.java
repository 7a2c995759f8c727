package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import jakarta.ws.rs.client.Entity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.samesong.auth.TokenAuthFilter;
import org.samesong.testing.Reply;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestDatabase;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;
import org.slf4j.LoggerFactory;

/**
 * What the application writes to its logs, through the logging and request-log configuration of the
 * repository's {@code config.yml} (the same formats, written to files instead of the console, with
 * the application's own loggers at DEBUG), during a flow that touches every secret: logins with
 * passwords (right and wrong), a user created and a password reset, refresh and reuse, sessions, a
 * guest's join, WebSocket connections with {@code ?token=} (good, forged, of another session),
 * signed stream URLs, CSRF and other refusals, kicks, logout and the end of a session.
 *
 * <p>No token (access or refresh, or the signature part of one), no password, no stream signature,
 * no CSRF token and not the JWT secret may appear anywhere in either log. Each event is one line,
 * and an application line about a session's members, requests or connections names the session.
 * {@link LogLeakIT} runs it with the application's loggers at DEBUG, {@link LogLeakAllDebugIT} with
 * every logger at DEBUG (Jetty's included, which logs whole request lines and headers).
 */
abstract class LogLeakContract {
  abstract TestServer app();

  abstract Path logs();

  /**
   * Everything at DEBUG, Jetty's request handling included: what an attacker who reached the admin
   * port's log-level task would turn on. Lines are then not one per event (Jetty logs stack traces
   * at DEBUG), so only the secrets are checked.
   */
  abstract boolean everythingAtDebug();

  private Path appLogFile() {
    return logs().resolve("app.log");
  }

  private Path requestLogFile() {
    return logs().resolve("requests.log");
  }

  /** A server that logs, with the repository's formats, to files in {@code logs}. */
  static TestServer server(Path logs, boolean everythingAtDebug) {
    List<ConfigOverride> overrides = new ArrayList<>();
    overrides.add(ConfigOverride.config("logging.level", everythingAtDebug ? "DEBUG" : "INFO"));
    overrides.add(ConfigOverride.config("logging.loggers.org\\.samesong", "DEBUG"));
    if (everythingAtDebug) {
      for (String noisy :
          List.of("org.eclipse.jetty", "io.dropwizard.jersey", "com.vaadin", "org.atmosphere")) {
        overrides.add(
            ConfigOverride.config("logging.loggers." + noisy.replace(".", "\\."), "DEBUG"));
      }
    }
    overrides.add(ConfigOverride.config("logging.appenders[0].type", "file"));
    overrides.add(
        ConfigOverride.config(
            "logging.appenders[0].currentLogFilename", logs.resolve("app.log").toString()));
    overrides.add(ConfigOverride.config("logging.appenders[0].archive", "false"));
    overrides.add(ConfigOverride.config("server.requestLog.appenders[0].type", "file"));
    overrides.add(
        ConfigOverride.config(
            "server.requestLog.appenders[0].currentLogFilename",
            logs.resolve("requests.log").toString()));
    overrides.add(ConfigOverride.config("server.requestLog.appenders[0].archive", "false"));
    return TestServer.on(TestDatabase.Kind.H2, overrides.toArray(ConfigOverride[]::new));
  }

  static Path temporaryFolder() {
    try {
      return Files.createTempDirectory("samesong-logs-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteLogs(Path logs) throws IOException {
    for (Path p : List.of(logs.resolve("app.log"), logs.resolve("requests.log"), logs)) {
      Files.deleteIfExists(p);
    }
  }

  /** Each secret the flow handles, by what it is. */
  private final Map<String, String> secrets = new LinkedHashMap<>();

  private final List<WsClient> clients = new ArrayList<>();

  private void secret(String what, String value) {
    secrets.put(what + " #" + secrets.size(), value);
  }

  /**
   * A token and, separately, its signature (a log that cut the token short would still show it).
   */
  private void token(String what, String token) {
    secret(what, token);
    String[] parts = token.split("\\.");
    if (parts.length == 3 && !parts[2].isEmpty()) {
      secret(what + " signature", parts[2]);
    }
  }

  private WsClient connect(String sessionId, String token) {
    WsClient client = WsClient.connect(app().getLocalPort(), sessionId, token);
    clients.add(client);
    return client;
  }

  @Test
  void no_token_password_or_signature_reaches_a_log_and_each_line_is_one_event() throws Exception {
    String startup = flushed(appLogFile(), this::markAppLog);
    secret("JWT secret", TestApp.JWT_SECRET);
    secret("first admin's password", TestServer.ADMIN_PASSWORD);

    // accounts: logins (right and wrong), a user created, a password reset
    Reply admin = app().loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    String adminToken = admin.text("access_token");
    token("admin access", adminToken);
    token("admin refresh", admin.text("refresh_token"));
    secret("csrf cookie", admin.cookieValue(TokenAuthFilter.CSRF_COOKIE));
    String name = TestServer.uniqueName("dj");
    String password = "pw-" + UUID.randomUUID();
    secret("new user's password", password);
    String userId = app().createUser(adminToken, name, password, null).text("id");
    String wrongPassword = "wrong-" + UUID.randomUUID();
    secret("a wrong password", wrongPassword);
    assertThat(app().login(name, wrongPassword).status()).isEqualTo(401);
    Reply login = app().loginOk(name, password);
    String user = login.text("access_token");
    token("user access", user);
    token("user refresh", login.text("refresh_token"));

    // refresh, and a reuse that revokes the family
    Reply rotated =
        app().post("auth/refresh", Map.of("refresh_token", login.text("refresh_token")), null);
    assertThat(rotated.status()).isEqualTo(200);
    token("rotated access", rotated.text("access_token"));
    token("rotated refresh", rotated.text("refresh_token"));
    assertThat(
            app()
                .post("auth/refresh", Map.of("refresh_token", login.text("refresh_token")), null)
                .status())
        .isEqualTo(401);
    Reply again = app().loginOk(name, password);
    user = again.text("access_token");
    token("user access", user);
    token("user refresh", again.text("refresh_token"));

    // a session, a guest, a request, approved
    Reply created = app().post("sessions", Map.of("name", "log party"), user);
    assertThat(created.status()).isEqualTo(201);
    String sessionId = created.text("id");
    String host = created.text("host_token");
    token("host access", host);
    token("host refresh", created.text("refresh_token"));
    Reply joined =
        app()
            .post(
                "sessions/" + created.text("code") + "/join", Map.of("display_name", "Lou"), null);
    assertThat(joined.status()).isEqualTo(200);
    String guest = joined.text("token");
    String guestId = joined.text("member_id");
    token("guest access", guest);
    token("guest refresh", joined.text("refresh_token"));
    JsonNode tracks = app().get("catalog/tracks?limit=5", user).json().path("items");
    String trackId = tracks.get(0).path("id").asText();
    Reply request =
        app()
            .post(
                "sessions/" + sessionId + "/requests",
                Map.of("action", "add", "track_id", trackId, "note", "play it"),
                guest);
    assertThat(request.status()).isEqualTo(201);
    assertThat(
            app()
                .post("requests/" + request.text("request_id") + "/approve", Map.of(), host)
                .status())
        .isEqualTo(200);

    // the WebSocket with ?token=: host and guest, messages good and bad; refused tokens
    WsClient hostWs = connect(sessionId, host);
    hostWs.awaitType("hello");
    WsClient guestWs = connect(sessionId, guest);
    guestWs.awaitType("hello");
    guestWs.send(Map.of("type", "sync_ack", "track_id", trackId, "position_ms", 10, "drift_ms", 3));
    guestWs.sendText("{not json");
    guestWs.send(Map.of("type", "playback_command", "action", "play"));
    hostWs.send(Map.of("type", "playback_command", "action", "play"));
    hostWs.send(Map.of("type", "playback_command", "action", "seek", "position_ms", -5));
    hostWs.roundTrip();
    guestWs.roundTrip();
    String forged = ForgedTokens.tampered(guest, p -> p.put("role", "host"));
    token("forged token", forged);
    connect(sessionId, forged).assertClosedWith(4401);
    String expired =
        ForgedTokens.resigned(guest, p -> p.put("exp", Instant.EPOCH.getEpochSecond() + 1));
    token("expired token", expired);
    connect(sessionId, expired).assertClosedWith(4401);
    connect(UUID.randomUUID().toString(), guest).assertClosedWith(4404);

    // signed stream URLs: played, and one with a tampered signature
    String streamUrl = tracks.get(0).path("stream_url").asText();
    String sig = streamUrl.substring(streamUrl.indexOf("sig=") + 4);
    secret("stream signature", sig);
    assertThat(Reply.of(app().client().target(absolute(streamUrl)).request().get()).status())
        .isEqualTo(200);
    assertThat(
            Reply.of(
                    app()
                        .client()
                        .target(absolute(streamUrl))
                        .request()
                        .header("Range", "bytes=0-99")
                        .get())
                .status())
        .isEqualTo(206);
    String tamperedSig = streamUrl.replace("sig=", "sig=x");
    assertThat(Reply.of(app().client().target(absolute(tamperedSig)).request().get()).status())
        .isEqualTo(403);

    // refusals: CSRF with the cookie, malformed JSON, an unknown path
    Reply csrf =
        Reply.of(
            app()
                .request("admin/settings", null)
                .cookie(TokenAuthFilter.ACCESS_COOKIE, adminToken)
                .cookie(TokenAuthFilter.CSRF_COOKIE, admin.cookieValue(TokenAuthFilter.CSRF_COOKIE))
                .method("PATCH", Entity.json(Map.of("dead_band_ms", 2))));
    assertThat(csrf.status()).isEqualTo(403);
    assertThat(
            app()
                .post(
                    "auth/login",
                    "{\"username\": \"" + name + "\", \"password\": \"" + password,
                    null)
                .status())
        .isEqualTo(400);
    assertThat(app().get("no/such/" + UUID.randomUUID(), host).status()).isEqualTo(404);

    // a kick, the end, a password reset (which ends the owner's host logins), a logout
    assertThat(app().delete("sessions/" + sessionId + "/members/" + guestId, host).status())
        .isEqualTo(204);
    guestWs.assertClosedWith(4403);
    assertThat(app().delete("sessions/" + sessionId, host).status()).isEqualTo(204);
    String newPassword = "reset-" + UUID.randomUUID();
    secret("reset password", newPassword);
    assertThat(
            app()
                .patch("admin/users/" + userId, Map.of("password", newPassword), adminToken)
                .status())
        .isEqualTo(200);
    Reply out =
        app().post("auth/logout", Map.of("refresh_token", admin.text("refresh_token")), adminToken);
    assertThat(out.status()).isEqualTo(204);
    clients.forEach(WsClient::close);

    String appLog = flushed(appLogFile(), this::markAppLog);
    String requestLog = flushed(requestLogFile(), this::markRequestLog);

    List<String> leaks = new ArrayList<>();
    secrets.forEach(
        (what, value) -> {
          if (appLog.contains(value)) {
            leaks.add(what + " in the application log");
          }
          if (requestLog.contains(value)) {
            leaks.add(what + " in the request log");
          }
        });
    System.out.printf(
        "logs: %d application lines, %d request lines, %d secrets looked for%n",
        appLog.lines().count(), requestLog.lines().count(), secrets.size());
    assertThat(leaks).as("secrets found in the logs").isEmpty();
    assertThat(requestLog)
        .as("the request log saw the flow")
        .contains("/api/tracks/" + trackId + "/stream");
    assertThat(requestLog).contains("/ws/sessions/" + sessionId);

    if (everythingAtDebug()) {
      return;
    }
    // one line per event: every line the flow logged starts with its timestamp (Dropwizard's own
    // list of tasks at start-up spans lines; it is no event of the flow)
    String flow = appLog.substring(startup.length());
    Pattern event = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} .*");
    assertThat(flow.lines().filter(l -> !event.matcher(l).matches()).toList())
        .as("lines that are not an event of their own (e.g. a stack trace)")
        .isEmpty();
    // about a session's members, requests or connections: the line names the session
    List<String> about = new ArrayList<>();
    for (String id : List.of(guestId, request.text("request_id"))) {
      flow.lines().filter(l -> l.contains(id)).forEach(about::add);
    }
    assertThat(about).as("lines about the guest or the request").isNotEmpty();
    assertThat(about.stream().filter(l -> !l.contains(sessionId)).toList())
        .as("lines about the session's guest or request without the session id")
        .isEmpty();
  }

  private String absolute(String streamUrl) {
    return URI.create("http://localhost:" + app().getLocalPort()).resolve(streamUrl).toString();
  }

  private String markAppLog(String marker) {
    LoggerFactory.getLogger("org.samesong.LogLeakIT").warn(marker);
    return marker;
  }

  private String markRequestLog(String marker) {
    app().get(marker, null);
    return marker;
  }

  /**
   * The log's text once everything before a marker has been written (the appenders write from a
   * queue of their own): the marker goes through the same path and is waited for.
   */
  private static String flushed(Path log, java.util.function.UnaryOperator<String> mark)
      throws Exception {
    String marker = mark.apply("log-marker-" + UUID.randomUUID());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (text.contains(marker)) {
          return text;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the marker never reached " + log);
  }
}
