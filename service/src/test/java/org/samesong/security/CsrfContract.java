package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.testing.ApiAssertions.assertError;

import com.auth0.jwt.JWT;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.samesong.auth.TokenAuthFilter;
import org.samesong.auth.TokenService;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.security.Exemplars.Call;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestApp;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * CSRF on every state-changing endpoint that takes a token (enumerated from the resource model):
 * with the token in the {@code samesong_access} cookie, as a browser sends it, the request needs an
 * {@code X-CSRF-Token} header equal to the {@code csrf} cookie and to the login's own CSRF token
 * (an HMAC of the token's family). Without it, with another value, with a cookie and header planted
 * together, with another login's token, or without the cookie to compare with, it is 403 {@code
 * csrf} and nothing changes; with the matching header it is served; with the token as a bearer
 * header no CSRF token is needed (a cross-site page cannot set that header). Reads with the cookie
 * need none. The WebSocket takes its token from the URL only, so a cross-site page cannot open one
 * with the cookie. Run on H2 by {@link CsrfIT} and on PostgreSQL by {@link CsrfPostgresIT}.
 *
 * <p>The basic cases on one admin endpoint are in {@code AuthResourceContract}; this covers them
 * everywhere, with the token of each role.
 */
abstract class CsrfContract {
  abstract TestServer app();

  private static final Map<TestServer, Exemplars> EXEMPLARS = new java.util.HashMap<>();

  private Exemplars exemplars;

  @BeforeEach
  void world() {
    app().clock().advance(Duration.ofMinutes(1));
    exemplars = EXEMPLARS.computeIfAbsent(app(), Exemplars::new);
  }

  @AfterAll
  static void closeExemplars() {
    EXEMPLARS.values().forEach(Exemplars::close);
    EXEMPLARS.clear();
  }

  /** The call with its token as the access cookie and a csrf cookie, and no Authorization. */
  private Invocation.Builder withCookies(Call call, String csrfCookie, String csrfHeader) {
    Invocation.Builder request =
        app().request(call.path(), null).cookie(TokenAuthFilter.ACCESS_COOKIE, call.token());
    if (csrfCookie != null) {
      request.cookie(TokenAuthFilter.CSRF_COOKIE, csrfCookie);
    }
    if (csrfHeader != null) {
      request.header(TokenAuthFilter.CSRF_HEADER, csrfHeader);
    }
    return request;
  }

  /** The login's own CSRF token, as login and refresh answer it: bound to the token's family. */
  private String boundCsrf(String token) {
    String family = JWT.decode(token).getClaim("fam").asString();
    return new TokenService(TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC())
        .csrfToken(family);
  }

  private List<Endpoint> endpoints(boolean changingState) {
    return Endpoints.of(app()).stream()
        .filter(e -> e.authenticated() && e.changesState() == changingState)
        .toList();
  }

  @Test
  void every_state_changing_endpoint_refuses_a_cookie_token_without_the_matching_csrf_header() {
    List<String> covered = new ArrayList<>();
    String anotherLogins =
        app().loginOk(TestServer.ADMIN, TestServer.ADMIN_PASSWORD).text("csrf_token");
    for (Endpoint e : endpoints(true)) {
      Call call = exemplars.valid(e);
      String before = call.state().get();
      String csrf = UUID.randomUUID().toString();

      assertError(Sender.send(withCookies(call, csrf, null), call), 403, "csrf");
      assertError(Sender.send(withCookies(call, csrf, csrf + "x"), call), 403, "csrf");
      assertError(Sender.send(withCookies(call, csrf, csrf.toUpperCase()), call), 403, "csrf");
      assertError(Sender.send(withCookies(call, null, csrf), call), 403, "csrf");
      assertError(Sender.send(withCookies(call, "", ""), call), 403, "csrf");
      assertError(
          Sender.send(withCookies(call, csrf, null).header("Origin", "https://evil.example"), call),
          403,
          "csrf");
      // a cookie and header planted together (e.g. from a sibling subdomain) are not the login's
      assertError(Sender.send(withCookies(call, csrf, csrf), call), 403, "csrf");
      String bound = boundCsrf(call.token());
      assertError(Sender.send(withCookies(call, bound, null), call), 403, "csrf");
      assertError(Sender.send(withCookies(call, csrf, bound), call), 403, "csrf");
      assertError(Sender.send(withCookies(call, anotherLogins, anotherLogins), call), 403, "csrf");

      assertThat(call.state().get()).as("%s after the refused attempts", e).isEqualTo(before);
      covered.add(e.key());
    }
    assertThat(covered)
        .as("state-changing endpoints that take a token")
        .contains("PATCH /admin/settings", "POST /sessions/{id}/playback", "DELETE /requests/{id}")
        .hasSizeGreaterThan(12);
  }

  @Test
  void every_state_changing_endpoint_serves_a_cookie_token_with_the_matching_csrf_header() {
    for (Endpoint e : endpoints(true)) {
      Call call = exemplars.valid(e);
      String csrf = boundCsrf(call.token());

      Reply reply = Sender.send(withCookies(call, csrf, csrf), call);

      assertThat(reply.status())
          .as("%s with the matching header: %s", call, reply)
          .isEqualTo(call.expected());
    }
  }

  @Test
  void every_state_changing_endpoint_serves_a_bearer_token_without_any_csrf_token() {
    for (Endpoint e : endpoints(true)) {
      Call call = exemplars.valid(e);

      Reply reply =
          Sender.send(
              app()
                  .request(call.path(), null)
                  .header(HttpHeaders.AUTHORIZATION, "Bearer " + call.token())
                  // a stale cookie alongside changes nothing: the header is what authenticates
                  .cookie(TokenAuthFilter.CSRF_COOKIE, "stale"),
              call);

      assertThat(reply.status()).as("%s as bearer: %s", call, reply).isEqualTo(call.expected());
    }
  }

  @Test
  void reads_with_a_cookie_token_need_no_csrf_header() {
    for (Endpoint e : endpoints(false)) {
      Call call = exemplars.valid(e);

      Reply reply = Sender.send(withCookies(call, null, null), call);

      assertThat(reply.status())
          .as("%s with the cookie: %s", call, reply)
          .isEqualTo(call.expected());
    }
  }

  @Test
  void the_websocket_ignores_the_access_cookie_so_no_cross_site_page_can_ride_it() {
    Host host = exemplars.fixtures().newSession();
    URI uri =
        URI.create("ws://localhost:" + app().getLocalPort() + "/ws/sessions/" + host.sessionId());

    try (WsClient withCookie =
        WsClient.connect(
            uri,
            Map.of(
                "Cookie",
                TokenAuthFilter.ACCESS_COOKIE + "=" + host.token(),
                "Origin",
                "https://evil.example"))) {
      withCookie.assertClosedWith(4401);
    }
    // the same token in the URL, as the player sends it, is what opens the connection
    URI withToken =
        URI.create(uri + "?token=" + URLEncoder.encode(host.token(), StandardCharsets.UTF_8));
    try (WsClient ok = WsClient.connect(withToken, Map.of())) {
      assertThat(ok.awaitType("hello").path("role").asText()).isEqualTo("host");
    }
  }
}
