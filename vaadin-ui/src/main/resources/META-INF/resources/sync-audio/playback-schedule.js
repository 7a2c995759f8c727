// Where the music should be: a `playback_state` parsed, and the position and item it means at a
// given server time, moved over every track that has ended since.

/** Parses a `playback_state` (from `hello` or a broadcast) into numbers; null when none. */
export function parsePlaybackState(msg) {
  if (!msg || typeof msg !== 'object' || msg.item_id == null) {
    return null;
  }
  const updatedAt = typeof msg.updated_at === 'number' ? msg.updated_at : Date.parse(msg.updated_at);
  const positionMs = Number(msg.position_ms);
  if (!Number.isFinite(updatedAt) || !Number.isFinite(positionMs)) {
    return null;
  }
  return {
    itemId: String(msg.item_id),
    trackId: msg.track_id == null ? null : String(msg.track_id),
    positionMs,
    playing: msg.state === 'playing',
    updatedAt,
    durationMs: msg.duration_ms == null ? null : Number(msg.duration_ms),
  };
}

/** Target position of a state at a server time: position_ms + (server_now − updated_at) while playing. */
export function targetPosition(state, serverNow) {
  return state.playing ? state.positionMs + (serverNow - state.updatedAt) : state.positionMs;
}

/**
 * What should be heard at `serverNow`: the state's item and position, moved over every track that
 * has ended since (as the server does at each track's end: the next item starts exactly when the
 * previous ended, and playback pauses at the end of the last), so a player changes track on time
 * without waiting for the server's message. Items are the playlist's, with `track.duration_ms`.
 *
 * Returns `{item, positionMs, playing, ended, startsAt, endsAt, next}` (times in server ms); `item`
 * is null when nothing is loaded or the playlist does not know the state's item yet.
 */
export function expectedPlayback(state, items, serverNow) {
  const none = { item: null, positionMs: 0, playing: false, ended: false, next: null };
  if (!state) {
    return none;
  }
  const list = [...(items || [])].sort((a, b) => a.position - b.position);
  let index = list.findIndex((i) => i.item_id === state.itemId);
  if (index < 0) {
    return none;
  }
  let startsAt = state.updatedAt - state.positionMs;
  let positionMs = targetPosition(state, serverNow);
  const duration = (i) => Number(list[i].track && list[i].track.duration_ms);
  while (state.playing && Number.isFinite(duration(index)) && positionMs >= duration(index)) {
    if (index + 1 >= list.length) {
      return {
        item: list[index],
        positionMs: duration(index),
        playing: false,
        ended: true,
        startsAt,
        endsAt: startsAt + duration(index),
        next: null,
      };
    }
    positionMs -= duration(index);
    startsAt += duration(index);
    index += 1;
  }
  const last = index + 1 >= list.length;
  return {
    item: list[index],
    positionMs,
    playing: state.playing,
    // paused at the end of the last track: the end of the playlist
    ended: !state.playing && last && Number.isFinite(duration(index)) && positionMs >= duration(index),
    startsAt,
    endsAt: Number.isFinite(duration(index)) ? startsAt + duration(index) : Infinity,
    next: list[index + 1] || null,
  };
}
