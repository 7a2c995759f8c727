package org.samesong.auth;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
import org.samesong.auth.api.LoginRequest;
import org.samesong.auth.api.RefreshRequest;
import org.samesong.auth.api.TokenResponse;
import org.samesong.common.SamesongPrincipal;

/**
 * {@code /api/auth}: login, refresh (rotating) and logout. Besides the JSON body, login and refresh
 * set the access token as an HttpOnly cookie for browser clients, with the login's CSRF token in
 * the body ({@code csrf_token}) and in an HttpOnly {@code csrf} cookie.
 */
@Tag(name = "auth")
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuthResource {
  private final AuthService auth;

  public AuthResource(AuthService auth) {
    this.auth = auth;
  }

  @POST
  @Path("/login")
  @Operation(
      operationId = "login",
      summary = "Log in with a username and password",
      description =
          "Answers a fresh access and refresh token (a new login: a token *family*). Browser"
              + " clients also get the `samesong_access` cookie and the login's `csrf_token` (in the body and"
              + " the `csrf` cookie, both cookies HttpOnly)."
              + " Limited per account and per IP address (setting `logins_per_minute`).")
  @ApiResponse(
      responseCode = "200",
      description = "Logged in.",
      headers = @Header(name = "Set-Cookie", description = "`samesong_access` and `csrf`"),
      content = @Content(schema = @Schema(implementation = TokenResponse.class)))
  @ApiResponse(
      responseCode = "400",
      description = "The username or password is missing, or the body is not JSON.")
  @ApiResponse(
      responseCode = "401",
      description = "Wrong username or password (`invalid_credentials`).")
  @ApiResponse(responseCode = "403", description = "The account is disabled (`account_disabled`).")
  @ApiResponse(
      responseCode = "429",
      description = "Too many logins for this account or from this address (`rate_limited`).")
  @ApiResponse(responseCode = "503", description = "The database is unavailable (`unavailable`).")
  public Response login(@NotNull LoginRequest body, @Context HttpServletRequest request) {
    TokenResponse tokens = auth.login(body.username(), body.password(), request.getRemoteAddr());
    return withCookies(tokens, auth, request);
  }

  @POST
  @Path("/refresh")
  @Operation(
      operationId = "refresh",
      summary = "Trade a refresh token for a new access and refresh token",
      description =
          "Rotates: the refresh token is spent and a new pair comes back (and new cookies)."
              + " Presenting a spent refresh token again revokes its whole login: the newest"
              + " refresh token and every access token issued in it stop working at once.")
  @ApiResponse(
      responseCode = "200",
      description = "The new pair.",
      headers = @Header(name = "Set-Cookie", description = "`samesong_access` and `csrf`"),
      content = @Content(schema = @Schema(implementation = TokenResponse.class)))
  @ApiResponse(responseCode = "400", description = "`refresh_token` is missing.")
  @ApiResponse(
      responseCode = "401",
      description =
          "The refresh token is invalid, expired, spent (its login is revoked now), of an ended"
              + " login or of a disabled account (`unauthorized`).")
  @ApiResponse(responseCode = "503", description = "The database is unavailable (`unavailable`).")
  public Response refresh(@NotNull RefreshRequest body, @Context HttpServletRequest request) {
    return withCookies(auth.refresh(body.refreshToken()), auth, request);
  }

  @POST
  @Path("/logout")
  @PermitAll
  @Operation(
      operationId = "logout",
      summary = "End a login",
      description =
          "Revokes the refresh token's family: every token of that login stops working. Clears"
              + " the cookies.")
  @ApiResponse(responseCode = "204", description = "Logged out.")
  @ApiResponse(responseCode = "400", description = "`refresh_token` is missing.")
  @ApiResponse(
      responseCode = "403",
      description = "The refresh token belongs to someone else (`forbidden`).")
  public Response logout(
      @Auth SamesongPrincipal who,
      @NotNull RefreshRequest body,
      @Context HttpServletRequest request) {
    auth.logout(who, body.refreshToken());
    boolean secure = isSecure(request);
    return Response.noContent()
        .cookie(cookie(TokenAuthFilter.ACCESS_COOKIE, "", 0, secure))
        .cookie(cookie(TokenAuthFilter.CSRF_COOKIE, "", 0, secure))
        .build();
  }

  private static Response withCookies(
      TokenResponse tokens, AuthService auth, HttpServletRequest request) {
    String csrf = auth.csrfTokenOf(tokens.accessToken());
    boolean secure = isSecure(request);
    int maxAge = (int) tokens.expiresIn();
    return Response.ok(tokens.withCsrfToken(csrf))
        .cookie(cookie(TokenAuthFilter.ACCESS_COOKIE, tokens.accessToken(), maxAge, secure))
        .cookie(cookie(TokenAuthFilter.CSRF_COOKIE, csrf, maxAge, secure))
        .build();
  }

  /** Every cookie is HttpOnly and SameSite=Strict, Secure over HTTPS. */
  private static NewCookie cookie(String name, String value, int maxAge, boolean secure) {
    return new NewCookie.Builder(name)
        .value(value)
        .path("/")
        .maxAge(maxAge)
        .httpOnly(true)
        .secure(secure)
        .sameSite(NewCookie.SameSite.STRICT)
        .build();
  }

  private static boolean isSecure(HttpServletRequest request) {
    return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }
}
