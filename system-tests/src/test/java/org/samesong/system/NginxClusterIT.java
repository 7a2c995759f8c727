package org.samesong.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.samesong.server.Browser;
import org.samesong.testing.Api;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * The shipped nginx configuration (deploy/nginx/samesong.conf) in Debian's nginx, terminating TLS
 * with a certificate from deploy/make-cert.sh in front of two jar processes that share a private
 * PostgreSQL and a private Redis and trust nginx's forwarded headers, as in deploy/compose.yaml.
 *
 * <p>Through nginx over HTTPS and WSS: REST calls and WebSocket connections spread over both
 * instances (no affinity), and a host's command reaches the listeners of both; streams answer
 * ranges; invite links are https; each client address has its own limit and cannot claim another;
 * oversized bodies get the JSON error. The GUI stays on one instance per browser, its push works
 * through nginx, and when that instance stops the browser is served by the other (last, since it
 * stops an instance).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxClusterIT {
  @TempDir static Path root;
  static PrivatePostgres pg;
  static PrivateRedis redis;
  static Instance a;
  static Instance b;
  static Nginx nginx;
  static SelfSignedCertificate certificate;
  static SSLContext tls;
  static Client client;
  static Api viaNginx;

  @BeforeAll
  static void start() {
    // before anything is started: without nginx the class is skipped (or fails in CI)
    org.samesong.testing.Services.assume(
        Nginx.binary().isPresent(), "Debian's nginx (apt-get install -y nginx)");
    pg = PrivatePostgres.create();
    redis = PrivateRedis.start(root);
    // One data folder path for both, as in compose (each instance's volume at /var/lib/samesong):
    // tracks, the demo ones included, are registered by path, and any instance may stream any
    // track, so the path has to be the same on every instance. (Here it is the same folder too:
    // the second instance finds the demo files the first one wrote.)
    Map<String, String> env =
        Map.of(
            "SAMESONG_DB_URL", pg.jdbcUrl(),
            "SAMESONG_DB_USER", pg.user(),
            "SAMESONG_REDIS_URL", redis.url(),
            "SAMESONG_FORWARDED_HEADERS", "true",
            "SAMESONG_DATA_DIR", root.resolve("data").toString());
    a = Instance.create("a", root, env).start();
    b = Instance.create("b", root, env).start();
    certificate = SelfSignedCertificate.make(root.resolve("certs"), "music.samesong.test");
    nginx = Nginx.start(certificate.dir(), List.of(a, b));
    tls = certificate.sslContext();
    client = Api.newClient(tls);
    viaNginx = new Api(client, () -> nginx.uri(""));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {nginx, a, b, redis, pg}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }

  @Test
  @Order(1)
  void the_certificate_names_the_host_and_loopback_and_nginx_accepts_the_shipped_configuration()
      throws Exception {
    X509Certificate cert = certificate.certificate();
    Set<String> names =
        cert.getSubjectAlternativeNames().stream()
            .map(n -> String.valueOf(n.get(1)))
            .collect(Collectors.toSet());
    assertThat(names).contains("music.samesong.test", "localhost", "127.0.0.1");
    assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth

    assertThat(nginx.configTest()).contains("syntax is ok").contains("test is successful");
  }

  @Test
  @Order(2)
  void plain_http_redirects_to_https() throws Exception {
    HttpResponse<Void> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + nginx.httpPort() + "/join/ABCDEF"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());

    assertThat(response.statusCode()).isEqualTo(301);
    assertThat(response.headers().firstValue("Location")).hasValue("https://127.0.0.1/join/ABCDEF");
  }

  @Test
  @Order(3)
  void a_command_sent_through_nginx_reaches_listeners_on_both_instances() {
    String admin = viaNginx.adminToken();
    Reply created = viaNginx.post("sessions", Map.of("name", "behind nginx"), admin);
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    String sessionId = created.text("id");
    String hostToken = created.text("host_token");
    // the instance saw https and the browser's host:port through nginx (forwarded headers)
    assertThat(created.text("join_url"))
        .isEqualTo(nginx.uri("/join/" + created.text("code")).toString());

    List<String[]> guests = new ArrayList<>(); // member id, token
    for (int i = 0; i < 6; i++) {
      Reply joined =
          viaNginx.post(
              "sessions/" + created.text("code") + "/join",
              Map.of("display_name", "Guest " + i),
              null);
      assertThat(joined.status()).as("%s", joined).isEqualTo(200);
      guests.add(new String[] {joined.text("member_id"), joined.text("token")});
    }

    // four listeners through nginx, one after the other (round robin spreads them), and one
    // connected directly to each instance so that both have listeners whatever nginx chose
    Map<String, WsClient> listeners = new LinkedHashMap<>();
    List<String> throughNginx = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        listeners.put(guests.get(i)[0], wss(sessionId, guests.get(i)[1]).client());
        throughNginx.add(guests.get(i)[0]);
      }
      listeners.put(
          guests.get(4)[0], WsClient.connectOk(a.httpPort(), sessionId, guests.get(4)[1]).client());
      listeners.put(
          guests.get(5)[0], WsClient.connectOk(b.httpPort(), sessionId, guests.get(5)[1]).client());
      WsClient host = wss(sessionId, hostToken).client();
      listeners.put("host", host);

      // where nginx sent each WebSocket: the instance that logged the member's connection
      Map<String, String> landedOn = new LinkedHashMap<>();
      await(
          () -> {
            for (String member : throughNginx) {
              boolean onA = a.log().contains(member + " connected");
              boolean onB = b.log().contains(member + " connected");
              if (onA == onB) {
                return false;
              }
              landedOn.put(member, onA ? "a" : "b");
            }
            return true;
          },
          "each WebSocket through nginx logged as connected by exactly one instance");
      assertThat(new HashSet<>(landedOn.values()))
          .as("instances the WebSockets through nginx landed on: %s", landedOn)
          .containsExactlyInAnyOrder("a", "b");

      // a track, then the host's play command over the host's WebSocket through nginx
      JsonNode track =
          viaNginx.get("catalog/tracks?limit=1", hostToken).json().path("items").get(0);
      Reply added =
          viaNginx.post(
              "sessions/" + sessionId + "/playlist",
              Map.of("track_id", track.path("id").asText()),
              hostToken);
      assertThat(added.status()).as("%s", added).isEqualTo(201);
      host.send(Map.of("type", "playback_command", "action", "play"));

      // one broadcast with one seq reaches every listener. (An instance's own heartbeat, sent to
      // its own listeners only, may come first with the new state: it is not the command's.)
      Set<Long> common = null;
      for (Map.Entry<String, WsClient> e : listeners.entrySet()) {
        e.getValue()
            .awaitType(
                "playback_state",
                m -> "playing".equals(m.path("state").asText()),
                "playing, for " + e.getKey());
        e.getValue().roundTrip();
        Set<Long> playing = new HashSet<>();
        for (JsonNode m : e.getValue().received("playback_state")) {
          if ("playing".equals(m.path("state").asText())) {
            playing.add(m.path("seq").asLong());
          }
        }
        if (common == null) {
          common = playing;
        } else {
          common.retainAll(playing);
        }
      }
      assertThat(common).as("one broadcast, one seq for every listener").hasSize(1);
    } finally {
      listeners.values().forEach(WsClient::close);
    }

    // REST calls through nginx spread too: nginx's log names the instance of each
    for (int i = 0; i < 6; i++) {
      assertThat(viaNginx.get("sessions/" + sessionId, hostToken).status()).isEqualTo(200);
    }
    Set<String> upstreams =
        nginx.accessLog().stream()
            .filter(l -> l.path().equals("/api/sessions/" + sessionId))
            .map(Nginx.Logged::upstream)
            .collect(Collectors.toSet());
    assertThat(upstreams).containsExactlyInAnyOrder(Nginx.upstreamOf(a), Nginx.upstreamOf(b));
    // the WebSocket upgrades went through too (logged when they closed), without their tokens
    await(
        () ->
            nginx.accessLog().stream()
                    .filter(l -> l.path().equals("/ws/sessions/" + sessionId) && l.status() == 101)
                    .count()
                >= 5,
        "five WebSocket upgrades in nginx's log");
    assertThat(nginx.accessLog()).allSatisfy(l -> assertThat(l.line()).doesNotContain("token="));
  }

  @Test
  @Order(4)
  void a_stream_through_nginx_answers_a_range_with_206() throws Exception {
    String admin = viaNginx.adminToken();
    JsonNode track = viaNginx.get("catalog/tracks?limit=1", admin).json().path("items").get(0);
    String streamUrl = track.path("stream_url").asText();
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();

    HttpResponse<byte[]> part =
        https.send(
            HttpRequest.newBuilder(nginx.uri("").resolve(streamUrl))
                .header("Range", "bytes=100-1123")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> whole =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(a.uri("").resolve(streamUrl)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertThat(whole.statusCode()).as("direct: %s", new String(whole.body())).isEqualTo(200);
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range"))
        .hasValue("bytes 100-1123/" + whole.body().length);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 100, 1124));
  }

  @Test
  @Order(5)
  void a_body_over_the_limit_gets_the_json_error_from_nginx() {
    String big = "x".repeat(2 * 1024 * 1024);
    Reply refused =
        Reply.of(
            viaNginx
                .request("auth/login", null)
                .post(Entity.json(Map.of("username", big, "password", "p"))));

    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.errorCode()).isEqualTo("payload_too_large");
  }

  @Test
  @Order(6)
  void each_client_address_has_its_own_join_limit_and_cannot_claim_another() throws Exception {
    String admin = viaNginx.adminToken();
    setJoinsPerMinute(admin, 2);
    try {
      String code = viaNginx.post("sessions", Map.of("name", "limits"), admin).text("code");

      // a client on 127.0.0.2 that claims other addresses in every header a proxy could set
      assertThat(joinFrom("127.0.0.2", code, "203.0.113.1")).isEqualTo(200);
      assertThat(joinFrom("127.0.0.2", code, "203.0.113.2")).isEqualTo(200);
      assertThat(joinFrom("127.0.0.2", code, "203.0.113.3"))
          .as("third join of 127.0.0.2")
          .isEqualTo(429);
      // another client is not held back by the first one's limit
      assertThat(joinFrom("127.0.0.3", code, "203.0.113.1")).as("another client").isEqualTo(200);
    } finally {
      setJoinsPerMinute(admin, 20);
    }
  }

  /** Sets the join limit and waits until both instances apply it (settings travel over Redis). */
  private static void setJoinsPerMinute(String admin, int perMinute) {
    Reply changed =
        viaNginx.patch("admin/settings", Map.of("joins_per_ip_per_minute", perMinute), admin);
    assertThat(changed.status()).as("%s", changed).isEqualTo(200);
    for (Instance instance : List.of(a, b)) {
      Api direct = new Api(Api.newClient(null), instance::httpPort);
      await(
          () ->
              direct.get("admin/settings", admin).json().path("joins_per_ip_per_minute").asInt()
                  == perMinute,
          instance + " applies joins_per_ip_per_minute " + perMinute);
    }
  }

  /**
   * A join over a TLS connection from {@code localAddress} (any 127.x address is this machine),
   * with forged forwarding headers; the HTTP status.
   */
  private static int joinFrom(String localAddress, String code, String forged) throws IOException {
    String body = "{\"display_name\":\"" + TestServer.uniqueName("from") + "\"}";
    String request =
        "POST /api/sessions/"
            + URLEncoder.encode(code, StandardCharsets.UTF_8)
            + "/join HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + nginx.httpsPort()
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n"
            + "X-Forwarded-For: "
            + forged
            + "\r\n"
            + "Forwarded: for="
            + forged
            + "\r\n"
            + "X-Real-IP: "
            + forged
            + "\r\n"
            + "Connection: close\r\n\r\n"
            + body;
    try (SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    InetAddress.getByName("127.0.0.1"),
                    nginx.httpsPort(),
                    InetAddress.getByName(localAddress),
                    0)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String status = response.lines().findFirst().orElse("");
      assertThat(status).startsWith("HTTP/1.1 ");
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  @Test
  @Order(100) // last: it stops the instance that served the browser
  void the_gui_stays_on_one_instance_with_push_through_nginx_and_moves_when_it_stops() {
    ChromeDriver browser =
        Browser.start(
            1280, 900, "--ignore-certificate-errors-spki-list=" + certificate.spkiSha256());
    WsClient elsewhere = null;
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
      browser.get(nginx.uri("/").toString());
      WebElement form =
          wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("vaadin-login-form")));
      form.findElement(By.cssSelector("input[name='username']")).sendKeys(TestServer.ADMIN);
      form.findElement(By.cssSelector("input[name='password']"))
          .sendKeys(TestServer.ADMIN_PASSWORD);
      form.findElement(By.cssSelector("vaadin-button[slot='submit']")).click();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("host-user"), "Signed in as " + TestServer.ADMIN));
      // the admin's earlier sessions are still running: the console shows the latest, or else
      // offers to start one
      wait.until(
          ExpectedConditions.or(
              ExpectedConditions.presenceOfElementLocated(By.id("start-session")),
              ExpectedConditions.presenceOfElementLocated(By.id("invite-link"))));
      if (!browser.findElements(By.id("start-session")).isEmpty()) {
        browser.findElement(By.id("start-session")).click();
      }
      WebElement link =
          wait.until(ExpectedConditions.presenceOfElementLocated(By.id("invite-link")));
      String code = browser.findElement(By.id("invite-code")).getText();
      assertThat(link.getText()).isEqualTo(nginx.uri("/join/" + code).toString());

      // which instance serves this browser's GUI: the one nginx sent its requests to
      Set<String> guiUpstreams = guiUpstreams();
      assertThat(guiUpstreams).as("GUI requests of one browser").hasSize(1);
      Instance gui = guiUpstreams.contains(Nginx.upstreamOf(a)) ? a : b;
      Instance other = gui == a ? b : a;

      // a guest who listens on the other instance appears on the host's page: pushed through nginx
      Reply joined =
          viaNginx.post("sessions/" + code + "/join", Map.of("display_name", "Pushy"), null);
      assertThat(joined.status()).as("%s", joined).isEqualTo(200);
      String sessionId = joined.text("session_id");
      elsewhere = WsClient.connectOk(other.httpPort(), sessionId, joined.text("token")).client();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("listeners"), "Pushy"));

      // the guest asks for a track (REST through nginx, any instance); the request reaches the
      // host's page by push, the host approves it there, and the playlist shows it
      JsonNode track =
          viaNginx.get("catalog/tracks?limit=1", joined.text("token")).json().path("items").get(0);
      Reply asked =
          viaNginx.post(
              "sessions/" + sessionId + "/requests",
              Map.of("action", "add", "track_id", track.path("id").asText()),
              joined.text("token"));
      assertThat(asked.status()).as("%s", asked).isEqualTo(201);
      String title = track.path("title").asText();
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("pending-requests"), title));
      browser.findElement(By.cssSelector("vaadin-button[id^='approve-']")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("playlist"), title));

      // the host's page plays through nginx: its player's WebSocket (wss) and stream (ranges)
      browser.findElement(By.id("play-pause")).click();
      elsewhere.awaitType(
          "playback_state", m -> "playing".equals(m.path("state").asText()), "playing");
      wait.until(
          d ->
              ((Number)
                          browser.executeScript(
                              "const a = document.getElementById('player')"
                                  + ".shadowRoot.getElementById('audio');"
                                  + "return a && !a.paused ? a.currentTime : 0;"))
                      .doubleValue()
                  > 1.0);
      assertThat(guiUpstreams()).as("still one instance").containsExactly(Nginx.upstreamOf(gui));

      // its instance stops: nginx sends the browser to the other one, which serves a new page,
      // and the browser's sign-in cookie takes it straight back to the console of the session
      gui.stop();
      browser.get(nginx.uri("/").toString());
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(
              By.id("host-user"), "Signed in as " + TestServer.ADMIN));
      // the console follows the header in a later round trip: wait for it, not for the header only
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("invite-code"), code));
      List<Nginx.Logged> pages = guiRequests();
      assertThat(pages.get(pages.size() - 1).upstream()).contains(Nginx.upstreamOf(other));
      // the instance that went away left error lines (refused connections, a broken WebSocket),
      // none of them quoting a WebSocket token or a stream signature
      assertThat(nginx.errors()).doesNotContain("token=").doesNotContain("sig=");
    } finally {
      browser.quit();
      if (elsewhere != null) {
        elsewhere.close();
      }
    }
    // Vaadin's push connection was a WebSocket through nginx (logged once it closed), in the
    // location with the long timeouts
    await(
        () ->
            guiRequests().stream()
                .anyMatch(l -> l.status() == 101 && l.path().equals("/VAADIN/push")),
        "a WebSocket upgrade of the GUI (Vaadin's push) in nginx's log:\n"
            + guiRequests().stream().map(Nginx.Logged::line).collect(Collectors.joining("\n")));
  }

  /** The requests of the browser (headless Chromium) that went to the GUI's location. */
  private static List<Nginx.Logged> guiRequests() {
    return nginx.accessLog().stream()
        .filter(l -> l.userAgent().contains("HeadlessChrome"))
        .filter(l -> !l.path().startsWith("/api/") && !l.path().startsWith("/ws/"))
        // a browser fetches the web app manifest (and the icons it names) without cookies, as the
        // manifest spec says, so nginx's GUI cookie cannot route them; they are static files that
        // every instance serves the same
        .filter(l -> !l.path().equals("/manifest.webmanifest") && !l.path().startsWith("/icons/"))
        .toList();
  }

  private static Set<String> guiUpstreams() {
    return guiRequests().stream()
        .filter(l -> l.status() != 101) // an open push connection is not logged yet anyway
        .map(Nginx.Logged::upstream)
        .collect(Collectors.toSet());
  }

  private static WsClient.Connected wss(String sessionId, String token) {
    return WsClient.connectOk(
        URI.create(
            "wss://127.0.0.1:"
                + nginx.httpsPort()
                + "/ws/sessions/"
                + sessionId
                + "?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8)),
        tls);
  }

  private static void await(BooleanSupplier condition, String what) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Instance.sleep(100);
    }
  }
}
