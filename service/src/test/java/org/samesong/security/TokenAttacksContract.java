package org.samesong.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.samesong.security.ForgedTokens.SECRET;
import static org.samesong.security.ForgedTokens.WRONG_SECRET;
import static org.samesong.security.ForgedTokens.algHeader;
import static org.samesong.security.ForgedTokens.assemble;
import static org.samesong.security.ForgedTokens.hmac;
import static org.samesong.security.ForgedTokens.payload;
import static org.samesong.security.ForgedTokens.resigned;
import static org.samesong.security.ForgedTokens.signature;
import static org.samesong.security.ForgedTokens.tampered;
import static org.samesong.testing.ApiAssertions.assertError;

import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samesong.auth.TokenAuthFilter;
import org.samesong.security.Endpoints.Endpoint;
import org.samesong.security.Exemplars.Call;
import org.samesong.session.SessionFixtures;
import org.samesong.session.SessionFixtures.Guest;
import org.samesong.session.SessionFixtures.Host;
import org.samesong.testing.Reply;
import org.samesong.testing.TestServer;
import org.samesong.testing.WsClient;

/**
 * Attacks on the tokens, over REST and the WebSocket: unsigned ({@code alg: none}) and re-signed
 * tokens, another secret, other algorithms in the header, tampered claims under the original
 * signature, expiry, a refresh token where an access token belongs and the reverse, revoked
 * families, and a valid token of one session on another session's endpoints. Each refusal has its
 * status or close code and the uniform error body, and changes nothing. Run on H2 by {@link
 * TokenAttacksIT} and on PostgreSQL by {@link TokenAttacksPostgresIT}.
 *
 * <p>Covered elsewhere and not repeated here: a garbage, expired or refresh token and another
 * session's token on the WebSocket ({@code SyncEndpointContract}), an admin's refresh token as
 * bearer and rotation and reuse of an account's family ({@code AuthResourceContract}).
 */
abstract class TokenAttacksContract {
  abstract TestServer app();

