/**
 * The server-owned playback state of each session (what every player follows): play, pause, seek,
 * skip and the advance at a track's end, applied in memory under the session's lock and stored
 * behind by {@link org.samesong.playback.PlaybackStoreService}. The track-end and heartbeat
 * scheduler that drives the advance is {@code sync.TrackScheduler}.
 */
package org.samesong.playback;
