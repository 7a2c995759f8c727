package org.samesong.auth;

import com.auth0.jwt.exceptions.JWTVerificationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.samesong.common.BatchedLookup;
import org.samesong.common.Rights;
import org.samesong.common.SamesongPrincipal;

/**
 * Whether an access token still holds: its signature, type and expiry, then its login and account
 * as stored. The checks that arrive together (the handshakes of a crowd reconnecting after a
 * restart) share one query.
 */
final class TokenCheckService {
  /** At most this many logins are checked by one query (the length of its IN list). */
  static final int AUTH_STATE_BATCH = 200;

  private final Jdbi jdbi;
  private final TokenService tokens;
  private final BatchedLookup<String, TokenDao.AuthState> liveStates =
      new BatchedLookup<>(this::authStates, AUTH_STATE_BATCH);

  TokenCheckService(Jdbi jdbi, TokenService tokens) {
    this.jdbi = jdbi;
    this.tokens = tokens;
  }

  /**
   * Checks a token's signature, type and expiry (empty when any is wrong), then reports whether its
   * login was revoked (or its account disabled) and whether its member was kicked.
   */
  Optional<AuthService.TokenCheck> inspect(String accessToken) {
    if (accessToken == null || accessToken.isBlank()) {
      return Optional.empty();
    }
    TokenService.Claims claims;
    try {
      claims = tokens.verify(accessToken, TokenService.ACCESS);
    } catch (JWTVerificationException e) {
      return Optional.empty();
    }
    Optional<TokenDao.AuthState> state = liveStates.get(claims.familyId());
    boolean revoked =
        state.isEmpty()
            || state.get().revokedAt() != null
            || Boolean.TRUE.equals(state.get().userDisabled());
    boolean kicked = state.isPresent() && state.get().memberKickedAt() != null;
    SamesongPrincipal who = claims.principal();
    if (who.memberId() != null && state.isPresent() && state.get().memberRole() != null) {
      // the member's rights as they are now, whatever they were when the token was issued
      who =
          who.withRights(Rights.stored(state.get().memberRole(), state.get().memberPermissions()));
    }
    return Optional.of(new AuthService.TokenCheck(who, revoked, kicked, claims.expiresAt()));
  }

  private Map<String, TokenDao.AuthState> authStates(Set<String> familyIds) {
    Map<String, TokenDao.AuthState> out = new HashMap<>();
    for (TokenDao.FamilyAuthState f :
        jdbi.withExtension(TokenDao.class, dao -> dao.authStates(familyIds))) {
      out.put(f.familyId(), f.state());
    }
    return out;
  }
}
