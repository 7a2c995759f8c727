package org.samesong.auth.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.samesong.user.User;

/** A fresh access and refresh token: the answer to login and refresh. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("refresh_token") String refreshToken,
    @Schema(description = "Seconds the access token lives.") @JsonProperty("expires_in")
        long expiresIn,
    @Schema(allowableValues = "Bearer") @JsonProperty("token_type") String tokenType,
    @Schema(description = "The account logged in.") User user,
    @Schema(
            description =
                "For browser clients that use the `samesong_access` cookie: the value of the"
                    + " `X-CSRF-Token` header on requests that change state (the `csrf` cookie"
                    + " holds it too, HttpOnly). Bound to this login.")
        @JsonProperty("csrf_token")
        String csrfToken) {

  public TokenResponse(
      String accessToken, String refreshToken, long expiresIn, String tokenType, User user) {
    this(accessToken, refreshToken, expiresIn, tokenType, user, null);
  }

  /** The same answer with the login's CSRF token. */
  public TokenResponse withCsrfToken(String csrf) {
    return new TokenResponse(accessToken, refreshToken, expiresIn, tokenType, user, csrf);
  }
}
