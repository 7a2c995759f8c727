package org.samesong.catalog;

/**
 * Makes the {@code stream_url} of a track's JSON: a URL that plays the track without any other
 * credential, for a limited time. The media feature's {@code StreamSigner} implements it; the
 * catalog only asks for URLs, so it does not depend on how streams are served.
 */
@FunctionalInterface
public interface StreamUrls {
  /** A signed, expiring URL (relative or absolute) of the track's audio. */
  String streamUrl(String trackId);
}
