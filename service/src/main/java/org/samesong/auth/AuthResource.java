package org.samesong.auth;

import io.dropwizard.auth.Auth;
import jakarta.annotation.security.PermitAll;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.util.Base64;
import org.samesong.auth.api.LoginRequest;
import org.samesong.auth.api.RefreshRequest;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.SamesongPrincipal;

/**
 * {@code /api/auth}: login, refresh (rotating) and logout. Besides the JSON body, login and refresh
 * set the access token as an HttpOnly cookie and a fresh {@code csrf} cookie for browser clients.
 */
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuthResource {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final AuthService auth;

  public AuthResource(AuthService auth) {
    this.auth = auth;
  }

  @POST
  @Path("/login")
  public Response login(@NotNull LoginRequest body, @Context HttpServletRequest request) {
    TokenResponse tokens = auth.login(body.username(), body.password(), request.getRemoteAddr());
    return withCookies(tokens, request);
  }

  @POST
  @Path("/refresh")
  public Response refresh(@NotNull RefreshRequest body, @Context HttpServletRequest request) {
    return withCookies(auth.refresh(body.refreshToken()), request);
  }

  @POST
  @Path("/logout")
  @PermitAll
  public Response logout(
      @Auth SamesongPrincipal who,
      @NotNull RefreshRequest body,
      @Context HttpServletRequest request) {
    auth.logout(who, body.refreshToken());
    boolean secure = isSecure(request);
    return Response.noContent()
        .cookie(cookie(TokenAuthFilter.ACCESS_COOKIE, "", 0, true, secure))
        .cookie(cookie(TokenAuthFilter.CSRF_COOKIE, "", 0, false, secure))
        .build();
  }

  private static Response withCookies(TokenResponse tokens, HttpServletRequest request) {
    byte[] csrf = new byte[24];
    RANDOM.nextBytes(csrf);
    boolean secure = isSecure(request);
    int maxAge = (int) tokens.expiresIn();
    return Response.ok(tokens)
        .cookie(cookie(TokenAuthFilter.ACCESS_COOKIE, tokens.accessToken(), maxAge, true, secure))
        .cookie(
            cookie(
                TokenAuthFilter.CSRF_COOKIE,
                Base64.getUrlEncoder().withoutPadding().encodeToString(csrf),
                maxAge,
                false,
                secure))
        .build();
  }

  private static NewCookie cookie(
      String name, String value, int maxAge, boolean httpOnly, boolean secure) {
    return new NewCookie.Builder(name)
        .value(value)
        .path("/")
        .maxAge(maxAge)
        .httpOnly(httpOnly)
        .secure(secure)
        .sameSite(NewCookie.SameSite.STRICT)
        .build();
  }

  private static boolean isSecure(HttpServletRequest request) {
    return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }
}
