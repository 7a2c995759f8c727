/**
 * Media: the audio behind catalog tracks, in four parts: {@code media.library} scans the music
 * folders into the catalog, {@code media.stream} serves the audio through signed, expiring range
 * URLs, {@code media.url} checks and fetches tracks added by their {@code http(s)} URL, and {@code
 * media.demo} generates the demo catalog. What they share stays here: the optional FFmpeg found at
 * start ({@link org.samesong.media.Ffmpeg}) and the WAV writer. Depends on the catalog and the
 * settings, never the other way round.
 */
package org.samesong.media;
