package org.samesong.catalog;

/**
 * Checks and probes the URLs of URL tracks. The media feature implements it (it owns network access
 * and audio parsing); the catalog only stores what it finds.
 */
public interface UrlProber {
  /**
   * The canonical form of a URL a track may have, without contacting anything.
   *
   * @throws org.samesong.common.ApiException 400 naming the field {@code url}
   */
  String canonical(String url);

  /**
   * Fetches the (canonical) URL once and reads its duration and tags.
   *
   * @throws org.samesong.common.ApiException 400 {@code url_not_allowed} (a private address), 413
   *     {@code too_large}, 422 {@code url_unreachable} or {@code unprocessable_media}
   */
  ProbedMedia probe(String canonicalUrl);
}
