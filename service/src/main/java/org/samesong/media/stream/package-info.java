/**
 * Audio streaming: {@code GET}/{@code HEAD /api/tracks/{id}/stream} ({@link
 * org.samesong.media.stream.StreamResource}) with byte ranges ({@link
 * org.samesong.media.stream.ByteRanges}), the signed, expiring stream URLs ({@link
 * org.samesong.media.stream.StreamSigner}) and the service that finds a track's bytes in the
 * library folders, the demo folder or (relayed) at its origin URL.
 */
package org.samesong.media.stream;