  private SessionFixtures fx;
  private Host a;
  private Guest guestA;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeEach
  void world() {
    app().clock().advance(Duration.ofMinutes(1));
    fx = SessionFixtures.of(app());
    a = fx.newSession();
    fx.addItem(a, fx.track(0));
    guestA = fx.guest(a);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  private WsClient connect(String sessionId, String token) {
    WsClient client = WsClient.connect(app().getLocalPort(), sessionId, token);
    clients.add(client);
    return client;
  }

  private String state(Host h) {
    return new StateReader(app()).session(h);
  }

  /** What an attacker makes of a real token (the host's of session A). */
  record Material(String token, String otherToken, long nowSeconds) {}

  /** Tokens that must be refused as if there were none: 401 on REST, 4401 on the WebSocket. */
  enum Forgery {
    ALG_NONE(m -> assemble(algHeader("none"), payload(m.token()), "")),
    ALG_NONE_CAPITALISED(m -> assemble(algHeader("None"), payload(m.token()), "")),
    ALG_NONE_UPPER_CASE(m -> assemble(algHeader("NONE"), payload(m.token()), "")),
    ALG_NONE_KEEPING_THE_SIGNATURE(
        m -> assemble(algHeader("none"), payload(m.token()), signature(m.token()))),
    ALG_NONE_WITHOUT_THE_LAST_DOT(
        m ->
            ForgedTokens.encode(algHeader("none")) + "." + ForgedTokens.encode(payload(m.token()))),
    ALG_EMPTY(m -> assemble(algHeader(""), payload(m.token()), "")),
    WRONG_SECRET_HS256(
        m -> hmac(algHeader("HS256"), payload(m.token()), "HmacSHA256", WRONG_SECRET)),
    REAL_SECRET_HS384(m -> hmac(algHeader("HS384"), payload(m.token()), "HmacSHA384", SECRET)),
    REAL_SECRET_HS512(m -> hmac(algHeader("HS512"), payload(m.token()), "HmacSHA512", SECRET)),
    RS256_HEADER_OVER_AN_HS256_SIGNATURE(
        m -> hmac(algHeader("RS256"), payload(m.token()), "HmacSHA256", SECRET)),
    ES256_HEADER_OVER_AN_HS256_SIGNATURE(
        m -> hmac(algHeader("ES256"), payload(m.token()), "HmacSHA256", SECRET)),
    HS256_HEADER_OVER_AN_HS512_SIGNATURE(
        m -> hmac(algHeader("HS256"), payload(m.token()), "HmacSHA512", SECRET)),
    SIGNATURE_OF_ANOTHER_TOKEN(
        m ->
            assemble(
                ForgedTokens.header(m.token()), payload(m.token()), signature(m.otherToken()))),
    TRUNCATED_SIGNATURE(m -> m.token().substring(0, m.token().length() - 4)),
    EMPTY_SIGNATURE(m -> assemble(ForgedTokens.header(m.token()), payload(m.token()), "")),
    EXTRA_PART(m -> m.token() + ".e30"),
    TAMPERED_ROLE_ADMIN(m -> tampered(m.token(), p -> p.put("role", "admin"))),
    TAMPERED_EXPIRY_A_YEAR_LATER(
        m -> tampered(m.token(), p -> p.put("exp", m.nowSeconds() + 365L * 86_400))),
    TAMPERED_SUBJECT(m -> tampered(m.token(), p -> p.put("sub", UUID.randomUUID().toString()))),
    TAMPERED_FAMILY(m -> tampered(m.token(), p -> p.put("fam", UUID.randomUUID().toString()))),
    TAMPERED_TYPE_REFRESH(m -> tampered(m.token(), p -> p.put("typ", "refresh"))),
    EXPIRED_A_SECOND_AGO(m -> resigned(m.token(), p -> p.put("exp", m.nowSeconds() - 1))),
    EXPIRED_NOW(m -> resigned(m.token(), p -> p.put("exp", m.nowSeconds()))),
    NOT_VALID_BEFORE_AN_HOUR_FROM_NOW(
        m -> resigned(m.token(), p -> p.put("nbf", m.nowSeconds() + 3_600))),
    ISSUED_BY_SOMEONE_ELSE(m -> resigned(m.token(), p -> p.put("iss", "someone-else"))),
    WITHOUT_ISSUER(m -> resigned(m.token(), p -> p.remove("iss"))),
    WITHOUT_TYPE(m -> resigned(m.token(), p -> p.remove("typ"))),
    WITHOUT_FAMILY(m -> resigned(m.token(), p -> p.remove("fam"))),
    WITHOUT_SUBJECT(m -> resigned(m.token(), p -> p.remove("sub"))),
    WITHOUT_TOKEN_ID(m -> resigned(m.token(), p -> p.remove("jti"))),
    OF_A_FAMILY_THAT_NEVER_EXISTED(
        m -> resigned(m.token(), p -> p.put("fam", UUID.randomUUID().toString()))),
    TYPE_AS_A_NUMBER(m -> resigned(m.token(), p -> p.put("typ", 1))),
    CLAIMS_AS_AN_ARRAY(
        m ->
            ForgedTokens.encode(algHeader("HS256"))
                + "."
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("[1]".getBytes())
                + "."
                + signature(m.token()));

    private final Function<Material, String> make;

    Forgery(Function<Material, String> make) {
      this.make = make;
    }

    String from(Material material) {
      return make.apply(material);
    }
  }

  private Material material() {
    return new Material(a.token(), guestA.token(), app().clock().millis() / 1000);
  }

  /**
   * Refused on REST (401 in the uniform body, with the challenge; as header and as cookie) and on
   * the WebSocket (4401), and the session is as it was.
   */
  private void assertRefusedAsNoToken(String token) {
    String before = state(a);
    String playback = "sessions/" + a.sessionId() + "/playback";

    Reply play = app().post(playback, Map.of("action", "play"), token);
    assertError(play, 401, "unauthorized");
    assertThat(play.header(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
    assertError(app().get("sessions/" + a.sessionId(), token), 401, "unauthorized");
    assertError(
        Reply.of(
            app()
                .request("sessions/" + a.sessionId(), null)
                .cookie(TokenAuthFilter.ACCESS_COOKIE, token)
                .get()),
        401,
        "unauthorized");
    connect(a.sessionId(), token).assertClosedWith(4401);

    assertThat(state(a)).as("session A after the attempts").isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Forgery.class)
  void a_forged_host_token_is_refused_on_rest_and_websocket_and_changes_nothing(Forgery forgery) {
    assertRefusedAsNoToken(forgery.from(material()));
  }

  @Test
  void the_forging_is_faithful_an_unchanged_claim_set_signed_with_the_real_secret_is_accepted() {
    // the control for every forgery: rebuilt by hand with nothing changed, the token is the
    // server's own byte for byte, so each forgery differs from a real token only in what it changes
    String resigned = resigned(a.token(), p -> {});
    assertThat(resigned).isEqualTo(a.token());

    assertThat(app().get("sessions/" + a.sessionId(), resigned).status()).isEqualTo(200);
    assertThat(connect(a.sessionId(), resigned).awaitType("hello").path("role").asText())
        .isEqualTo("host");
    // and a claim changed under the real secret is what the server checks: a later expiry passes
    long now = app().clock().millis() / 1000;
    String later = resigned(a.token(), p -> p.put("exp", now + 60));
    assertThat(app().get("sessions/" + a.sessionId(), later).status()).isEqualTo(200);
  }

  @Test
  void a_forged_guest_token_made_host_is_refused_and_changes_nothing() {
    assertRefusedAsNoToken(tampered(guestA.token(), p -> p.put("role", "host")));
    assertRefusedAsNoToken(
        assemble(algHeader("none"), tamperedPayload(guestA.token(), "role", "host"), ""));
  }

  @Test
  void a_token_tampered_to_another_session_is_refused_and_changes_nothing() {
    Host b = fx.newSession();
    fx.addItem(b, fx.track(1));
    String before = state(b);
    String forged = tampered(a.token(), p -> p.put("sid", b.sessionId()));

    assertError(
        app().post("sessions/" + b.sessionId() + "/playback", Map.of("action", "play"), forged),
        401,
        "unauthorized");
    connect(b.sessionId(), forged).assertClosedWith(4401);

    assertThat(state(b)).isEqualTo(before);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode tamperedPayload(
      String token, String claim, String value) {
    var p = payload(token);
    p.put(claim, value);
    return p;
  }

  @Test
  void refresh_tokens_of_a_host_and_a_guest_are_not_bearer_access_tokens() {
    assertRefusedAsNoToken(a.created().text("refresh_token"));
    assertRefusedAsNoToken(guestA.joined().text("refresh_token"));
  }

  @Test
  void access_tokens_of_a_host_and_a_guest_are_refused_by_refresh_and_their_family_lives_on() {
    for (String access : List.of(a.token(), guestA.token())) {
      assertError(
          app().post("auth/refresh", Map.of("refresh_token", access), null), 401, "unauthorized");
      assertThat(app().get("sessions/" + a.sessionId(), access).status())
          .as("the access token still works")
          .isEqualTo(200);
    }
    assertThat(
            app()
                .post(
                    "auth/refresh",
                    Map.of("refresh_token", guestA.joined().text("refresh_token")),
                    null)
                .status())
        .as("the guest's real refresh token still rotates")
        .isEqualTo(200);
    assertThat(
            app()
                .post(
                    "auth/refresh",
                    Map.of("refresh_token", a.created().text("refresh_token")),
                    null)
                .status())
        .as("the host's real refresh token still rotates")
        .isEqualTo(200);
  }

  @Test
  void forged_refresh_tokens_are_refused_and_revoke_nothing() {
    String refresh = guestA.joined().text("refresh_token");
    long now = app().clock().millis() / 1000;
    List<String> forged =
        List.of(
            assemble(algHeader("none"), payload(refresh), ""),
            hmac(algHeader("HS256"), payload(refresh), "HmacSHA256", WRONG_SECRET),
            hmac(algHeader("HS512"), payload(refresh), "HmacSHA512", SECRET),
            tampered(refresh, p -> p.put("exp", now + 365L * 86_400)),
            tampered(refresh, p -> p.put("jti", UUID.randomUUID().toString())),
            resigned(refresh, p -> p.put("exp", now - 1)));
    for (String token : forged) {
      assertError(
          app().post("auth/refresh", Map.of("refresh_token", token), null), 401, "unauthorized");
    }

    assertThat(app().get("sessions/" + a.sessionId(), guestA.token()).status())
        .as("the family was not revoked by the forgeries")
        .isEqualTo(200);
    assertThat(app().post("auth/refresh", Map.of("refresh_token", refresh), null).status())
        .isEqualTo(200);
  }

  // --- another session -----------------------------------------------------------------------

  @Test
  void
      a_valid_token_of_session_a_is_403_on_every_endpoint_of_another_session_and_changes_nothing() {
    Host hostA = a;
    List<String> checked = new ArrayList<>();
    try (Exemplars exemplars = new Exemplars(app())) {
      for (Endpoint e : Endpoints.of(app())) {
        boolean scoped =
            e.template().startsWith("/sessions/{id}") || e.template().startsWith("/requests/");
        if (!scoped || !e.authenticated()) {
          continue;
        }
        for (String role : List.of("host", "guest")) {
          if (!e.roles().contains(role) && !e.roles().contains("member")) {
            continue;
          }
          Call theirs = exemplars.valid(e);
          String before = theirs.state().get();
          Call attack = theirs.withToken(role.equals("host") ? hostA.token() : guestA.token());

          Reply reply = Sender.send(app(), attack);

          assertError(reply, 403, "forbidden");
          assertThat(theirs.state().get()).as("%s as A's %s", attack, role).isEqualTo(before);
          checked.add(role + " " + e);
        }
      }
    }
    assertThat(checked).as("session endpoints tried").hasSizeGreaterThan(10);
  }

  // --- revoked families ------------------------------------------------------------------------

  @Test
  void a_revoked_guest_family_is_refused_on_rest_and_websocket_and_its_open_connection_closes() {
    Guest guest = fx.guest(a);
    Reply rotated =
        app()
            .post(
                "auth/refresh",
                Map.of("refresh_token", guest.joined().text("refresh_token")),
                null);
    assertThat(rotated.status()).isEqualTo(200);
    WsClient open = connect(a.sessionId(), rotated.text("access_token"));
    open.awaitType("hello");

    // reuse of the spent refresh token: the family is taken for stolen and revoked
    assertError(
        app()
            .post(
                "auth/refresh",
                Map.of("refresh_token", guest.joined().text("refresh_token")),
                null),
        401,
        "unauthorized");

    for (String token : List.of(guest.token(), rotated.text("access_token"))) {
      assertRefusedAsNoToken(token);
    }
    assertThat(open.awaitClose().code())
        .as("the connection of a revoked login closes")
        .isEqualTo(4401);
  }

  @Test
  void a_host_whose_account_is_disabled_is_refused_and_its_open_connection_closes() {
    String name = TestServer.uniqueName("dis");
    String id = app().createUser(fx.adminToken(), name, name + "-password-Tq8vZw", null).text("id");
    String user = app().loginOk(name, name + "-password-Tq8vZw").text("access_token");
    Reply created = app().post("sessions", Map.of("name", "doomed"), user);
    assertThat(created.status()).isEqualTo(201);
    String sessionId = created.text("id");
    String hostToken = created.text("host_token");
    WsClient open = connect(sessionId, hostToken);
    open.awaitType("hello");

    assertThat(app().patch("admin/users/" + id, Map.of("disabled", true), fx.adminToken()).status())
        .isEqualTo(200);

    assertError(
        app().post("sessions/" + sessionId + "/playback", Map.of("action", "pause"), hostToken),
        401,
        "unauthorized");
    connect(sessionId, hostToken).assertClosedWith(4401);
    assertThat(open.awaitClose().code())
        .as("the host connection of a disabled account closes")
        .isEqualTo(4401);
  }

  @Test
  void a_host_who_logged_out_its_session_family_is_refused() {
    String refresh = a.created().text("refresh_token");

    Reply out = app().post("auth/logout", Map.of("refresh_token", refresh), a.token());

    assertThat(out.status()).isEqualTo(204);
    assertRefusedAsNoToken(a.token());
    assertError(
        app().post("auth/refresh", Map.of("refresh_token", refresh), null), 401, "unauthorized");
  }
}
