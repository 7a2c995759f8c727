// The synchronisation logic of <sync-audio>, free of the DOM: no window, document or Audio here.
// Everything is driven by explicit times (client milliseconds from a monotonic clock) and by
// media objects that look like HTMLMediaElement (currentTime, paused, play() ...), so the same code
// runs in the browser and under Node's test runner with a simulated clock and player.
//
// This module is the core's one entry point (sync-audio.js imports it); each part lives in a module
// named after what it does:
//   sync-settings.js     the settings of `hello`, checked against their bounds
//   numbers.js           median, clamp
//   backoff.js           the reconnect delay
//   clock-offset.js      ClockOffsetEstimator: client–server clock offset from ping/pong
//   player-readings.js   ReadingFilter, LatencyLearner: what the controller learns from the player
//   playback-schedule.js where the music should be at a server time
//   playlist-mirror.js   the listener's copy of the playlist, kept in step by versioned changes
//   drift-controller.js  SyncController: the rate/seek correction, decided step by step
//   sync-engine.js       SyncEngine: messages, pings and acks, decisions applied to the audios
//   listener-state.js    what the player is doing, as sync_ack's listener_state says it
//   output-latency.js    how late the speakers sound: kept per browser, the browser's estimate
//   media-session.js     the lock screen's metadata, position and controls

export { backoffDelay } from './backoff.js';
export { ClockOffsetEstimator } from './clock-offset.js';
export { SyncController } from './drift-controller.js';
export { median } from './numbers.js';
export { expectedPlayback, parsePlaybackState, targetPosition } from './playback-schedule.js';
export { LatencyLearner, ReadingFilter } from './player-readings.js';
export { PlaylistMirror } from './playlist-mirror.js';
export { SyncEngine } from './sync-engine.js';
export { LISTENER_STATES, listenerState } from './listener-state.js';
export { browserOutputLatency, clampOutputLatency, loadOutputLatency, saveOutputLatency } from './output-latency.js';
export { artworkFor, MediaSessionBridge } from './media-session.js';
export { DEFAULT_SETTINGS, normalizeSettings } from './sync-settings.js';
