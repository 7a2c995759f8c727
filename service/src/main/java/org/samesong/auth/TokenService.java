package org.samesong.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;

/**
 * Signs and checks the JWTs (HS256): claims {@code sub role sid mid exp jti}, plus {@code fam} (the
 * token family, for revocation) and {@code typ} ({@code access}, {@code refresh} or {@code seat},
 * so one can never pass for another).
 */
public class TokenService {
  public static final String ACCESS = "access";
  public static final String REFRESH = "refresh";

  /** A guest browser's seat in a session: see {@link AuthService#seatFor}. */
  public static final String SEAT = "seat";

  private static final String ISSUER = "samesong";

  private final Algorithm algorithm;
  private final SecretKeySpec csrfKey;
  private final Clock clock;
  private final JWTVerifier accessVerifier;
  private final JWTVerifier refreshVerifier;
  private final JWTVerifier seatVerifier;

  /** The claims of a verified token. */
  public record Claims(
      String subject,
      String role,
      String sessionId,
      String memberId,
      String familyId,
      String tokenId,
      Instant expiresAt) {
    public SamesongPrincipal principal() {
      return new SamesongPrincipal(subject, role, sessionId, memberId, familyId);
    }
  }

  /** A signed token and its id and expiry. */
  public record Issued(String token, String tokenId, Instant expiresAt) {}

  public TokenService(byte[] secret, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the JWT secret needs at least 32 bytes");
    }
    this.algorithm = Algorithm.HMAC256(secret);
    this.csrfKey = new SecretKeySpec(secret, "HmacSHA256");
    this.clock = clock;
    this.accessVerifier = verifier(ACCESS);
    this.refreshVerifier = verifier(REFRESH);
    this.seatVerifier = verifier(SEAT);
  }

  private JWTVerifier verifier(String type) {
    return ((JWTVerifier.BaseVerification)
            JWT.require(algorithm).withIssuer(ISSUER).withClaim("typ", type).acceptLeeway(0))
        .build(clock);
  }

  public Issued issue(String type, SamesongPrincipal who, Duration ttl) {
    String jti = Ids.newId();
    Instant now = clock.instant();
    Instant exp = now.plus(ttl);
    JWTCreator.Builder builder =
        JWT.create()
            .withIssuer(ISSUER)
            .withSubject(who.subject())
            .withClaim("role", who.role())
            .withClaim("fam", who.familyId())
            .withClaim("typ", type)
            .withJWTId(jti)
            .withIssuedAt(Date.from(now))
            .withExpiresAt(Date.from(exp));
    if (who.sessionId() != null) {
      builder.withClaim("sid", who.sessionId());
    }
    if (who.memberId() != null) {
      builder.withClaim("mid", who.memberId());
    }
    return new Issued(builder.sign(algorithm), jti, exp);
  }

  /**
   * The CSRF token of a login: HMAC-SHA256 over the token family's id, keyed by the signing secret
   * (base64url). A browser client sends it as {@code X-CSRF-Token}; a value an attacker planted as
   * a cookie does not match the family of the access token it rides along with.
   */
  public String csrfToken(String familyId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(csrfKey);
      byte[] digest = mac.doFinal(("csrf\0" + familyId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * Verifies signature, issuer, type and expiry.
   *
   * @throws JWTVerificationException when any of them is wrong
   */
  public Claims verify(String token, String type) {
    JWTVerifier verifier =
        switch (type) {
          case ACCESS -> accessVerifier;
          case REFRESH -> refreshVerifier;
          case SEAT -> seatVerifier;
          default -> throw new IllegalArgumentException("no token type " + type);
        };
    DecodedJWT jwt = verifier.verify(token);
    String role = jwt.getClaim("role").asString();
    String family = jwt.getClaim("fam").asString();
    if (jwt.getSubject() == null || role == null || family == null || jwt.getId() == null) {
      throw new JWTVerificationException("a required claim is missing");
    }
    return new Claims(
        jwt.getSubject(),
        role,
        jwt.getClaim("sid").asString(),
        jwt.getClaim("mid").asString(),
        family,
        jwt.getId(),
        jwt.getExpiresAtAsInstant());
  }
}
