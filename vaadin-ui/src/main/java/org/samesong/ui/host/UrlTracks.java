package org.samesong.ui.host;

import org.samesong.app.Services;
import org.samesong.catalog.Track;

/**
 * Adds a track by its URL through the catalog's probe: the same address check, timeouts, size cap
 * and errors as {@code POST /api/catalog/tracks}.
 */
final class UrlTracks {
  private UrlTracks() {}

  static Track add(Services services, String url) {
    return services.catalog().addUrl(url).track();
  }
}
