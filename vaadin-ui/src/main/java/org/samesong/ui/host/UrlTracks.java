package org.samesong.ui.host;

import org.samesong.app.Services;
import org.samesong.catalog.Track;
import org.samesong.common.ApiException;

/** Adds a track by its URL through the catalog's probe (same checks as the REST API). */
final class UrlTracks {
  private UrlTracks() {}

  static Track add(Services services, String url) {
    throw ApiException.badRequest(
        "url_unsupported", "url", "adding by URL is not available yet; add a catalog track");
  }
}
