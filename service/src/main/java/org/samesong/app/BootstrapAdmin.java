package org.samesong.app;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * SAMESONG_ADMIN_USER / SAMESONG_ADMIN_PASSWORD: the first admin, used only while no user exists.
 */
public class BootstrapAdmin {
  @JsonProperty private String username = "";
  @JsonProperty private String password = "";

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  public boolean isSet() {
    return username != null && !username.isBlank();
  }
}
