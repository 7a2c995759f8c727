package org.samesong.user;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/** A registered account as the API shows it (never with its password hash). */
public record User(
    String id,
    String username,
    @Schema(allowableValues = {"admin", "user"}) String role,
    boolean disabled,
    @Schema(description = "Epoch ms.") @JsonProperty("created_at") long createdAt) {

  public static final String ADMIN = "admin";
  public static final String USER = "user";

  @JsonIgnore
  public boolean isAdmin() {
    return ADMIN.equals(role);
  }
}
