package org.samesong.common;

import jakarta.ws.rs.core.UriInfo;
import java.net.URI;

/** Facts about the HTTP request that several resources need. */
public final class Requests {
  private Requests() {}

  /** {@code scheme://host:port} as the client addressed this server. */
  public static String baseUrl(UriInfo uriInfo) {
    URI base = uriInfo.getBaseUri();
    return base.getScheme() + "://" + base.getRawAuthority();
  }
}
