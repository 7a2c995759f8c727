package org.samesong.media.url;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.samesong.common.ApiException;

/**
 * The URLs a URL track may have: absolute {@code http} or {@code https}, a host, no user name or
 * password, at most {@value #MAX_LENGTH} characters. Each is kept in one canonical form (scheme and
 * host lower-case, default port and fragment dropped) so that the same resource added twice is one
 * track.
 */
public final class RemoteUrl {
  /** Longest URL accepted, in characters (the tracks table holds 4000). */
  public static final int MAX_LENGTH = 2048;

  private RemoteUrl() {}

  /**
   * The canonical form of {@code url}.
   *
   * @throws ApiException 400 {@code invalid_url} naming the field {@code url}, saying what is wrong
   */
  public static URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw ApiException.badRequest("url", "is required");
    }
    String text = url.strip();
    if (text.length() > MAX_LENGTH) {
      throw ApiException.badRequest("url", "must have at most " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw ApiException.badRequest("url", "is not a valid URL (" + e.getReason() + ")");
    }
    return canonical(uri);
  }

  /** A redirect's {@code Location}, resolved against the URL that answered it, then checked. */
  static URI resolve(URI base, String location) {
    URI target;
    try {
      target = base.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw ApiException.badRequest("url", "redirects to an invalid URL");
    }
    if (target.toString().length() > MAX_LENGTH) {
      throw ApiException.badRequest("url", "redirects to a URL that is too long");
    }
    return canonical(target);
  }

  private static URI canonical(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ApiException.badRequest("url", "must be an http or https URL");
    }
    if (uri.isOpaque()) {
      throw ApiException.badRequest("url", "is not a valid URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw ApiException.badRequest("url", "must not contain a user name or password");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw ApiException.badRequest("url", "must name a host");
    }
    int port = uri.getPort();
    if (port == 0 || port > 65535) {
      throw ApiException.badRequest("url", "has an invalid port");
    }
    if (port == defaultPort(scheme)) {
      port = -1;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    StringBuilder out = new StringBuilder(scheme).append("://").append(host);
    if (port != -1) {
      out.append(':').append(port);
    }
    out.append(path);
    if (uri.getRawQuery() != null) {
      out.append('?').append(uri.getRawQuery());
    }
    try {
      return new URI(out.toString());
    } catch (URISyntaxException e) {
      throw ApiException.badRequest("url", "is not a valid URL");
    }
  }

  static int defaultPort(String scheme) {
    return "https".equals(scheme) ? 443 : 80;
  }

  /** The host as the resolver wants it: IPv6 literals without their brackets. */
  static String host(URI uri) {
    String host = uri.getHost();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  static int port(URI uri) {
    return uri.getPort() == -1 ? defaultPort(uri.getScheme()) : uri.getPort();
  }
}
