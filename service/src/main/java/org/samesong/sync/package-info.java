/**
 * Real-time synchronisation, the room side: the rooms of this instance ({@link
 * org.samesong.sync.SyncHub}), who is in each session ({@link org.samesong.sync.MemberRoster}), the
 * turning of session changes into numbered server messages ({@link org.samesong.sync.Broadcaster}),
 * the track-end and heartbeat scheduler ({@link org.samesong.sync.TrackScheduler}), the players'
 * settings and {@code GET /api/time}. The WebSocket itself is in {@code sync.ws}, the way messages
 * reach every instance in {@code sync.bus}, the wire messages in {@code sync.api}. The playback
 * state these messages carry is computed by the {@code playback} feature.
 */
package org.samesong.sync;
