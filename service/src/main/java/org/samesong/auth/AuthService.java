package org.samesong.auth;

import com.auth0.jwt.exceptions.JWTVerificationException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.ApiException;
import org.samesong.common.Ids;
import org.samesong.common.SamesongPrincipal;
import org.samesong.ratelimit.RateLimiter;
import org.samesong.settings.Settings;
import org.samesong.settings.SettingsService;
import org.samesong.user.User;
import org.samesong.user.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins, token families and their rotation. A login (or a session join) starts a family; every
 * refresh spends its refresh token and issues a new pair in the same family; presenting a spent
 * refresh token again means it was stolen or replayed, so the whole family is revoked, and with it
 * every access token issued in it (access tokens carry the family id, checked per request). A
 * revoked login of a session member also ends the WebSocket connections opened with its tokens:
 * listeners registered with {@link #onSessionLoginsRevoked} hear of it after the commit.
 */
public class AuthService {
  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);

  private final Jdbi jdbi;

  /** The longest username an account can have (see UserService.checkUsername). */
  public static final int MAX_USERNAME_CHARS = 64;

  public static final int MAX_PASSWORD_CHARS = 256;

  private final TokenService tokens;
  private final TokenCheckService checks;
  private final UserService users;
  private final SettingsService settings;
  private final RateLimiter limiter;
  private final Clock clock;
  private final List<Consumer<RevokedLogin>> revocationListeners = new CopyOnWriteArrayList<>();

  /** A revoked login (token family) of a session's member. */
  public record RevokedLogin(String sessionId, String familyId) {}

  public AuthService(
      Jdbi jdbi,
      TokenService tokens,
      UserService users,
      SettingsService settings,
      RateLimiter limiter,
      Clock clock) {
    this.jdbi = jdbi;
    this.tokens = tokens;
    this.checks = new TokenCheckService(jdbi, tokens);
    this.users = users;
    this.settings = settings;
    this.limiter = limiter;
    this.clock = clock;
    users.onCredentialsRevoked(this::revokeAllOf);
  }

  /**
   * Checks a username and password, limited per account and per IP address.
   *
   * @return the account
   */
  public User checkLogin(String username, String password, String ip) {
    if (username == null || username.isBlank()) {
      throw ApiException.badRequest("username", "is required");
    }
    if (password == null || password.isEmpty()) {
      throw ApiException.badRequest("password", "is required");
    }
    // bounded before anything keeps them (rate-limit keys): no account name is longer, and a
    // password hash of a megabyte would cost the CPU what a long key costs the heap
    if (username.length() > MAX_USERNAME_CHARS) {
      throw ApiException.badRequest(
          "username", "must be at most " + MAX_USERNAME_CHARS + " characters");
    }
    if (password.length() > MAX_PASSWORD_CHARS) {
      throw ApiException.badRequest(
          "password", "must be at most " + MAX_PASSWORD_CHARS + " characters");
    }
    String account = username.strip().toLowerCase(Locale.ROOT);
    limiter.acquireOrThrow(
        RateLimiter.Limit.LOGIN_IP, ip, "too many login attempts from this address; wait a minute");
    // per account and address: failures from one address never lock the account for the others
    limiter.acquireOrThrow(
        RateLimiter.Limit.LOGIN_ACCOUNT,
        RateLimiter.accountFrom(account, ip),
        "too many login attempts for this account from this address; wait a minute");
    User user =
        users
            .verifyCredentials(account, password)
            .orElseThrow(
                () -> new ApiException(401, "invalid_credentials", "wrong username or password"));
    if (user.disabled()) {
      throw new ApiException(403, "account_disabled", "this account is disabled; ask an admin");
    }
    return user;
  }

  /** Login: checks the credentials and starts a token family. */
  public TokenResponse login(String username, String password, String ip) {
    User user = checkLogin(username, password, ip);
    LOG.info("user {} logged in", user.username());
    return startFamily(new SamesongPrincipal(user.id(), user.role(), null, null, null), user);
  }

  /**
   * Starts a family for a principal (a login, or a host or guest of a session) and issues its first
   * pair of tokens.
   */
  public TokenResponse startFamily(SamesongPrincipal who, User user) {
    String familyId = Ids.newId();
    long now = clock.millis();
    long refreshTtl = settings.get(Settings.REFRESH_TOKEN_TTL_S) * 1000L;
    SamesongPrincipal scoped =
        new SamesongPrincipal(who.subject(), who.role(), who.sessionId(), who.memberId(), familyId);
    return jdbi.inTransaction(
        handle -> {
          TokenDao dao = handle.attach(TokenDao.class);
          dao.insertFamily(
              new TokenDao.Family(
                  familyId,
                  who.subject(),
                  who.role(),
                  who.sessionId(),
                  who.memberId(),
                  now,
                  now + refreshTtl,
                  null,
                  null));
          return issuePair(dao, scoped, user);
        });
  }

  /**
   * {@link #startFamily} for many principals at once (guests admitted together): one batch of
   * families and one of refresh tokens, in the caller's transaction when there is one.
   */
  public List<TokenResponse> startFamilies(List<SamesongPrincipal> who) {
    long now = clock.millis();
    long refreshTtl = settings.get(Settings.REFRESH_TOKEN_TTL_S) * 1000L;
    Duration accessTtl = Duration.ofSeconds(settings.get(Settings.ACCESS_TOKEN_TTL_S));
    List<TokenDao.Family> families = new ArrayList<>(who.size());
    List<TokenDao.Refresh> refreshes = new ArrayList<>(who.size());
    List<TokenResponse> issued = new ArrayList<>(who.size());
    for (SamesongPrincipal p : who) {
      String familyId = Ids.newId();
      SamesongPrincipal scoped =
          new SamesongPrincipal(p.subject(), p.role(), p.sessionId(), p.memberId(), familyId);
      families.add(
          new TokenDao.Family(
              familyId,
              p.subject(),
              p.role(),
              p.sessionId(),
              p.memberId(),
              now,
              now + refreshTtl,
              null,
              null));
      TokenService.Issued access = tokens.issue(TokenService.ACCESS, scoped, accessTtl);
      TokenService.Issued refresh =
          tokens.issue(TokenService.REFRESH, scoped, Duration.ofMillis(refreshTtl));
      refreshes.add(
          new TokenDao.Refresh(
              refresh.tokenId(), familyId, now, refresh.expiresAt().toEpochMilli(), null));
      issued.add(
          new TokenResponse(
              access.token(), refresh.token(), accessTtl.toSeconds(), "Bearer", null));
    }
    jdbi.useTransaction(
        handle -> {
          TokenDao dao = handle.attach(TokenDao.class);
          dao.insertFamilies(families);
          dao.insertRefreshes(refreshes);
        });
    return issued;
  }

  /** Rotation: spends the refresh token and issues a new pair in the same family. */
  public TokenResponse refresh(String refreshToken) {
    TokenService.Claims claims =
        refreshClaims(
            refreshToken,
            () ->
                ApiException.unauthorized("the refresh token is invalid or expired; log in again"));
    long now = clock.millis();
    // The revocation on reuse must be committed although the caller gets an error, so the
    // transaction returns an outcome instead of throwing.
    Object outcome =
        jdbi.inTransaction(
            h -> {
              TokenDao dao = h.attach(TokenDao.class);
              Optional<TokenDao.Refresh> row = dao.findRefresh(claims.tokenId());
              Optional<TokenDao.Family> family = dao.findFamily(claims.familyId());
              if (row.isEmpty()
                  || family.isEmpty()
                  || !row.get().familyId().equals(family.get().id())) {
                return ApiException.unauthorized("the refresh token is unknown; log in again");
              }
              if (family.get().revokedAt() != null) {
                return ApiException.unauthorized("this login has ended; log in again");
              }
              if (dao.spendRefresh(claims.tokenId(), now) == 0) {
                if (dao.revokeFamily(family.get().id(), "reuse", now) > 0) {
                  h.afterCommit(() -> revoked(family.get()));
                }
                LOG.warn(
                    "refresh token reused: family {} of subject {} revoked",
                    family.get().id(),
                    family.get().subject());
                return ApiException.unauthorized(
                    "this refresh token was used already; every token of this login is revoked, log in again");
              }
              User user = null;
              if (family.get().sessionId() == null
                  || SamesongPrincipal.HOST.equals(family.get().role())) {
                user = users.find(family.get().subject()).orElse(null);
                if (user == null || user.disabled()) {
                  return ApiException.unauthorized("this account is disabled or gone");
                }
              }
              dao.extendFamily(
                  family.get().id(), now + settings.get(Settings.REFRESH_TOKEN_TTL_S) * 1000L);
              return issuePair(
                  dao, claims.principal(), family.get().sessionId() == null ? user : null);
            });
    if (outcome instanceof ApiException e) {
      throw e;
    }
    return (TokenResponse) outcome;
  }

  /** A guest's seat taken again: who the guest is and a fresh pair of tokens. */
  public record Seat(SamesongPrincipal member, TokenResponse tokens) {}

  /**
   * A seat token for the guest holding {@code accessToken}: what a browser keeps (in an HttpOnly
   * cookie) to take its place in the session again when the server no longer knows the browser,
   * e.g. after a restart wiped the in-memory web sessions. Unlike a refresh token it is not spent
   * on use, since a browser cannot be told a new one from a server-side renewal; it holds as long
   * as a refresh token would, and only while the login it belongs to is not revoked and its member
   * was not removed.
   *
   * @throws ApiException 401 when the access token is not a valid guest token
   */
  public String seatFor(String accessToken) {
    TokenService.Claims claims;
    try {
      claims = tokens.verify(accessToken, TokenService.ACCESS);
    } catch (JWTVerificationException e) {
      throw ApiException.unauthorized("the access token is invalid or expired");
    }
    if (!SamesongPrincipal.GUEST.equals(claims.role()) || claims.memberId() == null) {
      throw ApiException.unauthorized("only a guest's token has a seat");
    }
    return tokens
        .issue(
            TokenService.SEAT,
            claims.principal(),
            Duration.ofSeconds(settings.get(Settings.REFRESH_TOKEN_TTL_S)))
        .token();
  }

  /**
   * Takes a seat again: a new pair of tokens in the seat's login; empty when the seat token is bad
   * or expired, its login was revoked or its member removed.
   */
  public Optional<Seat> retakeSeat(String seatToken) {
    if (seatToken == null || seatToken.isBlank()) {
      return Optional.empty();
    }
    TokenService.Claims claims;
    try {
      claims = tokens.verify(seatToken, TokenService.SEAT);
    } catch (JWTVerificationException e) {
      return Optional.empty();
    }
    if (!SamesongPrincipal.GUEST.equals(claims.role()) || claims.memberId() == null) {
      return Optional.empty(); // an account's remembered sign-in is no seat in a session
    }
    long now = clock.millis();
    return jdbi.inTransaction(
        handle -> {
          TokenDao dao = handle.attach(TokenDao.class);
          Optional<TokenDao.AuthState> state = dao.authState(claims.familyId());
          if (state.isEmpty()
              || state.get().revokedAt() != null
              || state.get().memberKickedAt() != null) {
            return Optional.empty();
          }
          dao.extendFamily(
              claims.familyId(), now + settings.get(Settings.REFRESH_TOKEN_TTL_S) * 1000L);
          LOG.info(
              "session {}: guest {} took their seat again", claims.sessionId(), claims.memberId());
          return Optional.of(
              new Seat(claims.principal(), issuePair(dao, claims.principal(), null)));
        });
  }

  /** A browser's remembered sign-in: the token its cookie holds and how long it is good for. */
  public record BrowserLogin(String token, Duration ttl) {}

  /**
   * Starts a login for the web GUI that the browser remembers (in an HttpOnly cookie): a token
   * family of the account, and a seat token of that family, which {@link #resumeLogin} accepts when
   * the server no longer knows the browser (after a restart, or on another instance). Like a
   * guest's seat, it is not spent on use and holds as long as a refresh token would; the family's
   * revocation (logout, a disabled account, a password reset) ends it.
   */
  public BrowserLogin rememberLogin(User user) {
    String familyId = Ids.newId();
    long now = clock.millis();
    Duration ttl = Duration.ofSeconds(settings.get(Settings.REFRESH_TOKEN_TTL_S));
    SamesongPrincipal who = new SamesongPrincipal(user.id(), user.role(), null, null, familyId);
    jdbi.useExtension(
        TokenDao.class,
        dao ->
            dao.insertFamily(
                new TokenDao.Family(
                    familyId,
                    user.id(),
                    user.role(),
                    null,
                    null,
                    now,
                    now + ttl.toMillis(),
                    null,
                    null)));
    return new BrowserLogin(tokens.issue(TokenService.SEAT, who, ttl).token(), ttl);
  }

  /**
   * The account of a remembered sign-in, and a renewed token (the sign-in is kept for as long again
   * from now); empty when the token is bad or expired, is not an account's (a guest's seat), its
   * login ended, or the account is disabled or gone. The old token stays good until it expires: a
   * browser cannot be made to drop it.
   */
  public Optional<Resumed> resumeLogin(String token) {
    Optional<User> user = loginOf(token);
    if (user.isEmpty()) {
      return Optional.empty();
    }
    TokenService.Claims claims = browserLoginClaims(token).orElseThrow();
    Duration ttl = Duration.ofSeconds(settings.get(Settings.REFRESH_TOKEN_TTL_S));
    long expiresAt = clock.millis() + ttl.toMillis();
    jdbi.useExtension(TokenDao.class, dao -> dao.extendFamily(claims.familyId(), expiresAt));
    LOG.info("user {} signed in again from a browser that kept its sign-in", user.get().username());
    String renewed = tokens.issue(TokenService.SEAT, claims.principal(), ttl).token();
    return Optional.of(new Resumed(user.get(), new BrowserLogin(renewed, ttl)));
  }

  /** A remembered sign-in taken up again: the account, and the renewed token for the cookie. */
  public record Resumed(User user, BrowserLogin login) {}

  /**
   * The account of a remembered sign-in as it is now (its role may have changed), without renewing
   * it; empty when {@link #resumeLogin} would be. The GUI checks it on every page it opens, so a
   * logout elsewhere, a disabled account or a reset password ends a signed-in browser too.
   */
  public Optional<User> loginOf(String token) {
    Optional<TokenService.Claims> claims = browserLoginClaims(token);
    if (claims.isEmpty()) {
      return Optional.empty();
    }
    Optional<TokenDao.AuthState> state =
        jdbi.withExtension(TokenDao.class, dao -> dao.authState(claims.get().familyId()));
    if (state.isEmpty()
        || state.get().revokedAt() != null
        || Boolean.TRUE.equals(state.get().userDisabled())) {
      return Optional.empty();
    }
    return users.find(claims.get().subject()).filter(u -> !u.disabled());
  }

  /** Ends a remembered sign-in (the GUI's "Log out"); a bad or ended token changes nothing. */
  public void endLogin(String token) {
    browserLoginClaims(token)
        .ifPresent(
            claims ->
                jdbi.useExtension(
                    TokenDao.class,
                    dao -> dao.revokeFamily(claims.familyId(), "logout", clock.millis())));
  }

  private Optional<TokenService.Claims> browserLoginClaims(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    try {
      TokenService.Claims claims = tokens.verify(token, TokenService.SEAT);
      boolean account =
          claims.sessionId() == null
              && claims.memberId() == null
              && (SamesongPrincipal.ADMIN.equals(claims.role())
                  || SamesongPrincipal.USER.equals(claims.role()));
      return account ? Optional.of(claims) : Optional.empty();
    } catch (JWTVerificationException e) {
      return Optional.empty();
    }
  }

  /** Logout: revokes the family of the given refresh token, which must be the caller's. */
  public void logout(SamesongPrincipal caller, String refreshToken) {
    TokenService.Claims claims =
        refreshClaims(
            refreshToken, () -> ApiException.badRequest("refresh_token", "is invalid or expired"));
    if (!claims.subject().equals(caller.subject())) {
      throw ApiException.forbidden("this refresh token belongs to someone else");
    }
    boolean revoked =
        jdbi.withExtension(
            TokenDao.class,
            dao -> dao.revokeFamily(claims.familyId(), "logout", clock.millis()) > 0);
    if (revoked && claims.sessionId() != null) {
      notifyRevoked(new RevokedLogin(claims.sessionId(), claims.familyId()));
    }
  }

  /** The claims of a refresh token; 400 when it is missing, {@code invalid} when it is bad. */
  private TokenService.Claims refreshClaims(
      String refreshToken, java.util.function.Supplier<ApiException> invalid) {
    if (refreshToken == null || refreshToken.isBlank()) {
      throw ApiException.badRequest("refresh_token", "is required");
    }
    try {
      return tokens.verify(refreshToken, TokenService.REFRESH);
    } catch (JWTVerificationException e) {
      throw invalid.get();
    }
  }

  /**
   * Authenticates an access token: signature, type, expiry, then the family and the account in one
   * database read, so revocations and disabled accounts take effect at once.
   */
  public Optional<SamesongPrincipal> authenticate(String accessToken) {
    return inspect(accessToken).filter(c -> !c.revoked() && !c.kicked()).map(TokenCheck::principal);
  }

  /** The CSRF token of the login a token belongs to: see {@link TokenService#csrfToken}. */
  public String csrfToken(String familyId) {
    return tokens.csrfToken(familyId);
  }

  /**
   * The CSRF token of the login an access token was issued in, for the answer that hands the token
   * to a browser client.
   */
  public String csrfTokenOf(String accessToken) {
    return tokens.csrfToken(tokens.verify(accessToken, TokenService.ACCESS).familyId());
  }

  /**
   * What a token says and whether it still holds, for the WebSocket's distinct close codes.
   *
   * @param expiresAt when the token stops holding (a connection opened with it closes then, unless
   *     it is given a fresh one)
   */
  public record TokenCheck(
      SamesongPrincipal principal, boolean revoked, boolean kicked, java.time.Instant expiresAt) {}

  /** See {@link TokenCheckService#inspect}. */
  public Optional<TokenCheck> inspect(String accessToken) {
    return checks.inspect(accessToken);
  }

  /**
   * Ends every login of an account (disabled, or its password reset); the connections opened with
   * them close.
   */
  public void revokeAllOf(String subject) {
    revokeSubject(subject, "credentials", true);
  }

  /** Ends a kicked member's logins. The kick closes the member's connections itself (4403). */
  public void revokeKicked(String memberId) {
    revokeSubject(memberId, "kicked", false);
  }

  private void revokeSubject(String subject, String reason, boolean closeConnections) {
    List<RevokedLogin> revoked = new ArrayList<>();
    int n =
        jdbi.inTransaction(
            h -> {
              TokenDao dao = h.attach(TokenDao.class);
              if (closeConnections) {
                for (TokenDao.Family f : dao.liveSessionFamilies(subject)) {
                  revoked.add(new RevokedLogin(f.sessionId(), f.id()));
                }
              }
              return dao.revokeSubject(subject, reason, clock.millis());
            });
    LOG.info("revoked {} logins of {}", n, subject);
    revoked.forEach(this::notifyRevoked);
  }

  /**
   * Registers what runs after a session member's login was revoked (its reuse detected, logged out,
   * its account disabled or its password reset), such as closing its connections.
   */
  public void onSessionLoginsRevoked(Consumer<RevokedLogin> listener) {
    revocationListeners.add(listener);
  }

  private void revoked(TokenDao.Family family) {
    if (family.sessionId() != null) {
      notifyRevoked(new RevokedLogin(family.sessionId(), family.id()));
    }
  }

  private void notifyRevoked(RevokedLogin login) {
    for (Consumer<RevokedLogin> listener : revocationListeners) {
      try {
        listener.accept(login);
      } catch (RuntimeException e) {
        // the revocation stands (every request checks it); only the early close is lost
        LOG.warn("closing the connections of a revoked login failed: {}", e.toString());
      }
    }
  }

  private TokenResponse issuePair(TokenDao dao, SamesongPrincipal who, User user) {
    Duration accessTtl = Duration.ofSeconds(settings.get(Settings.ACCESS_TOKEN_TTL_S));
    Duration refreshTtl = Duration.ofSeconds(settings.get(Settings.REFRESH_TOKEN_TTL_S));
    TokenService.Issued access = tokens.issue(TokenService.ACCESS, who, accessTtl);
    TokenService.Issued refresh = tokens.issue(TokenService.REFRESH, who, refreshTtl);
    dao.insertRefresh(
        new TokenDao.Refresh(
            refresh.tokenId(),
            who.familyId(),
            clock.millis(),
            refresh.expiresAt().toEpochMilli(),
            null));
    return new TokenResponse(
        access.token(), refresh.token(), accessTtl.toSeconds(), "Bearer", user);
  }
}
