/**
 * URL tracks: the guard that refuses addresses a server must not fetch ({@link
 * org.samesong.media.url.UrlGuard}), the origin client that fetches through it ({@link
 * org.samesong.media.url.OriginClient}) and the prober that reads a URL track's title and duration
 * when it is added ({@link org.samesong.media.url.UrlTrackProber}, with {@code ffprobe} or
 * jaudiotagger through {@link org.samesong.media.url.MediaProber}).
 */
package org.samesong.media.url;
