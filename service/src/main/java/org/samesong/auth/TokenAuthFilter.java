package org.samesong.auth;

import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.Authorizer;
import io.dropwizard.auth.UnauthorizedHandler;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.samesong.common.ApiException;
import org.samesong.common.Errors;
import org.samesong.common.SamesongPrincipal;

/**
 * Reads the access token from {@code Authorization: Bearer …} or, for browser clients, from the
 * {@code samesong_access} cookie. Cookie-authenticated requests that change state must carry the
 * double-submit token: an {@code X-CSRF-Token} header equal to the {@code csrf} cookie, and both
 * the login's own CSRF token (an HMAC of the access token's family, see {@link
 * TokenService#csrfToken}). Bearer clients are exempt (a cross-site page cannot set that header).
 */
@Priority(Priorities.AUTHENTICATION)
public class TokenAuthFilter extends AuthFilter<String, SamesongPrincipal> {
  public static final String ACCESS_COOKIE = "samesong_access";
  public static final String CSRF_COOKIE = "csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /** How the tokens that are not JWTs begin (integration tokens). */
  public static final String OPAQUE_PREFIX = "ssi_";

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final AuthService auth;

  public TokenAuthFilter(AuthService auth, Authorizer<SamesongPrincipal> authorizer) {
    this(auth, authorizer, token -> java.util.Optional.empty());
  }

  /**
   * @param opaque authenticates the tokens that are not JWTs (integration tokens, {@code ssi_…});
   *     only the roles it gives (which only their endpoints allow) come from it
   */
  public TokenAuthFilter(
      AuthService auth,
      Authorizer<SamesongPrincipal> authorizer,
      java.util.function.Function<String, java.util.Optional<SamesongPrincipal>> opaque) {
    this.auth = auth;
    this.authenticator =
        token -> token.startsWith(OPAQUE_PREFIX) ? opaque.apply(token) : auth.authenticate(token);
    this.authorizer = authorizer;
    this.prefix = "Bearer";
    this.realm = "samesong";
    this.unauthorizedHandler =
        new UnauthorizedHandler() {
          @Override
          public Response buildResponse(String prefix, String realm) {
            return Response.fromResponse(
                    Errors.response(
                        401,
                        "unauthorized",
                        "a valid access token is required (missing, expired or revoked)",
                        null))
                .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
                .build();
          }
        };
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String token = bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    boolean needsCsrf = false;
    if (token == null) {
      Cookie cookie = request.getCookies().get(ACCESS_COOKIE);
      if (cookie != null && !cookie.getValue().isEmpty()) {
        token = cookie.getValue();
        needsCsrf = !SAFE_METHODS.contains(request.getMethod());
        if (needsCsrf) {
          checkDoubleSubmit(request);
        }
      }
    }
    if (!authenticate(request, token, "Bearer")) {
      throw new jakarta.ws.rs.WebApplicationException(
          unauthorizedHandler.buildResponse(prefix, realm));
    }
    if (needsCsrf) {
      checkBound(request);
    }
  }

  /** The header equals the cookie (a cross-site page can set neither). */
  private static void checkDoubleSubmit(ContainerRequestContext request) {
    Cookie cookie = request.getCookies().get(CSRF_COOKIE);
    String header = request.getHeaderString(CSRF_HEADER);
    if (cookie == null
        || header == null
        || cookie.getValue().isEmpty()
        || !equal(cookie.getValue(), header)) {
      throw csrfRefused();
    }
  }

  /**
   * The token is the login's own (an HMAC of the access token's family), so a cookie and header an
   * attacker planted together (say from a sibling subdomain) do not validate.
   */
  private void checkBound(ContainerRequestContext request) {
    SamesongPrincipal who = (SamesongPrincipal) request.getSecurityContext().getUserPrincipal();
    String header = request.getHeaderString(CSRF_HEADER);
    if (who == null || !equal(auth.csrfToken(who.familyId()), header)) {
      throw csrfRefused();
    }
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static ApiException csrfRefused() {
    return new ApiException(
        403,
        "csrf",
        "cookie-authenticated requests that change state need an X-CSRF-Token header equal to the"
            + " csrf cookie: the csrf_token of the same login");
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    int space = header.indexOf(' ');
    if (space <= 0 || !"Bearer".equalsIgnoreCase(header.substring(0, space))) {
      return null;
    }
    String token = header.substring(space + 1).strip();
    return token.isEmpty() ? null : token;
  }
}
