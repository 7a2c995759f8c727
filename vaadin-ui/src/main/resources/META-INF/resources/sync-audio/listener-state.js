// What a listener's player is doing, in the words of `sync_ack`'s `listener_state`: what the host
// sees in the listener list. `offline` is not among them: the server says it of a member with no
// connection.

/** The states a player reports, most telling first: a muted listener that buffers is buffering. */
export const LISTENER_STATES = Object.freeze(['blocked', 'buffering', 'muted', 'background', 'playing']);

/**
 * The state to report: `blocked` (the browser refused autoplay), `buffering` (the room plays and
 * this player waits for data: loading its track, or stalled), `muted` (muted here, on purpose),
 * `background` (the page is hidden: a locked screen or another tab), else `playing`.
 */
export function listenerState({ blocked = false, roomPlaying = false, waiting = false, muted = false, hidden = false } = {}) {
  if (blocked) {
    return 'blocked';
  }
  if (roomPlaying && waiting) {
    return 'buffering';
  }
  if (muted) {
    return 'muted';
  }
  if (hidden) {
    return 'background';
  }
  return 'playing';
}
