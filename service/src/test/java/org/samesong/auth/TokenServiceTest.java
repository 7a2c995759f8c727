package org.samesong.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.samesong.common.SamesongPrincipal;
import org.samesong.testing.MutableClock;
import org.samesong.testing.TestApp;

/** The JWTs themselves: claims, signature, type and expiry. */
class TokenServiceTest {
  private static final byte[] SECRET = TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
  private static final Duration TTL = Duration.ofMinutes(15);

  private final MutableClock clock = new MutableClock();
  private final TokenService tokens = new TokenService(SECRET, clock);

  private static final SamesongPrincipal USER =
      new SamesongPrincipal("user-1", "user", null, null, "family-1");
  private static final SamesongPrincipal GUEST =
      new SamesongPrincipal("member-7", "guest", "session-3", "member-7", "family-2");

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void access_token_carries_sub_role_sid_mid_exp_and_jti() {
    TokenService.Issued issued = tokens.issue(TokenService.ACCESS, GUEST, TTL);

    DecodedJWT jwt = JWT.decode(issued.token());
    assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
    assertThat(jwt.getSubject()).isEqualTo("member-7");
    assertThat(jwt.getClaim("role").asString()).isEqualTo("guest");
    assertThat(jwt.getClaim("sid").asString()).isEqualTo("session-3");
    assertThat(jwt.getClaim("mid").asString()).isEqualTo("member-7");
    assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(clock.instant().plus(TTL));
    assertThat(jwt.getId()).isEqualTo(issued.tokenId()).isNotBlank();
    assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(TTL));
  }

  @Test
  void account_tokens_have_no_session_claims() {
    DecodedJWT jwt = JWT.decode(tokens.issue(TokenService.ACCESS, USER, TTL).token());

    assertThat(jwt.getClaim("sid").isMissing()).isTrue();
    assertThat(jwt.getClaim("mid").isMissing()).isTrue();
    assertThat(jwt.getSubject()).isEqualTo("user-1");
    assertThat(jwt.getClaim("role").asString()).isEqualTo("user");
  }

  @Test
  void every_token_gets_its_own_jti() {
    String first = tokens.issue(TokenService.ACCESS, USER, TTL).tokenId();
    String second = tokens.issue(TokenService.ACCESS, USER, TTL).tokenId();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void verify_returns_the_claims_it_was_issued_with() {
    TokenService.Issued issued = tokens.issue(TokenService.REFRESH, GUEST, TTL);

    TokenService.Claims claims = tokens.verify(issued.token(), TokenService.REFRESH);

    assertThat(claims.principal()).isEqualTo(GUEST);
    assertThat(claims.tokenId()).isEqualTo(issued.tokenId());
    assertThat(claims.expiresAt()).isEqualTo(issued.expiresAt());
  }

  @Test
  void a_token_with_alg_none_is_refused() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload =
        b64(
            "{\"iss\":\"samesong\",\"sub\":\"user-1\",\"role\":\"admin\",\"fam\":\"family-1\",\"typ\":\"access\","
                + "\"jti\":\"x\",\"exp\":"
                + (clock.instant().getEpochSecond() + 600)
                + "}");

    assertThatThrownBy(() -> tokens.verify(header + "." + payload + ".", TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
    assertThatThrownBy(() -> tokens.verify(header + "." + payload, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_token_signed_with_another_secret_is_refused() {
    TokenService other =
        new TokenService(
            "another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8), clock);
    String forged = other.issue(TokenService.ACCESS, USER, TTL).token();

    assertThatThrownBy(() -> tokens.verify(forged, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_token_signed_with_another_hmac_algorithm_is_refused() {
    String hs512 =
        JWT.create()
            .withIssuer("samesong")
            .withSubject("user-1")
            .withClaim("role", "admin")
            .withClaim("fam", "family-1")
            .withClaim("typ", "access")
            .withJWTId("x")
            .withExpiresAt(Date.from(clock.instant().plus(TTL)))
            .sign(Algorithm.HMAC512(SECRET));

    assertThatThrownBy(() -> tokens.verify(hs512, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_tampered_payload_is_refused() {
    String[] parts = tokens.issue(TokenService.ACCESS, USER, TTL).token().split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"user\"", "\"admin\"");

    assertThatThrownBy(
            () ->
                tokens.verify(parts[0] + "." + b64(payload) + "." + parts[2], TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_correctly_signed_token_without_a_family_is_refused() {
    String noFamily =
        JWT.create()
            .withIssuer("samesong")
            .withSubject("user-1")
            .withClaim("role", "admin")
            .withClaim("typ", "access")
            .withJWTId("x")
            .withExpiresAt(Date.from(clock.instant().plus(TTL)))
            .sign(Algorithm.HMAC256(SECRET));

    assertThatThrownBy(() -> tokens.verify(noFamily, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_token_of_another_issuer_is_refused() {
    String foreign =
        JWT.create()
            .withIssuer("someone-else")
            .withSubject("user-1")
            .withClaim("role", "admin")
            .withClaim("fam", "family-1")
            .withClaim("typ", "access")
            .withJWTId("x")
            .withExpiresAt(Date.from(clock.instant().plus(TTL)))
            .sign(Algorithm.HMAC256(SECRET));

    assertThatThrownBy(() -> tokens.verify(foreign, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_token_works_until_it_expires_and_not_after() {
    String token = tokens.issue(TokenService.ACCESS, USER, TTL).token();

    clock.advance(TTL.minusSeconds(1));
    assertThat(tokens.verify(token, TokenService.ACCESS).subject()).isEqualTo("user-1");

    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(() -> tokens.verify(token, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_refresh_token_is_no_access_token() {
    String refresh = tokens.issue(TokenService.REFRESH, USER, TTL).token();

    assertThatThrownBy(() -> tokens.verify(refresh, TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void an_access_token_is_no_refresh_token() {
    String access = tokens.issue(TokenService.ACCESS, USER, TTL).token();

    assertThatThrownBy(() -> tokens.verify(access, TokenService.REFRESH))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void garbage_is_refused() {
    assertThatThrownBy(() -> tokens.verify("not-a-jwt", TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
    assertThatThrownBy(() -> tokens.verify("a.b.c", TokenService.ACCESS))
        .isInstanceOf(JWTVerificationException.class);
  }

  @Test
  void a_short_secret_is_refused_at_start() {
    assertThatThrownBy(() -> new TokenService("too-short".getBytes(StandardCharsets.UTF_8), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
