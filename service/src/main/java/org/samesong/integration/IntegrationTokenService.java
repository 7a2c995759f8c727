package org.samesong.integration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.integration.api.IntegrationTokenJson;
import org.samesong.session.SessionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only tokens for a session's event stream, made and revoked by its host. A token is {@value
 * #PREFIX} and 43 random characters; only its SHA-256 is kept. It authenticates as role {@value
 * #ROLE}, scoped to its session, with the family {@code integration:<id>}: revoking it closes the
 * streams opened with it on every instance, as a revoked login closes its sockets.
 */
public class IntegrationTokenService {
  private static final Logger LOG = LoggerFactory.getLogger(IntegrationTokenService.class);
  public static final String PREFIX = "ssi_";
  public static final String ROLE = "integration";
  public static final String FAMILY_PREFIX = "integration:";
  public static final int MAX_NAME = 80;
  public static final int MAX_PER_SESSION = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbi jdbi;
  private final SessionService sessions;
  private final Clock clock;
  private volatile BiConsumer<String, String> revoked = (sessionId, familyId) -> {};

  public IntegrationTokenService(Jdbi jdbi, SessionService sessions, Clock clock) {
    this.jdbi = jdbi;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** Who closes, on every instance, what a revoked token opened: {@code (sessionId, familyId)}. */
  public void onRevoked(BiConsumer<String, String> revoked) {
    this.revoked = revoked;
  }

  /** Makes a token for a live session; its secret part is in this answer only. */
  public IntegrationTokenJson create(SamesongPrincipal host, String sessionId, String name) {
    String checked = name == null ? "" : name.strip();
    if (checked.isEmpty() || checked.length() > MAX_NAME) {
      throw ApiException.badRequest("name", "is required, 1 to " + MAX_NAME + " characters");
    }
    if (checked.codePoints().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("name", "must not contain control characters");
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    IntegrationTokenDao.Row row =
        new IntegrationTokenDao.Row(
            Ids.newId(), sessionId, checked, hash(token), host.memberId(), clock.millis(), null);
    jdbi.useTransaction(
        h -> {
          sessions.lockLive(h, sessionId);
          IntegrationTokenDao dao = h.attach(IntegrationTokenDao.class);
          if (dao.countLive(sessionId) >= MAX_PER_SESSION) {
            throw ApiException.conflict(
                "too_many_tokens",
                "a session has at most " + MAX_PER_SESSION + " integration tokens; revoke one");
          }
          dao.insert(row);
        });
    LOG.info("session {}: integration token {} made", sessionId, row.id());
    return new IntegrationTokenJson(row.id(), row.name(), token, row.createdAt(), null);
  }

  /** A session's tokens, without their secret part. */
  public List<IntegrationTokenJson> list(String sessionId) {
    sessions.find(sessionId);
    return jdbi.withExtension(IntegrationTokenDao.class, dao -> dao.list(sessionId)).stream()
        .map(r -> new IntegrationTokenJson(r.id(), r.name(), null, r.createdAt(), r.revokedAt()))
        .toList();
  }

  /** Revokes a token: it stops at once, open streams included (404 when unknown or revoked). */
  public void revoke(String sessionId, String tokenId) {
    int n =
        jdbi.withExtension(
            IntegrationTokenDao.class, dao -> dao.revoke(sessionId, tokenId, clock.millis()));
    if (n == 0) {
      throw ApiException.notFound("integration token");
    }
    LOG.info("session {}: integration token {} revoked", sessionId, tokenId);
    revoked.accept(sessionId, FAMILY_PREFIX + tokenId);
  }

  /** The principal of a live token of a live session. */
  public Optional<SamesongPrincipal> authenticate(String token) {
    if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
      return Optional.empty();
    }
    return jdbi.withExtension(IntegrationTokenDao.class, dao -> dao.findLive(hash(token)))
        .map(r -> new SamesongPrincipal(r.id(), ROLE, r.sessionId(), null, FAMILY_PREFIX + r.id()));
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
