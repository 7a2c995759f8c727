// The synchronisation logic of <sync-audio>, free of the DOM: no window, document or Audio here.
// Everything is driven by explicit times (client milliseconds from a monotonic clock) and by
// media objects that look like HTMLMediaElement (currentTime, paused, play() ...), so the same code
// runs in the browser and under Node's test runner with a simulated clock and player.

/** The sync settings of `hello` (spec section 2), with the server's defaults. */
export const DEFAULT_SETTINGS = Object.freeze({
  dead_band_ms: 2,
  seek_threshold_ms: 150,
  max_rate_correction: 0.02,
  resync_interval_ms: 10000,
});

const SETTING_LIMITS = {
  dead_band_ms: [0, 1000],
  seek_threshold_ms: [1, 60000],
  max_rate_correction: [0, 0.25],
  resync_interval_ms: [100, 3600000],
};

/** Merges known, valid values of `input` over `base`; anything else is ignored. */
export function normalizeSettings(input, base = DEFAULT_SETTINGS) {
  const out = { ...base };
  if (input && typeof input === 'object') {
    for (const [key, [min, max]] of Object.entries(SETTING_LIMITS)) {
      const value = Number(input[key]);
      if (input[key] != null && Number.isFinite(value) && value >= min && value <= max) {
        out[key] = value;
      }
    }
  }
  return out;
}

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}

/**
 * Reconnect delay: exponential from `baseMs`, capped at `maxMs`, with jitter (the upper half of
 * the range is random) so that listeners dropped together do not all come back in the same
 * millisecond.
 */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 10000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return ceiling / 2 + (ceiling / 2) * random();
}

/**
 * Client–server clock offset from ping/pong exchanges. The server stamped its pong at some moment
 * between the ping leaving and the pong arriving, so each exchange bounds the offset to an interval
 * as wide as its round trip (plus the millisecond the server's stamp was truncated to, plus the
 * clocks' possible drift since). The estimate is the middle of the intersection of the intervals,
 * newest first, over a sliding window: its lower end comes from the exchange with the quickest way
 * back and its upper end from the one with the quickest way there, so jitter that only ever
 * delays one direction (a busy uplink) does not pull the estimate. Intervals that contradict newer
 * ones (the server's clock stepped) are left out. With a single exchange this is the classic
 * middle of the round trip.
 */
export class ClockOffsetEstimator {
  constructor({ windowMs = 60000, maxSamples = 40, driftPpm = 20 } = {}) {
    this.windowMs = windowMs;
    this.maxSamples = maxSamples;
    this.driftPerMs = driftPpm / 1e6;
    this.samples = [];
  }

  reset() {
    this.samples = [];
  }

  /**
   * One exchange: the client's time when the ping left, the server's time in the pong (whole
   * milliseconds, truncated) and the client's time when the pong arrived. Returns false for a
   * sample that cannot be true.
   */
  add(clientSent, serverTime, clientReceived) {
    const rtt = clientReceived - clientSent;
    if (!Number.isFinite(rtt) || rtt < 0 || !Number.isFinite(serverTime)) {
      return false;
    }
    // the server's true time t lies in [serverTime, serverTime + 1) and was read in [sent, received]
    this.samples.push({ at: clientReceived, rtt, lo: serverTime - clientReceived, hi: serverTime + 1 - clientSent });
    this.prune(clientReceived);
    return true;
  }

  prune(now) {
    this.samples = this.samples.filter((s) => now - s.at <= this.windowMs);
    if (this.samples.length > this.maxSamples) {
      this.samples.splice(0, this.samples.length - this.maxSamples);
    }
  }

  /**
   * `{offsetMs, rttMs, errorBoundMs, samples}` (server time = client time + offsetMs; rttMs the
   * shortest round trip used; errorBoundMs half the interval), or null before any exchange.
   */
  estimate(now) {
    this.prune(now);
    let lo = -Infinity;
    let hi = Infinity;
    let rtt = Infinity;
    let used = 0;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i];
      const widen = Math.max(0, now - s.at) * this.driftPerMs;
      const newLo = Math.max(lo, s.lo - widen);
      const newHi = Math.min(hi, s.hi + widen);
      if (newLo > newHi) {
        break; // contradicts the newer ones: older than a clock step
      }
      lo = newLo;
      hi = newHi;
      rtt = Math.min(rtt, s.rtt);
      used += 1;
    }
    if (!used) {
      return null;
    }
    return { offsetMs: (lo + hi) / 2, rttMs: rtt, errorBoundMs: (hi - lo) / 2, samples: used };
  }
}

/** Median of the last few drift readings: a single reading 5–18 ms off is dropped. */
export class ReadingFilter {
  constructor(size = 3) {
    this.size = size;
    this.values = [];
  }

  reset(seed = []) {
    this.values = seed.slice(-this.size);
  }

  push(value) {
    this.values.push(value);
    if (this.values.length > this.size) {
      this.values.shift();
    }
  }

  get full() {
    return this.values.length >= this.size;
  }

  value() {
    return this.values.length ? median(this.values) : null;
  }
}

/**
 * How long after a command (seek + play, or play) the audio really moves. Starts from a guess that
 * counts as one landing, then learns from each measured landing: the mean of the first few, a
 * moving average after. Each landing moves it by at most `maxStepMs` and it stays within bounds,
 * so a landing that waited for a starved CPU or the network cannot throw it far.
 */
export class LatencyLearner {
  constructor(initialMs, { minMs = 0, maxMs = 400, maxStepMs = 100, weight = 0.25 } = {}) {
    this.initialMs = initialMs;
    this.value = initialMs;
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.maxStepMs = maxStepMs;
    this.weight = weight;
    this.count = 0;
  }

  learn(measuredMs) {
    if (!Number.isFinite(measuredMs)) {
      return;
    }
    const sample = clamp(measuredMs, this.value - this.maxStepMs, this.value + this.maxStepMs);
    this.count += 1;
    const w = Math.max(this.weight, 1 / (this.count + 1));
    this.value = clamp(this.value + w * (sample - this.value), this.minMs, this.maxMs);
  }
}

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

/** Items in their order, each with its index as `position` (copies where it differs). */
function numbered(items) {
  return items.map((item, index) => (item.position === index ? item : { ...item, position: index }));
}

/** Changes kept while a playlist snapshot is awaited (beyond a gap); older ones are dropped. */
const MAX_HELD_CHANGES = 200;

/** Horizon of the proportional rate correction: an error of e ms asks for rate 1 − e / horizon. */
const RATE_HORIZON_MS = 500;
/** No second seek for this long after one, so a slow landing is not chased. */
const MIN_SEEK_INTERVAL_MS = 1000;
/** A landing not seen within this long (buffering) is given up; tracking starts over. */
const SETTLE_TIMEOUT_MS = 5000;
/** A landing further off than this is sought again at once (at most MAX_RESEEKS times in a row). */
const RESEEK_ABOVE_MS = 30;
const MAX_RESEEKS = 2;

/**
 * Decides, at each step, what the player should do to sound where the server's schedule says.
 *
 * `step({now, offset, player, next})`: `now` in client ms, `offset` = server − client clock (ms, or
 * null while unknown), `player` the active audio `{itemId, ready, paused, ended, seeking, stalled,
 * positionMs, rate}`, `next` the idle (preloading) audio `{itemId, ready}`. Returns
 * `{action, ...}` with action one of
 * - `none`;
 * - `load` `{item}`: put the item in the idle audio and make that one active;
 * - `activate`: make the idle audio (which holds the right item) the active one;
 * - `swap` `{item}`: start the preloaded idle audio now (its item starts in `lead` ms) and make it
 *   active, leaving the old one to play out its last milliseconds: gapless;
 * - `play` `{seekTo?}`: seek (when given) and play;
 * - `pause` `{seekTo}`, `seek` `{seekTo}`, `rate` `{rate}`, `stop`;
 * and always `preload` (the item the idle audio should hold, or null), `driftMs` (filtered drift
 * of the active audio, null while unknown), `phase` and `wakeInMs` (when the next step matters).
 */
export class SyncController {
  constructor(settings = {}, { seekLatencyMs = 100, playLatencyMs = 100, startLatencyMs = 90 } = {}) {
    this.settings = normalizeSettings(settings);
    // Three ways of starting sound, each with its own delay (headless Chromium, measured: a seek
    // while playing ~100 ms; seek + play of a paused audio 80–120 ms, the very first one (the audio
    // output opening) up to ~230 ms; play of a preloaded audio at its start 75–100 ms).
    this.seekLatency = new LatencyLearner(seekLatencyMs);
    this.playLatency = new LatencyLearner(playLatencyMs);
    this.startLatency = new LatencyLearner(startLatencyMs);
    this.learners = { seek: this.seekLatency, play: this.playLatency, start: this.startLatency };
    this.filter = new ReadingFilter(3);
    this.state = null;
    this.items = [];
    this.playlistVersion = -1;
    this.playlistBroken = false;
    this.heldChanges = new Map();
    this.landings = [];
    this.reset();
  }

  updateSettings(settings) {
    this.settings = normalizeSettings(settings, this.settings);
  }

  /** Forgets what the connection told and the correction in progress; keeps learned latencies. */
  reset() {
    this.state = null;
    this.items = [];
    this.playlistVersion = -1;
    this.playlistBroken = false;
    this.heldChanges = new Map();
    this.resync();
    this.settle = null;
    this.reseeks = 0;
    this.lastSeekAt = -Infinity;
    this.phase = 'idle';
    this.drift = null;
  }

  /**
   * A new connection: its hello brings the state and playlist (a restarted server or another
   * instance may have a different playlist version); until then keep playing on what is known.
   */
  reconnect() {
    this.playlistVersion = -1;
    this.playlistBroken = false;
    this.heldChanges = new Map();
    this.settle = null;
    this.reseeks = 0;
    this.resync();
  }

  /** Starts measuring afresh (new state, heartbeat, tab visible again, after a stall). */
  resync() {
    this.filter.reset();
    this.correcting = false;
    this.pausedSeekFor = null;
  }

  setPlayback(msg) {
    this.state = parsePlaybackState(msg);
    this.reseeks = 0;
    this.resync();
  }

  /**
   * A whole playlist `{version, items}`: hello's, the `resync` answer, or a `playlist_update` of an
   * older server (which carried the whole list every time). An older snapshot than the list held
   * is ignored. Changes held back for a gap that follow it are applied after it. Returns true when
   * it was taken.
   */
  setPlaylist(playlist) {
    if (!playlist || !Array.isArray(playlist.items)) {
      return false;
    }
    const version = Number(playlist.version);
    if (Number.isFinite(version) && version < this.playlistVersion) {
      return false; // an older snapshot than the one held
    }
    this.playlistVersion = Number.isFinite(version) ? version : this.playlistVersion;
    this.items = numbered([...playlist.items].sort((a, b) => a.position - b.position));
    this.playlistBroken = false;
    this.applyHeldChanges();
    return true;
  }

  /**
   * A `playlist_update`. One carrying `items` is a snapshot (the `resync` form, or an older
   * server's). Otherwise its `change` is applied when its version is the next one; an older or
   * repeated version is ignored; a later one means changes were missed: it is held back and the
   * playlist waits for a snapshot (`playlistGap`; the engine asks for `resync`). A change that does
   * not fit the list held (an unknown op, an item that is not where it should be) also asks for a
   * snapshot. Returns `snapshot`, `applied`, `stale`, `gap` or `ignored`.
   */
  applyPlaylistUpdate(msg) {
    if (!msg || typeof msg !== 'object') {
      return 'ignored';
    }
    if (Array.isArray(msg.items)) {
      return this.setPlaylist(msg) ? 'snapshot' : 'stale';
    }
    const change = msg.change;
    const version = Number(msg.version);
    if (!change || typeof change !== 'object' || !Number.isFinite(version)) {
      return 'ignored';
    }
    if (change.op === 'resync') {
      // the resync form without items: nothing to take, but the list may be behind
      this.playlistBroken = this.playlistBroken || version > this.playlistVersion;
      return this.playlistGap ? 'gap' : 'stale';
    }
    if (this.playlistVersion >= 0 && version <= this.playlistVersion) {
      return 'stale';
    }
    if (this.playlistVersion < 0 || version > this.playlistVersion + 1) {
      this.holdChange(version, change);
      return 'gap';
    }
    if (!this.applyChange(change)) {
      this.playlistBroken = true;
      return 'gap';
    }
    this.playlistVersion = version;
    this.applyHeldChanges();
    return this.playlistGap ? 'gap' : 'applied';
  }

  /** Keeps a change that came after a gap, to apply once the snapshot catches up with it. */
  holdChange(version, change) {
    this.heldChanges.set(version, change);
    if (this.heldChanges.size > MAX_HELD_CHANGES) {
      this.heldChanges.delete(Math.min(...this.heldChanges.keys()));
    }
  }

  /** Applies the held changes that follow the version held; a gap remains while any are left. */
  applyHeldChanges() {
    for (const version of [...this.heldChanges.keys()]) {
      if (version <= this.playlistVersion) {
        this.heldChanges.delete(version);
      }
    }
    while (this.heldChanges.has(this.playlistVersion + 1)) {
      const version = this.playlistVersion + 1;
      const change = this.heldChanges.get(version);
      this.heldChanges.delete(version);
      if (!this.applyChange(change)) {
        this.playlistBroken = true;
        return;
      }
      this.playlistVersion = version;
    }
  }

  /**
   * True while the list is known to miss changes (a version gap, or a change that did not fit):
   * until a snapshot (hello or the `resync` answer) catches up.
   */
  get playlistGap() {
    return this.playlistBroken || this.heldChanges.size > 0;
  }

  /**
   * One change (add, move, remove) on the list held; false when it does not fit (the list is not
   * what the server's was: a snapshot is needed). A move or remove finds its item by `item_id`,
   * else at `from`.
   */
  applyChange(change) {
    const items = [...this.items];
    const id = change.item_id == null ? null : String(change.item_id);
    const at = (from) => {
      let index = id == null ? -1 : items.findIndex((i) => i.item_id === id);
      if (id == null && Number.isInteger(from) && from >= 0 && from < items.length) {
        index = from;
      }
      // not where the server had it: the lists had already parted (applied anyway, by item_id)
      return { index, fits: index >= 0 && (!Number.isInteger(from) || from === index) };
    };
    const position = change.position;
    let fits;
    switch (change.op) {
      case 'add': {
        if (id == null || !change.track || !Number.isInteger(position) || position < 0 || position > items.length) {
          return false;
        }
        const old = items.findIndex((i) => i.item_id === id);
        if (old >= 0) {
          return false; // already there: the lists have parted
        }
        const item = { item_id: id, position, track: change.track };
        for (const key of ['added_by', 'added_by_name', 'added_at']) {
          if (change[key] !== undefined) {
            item[key] = change[key];
          }
        }
        items.splice(position, 0, item);
        fits = true;
        break;
      }
      case 'move': {
        const found = at(change.from);
        if (found.index < 0 || !Number.isInteger(position) || position < 0 || position >= items.length) {
          return false;
        }
        const [item] = items.splice(found.index, 1);
        items.splice(position, 0, item);
        fits = found.fits;
        break;
      }
      case 'remove': {
        const found = at(change.from);
        if (found.index < 0) {
          return false;
        }
        items.splice(found.index, 1);
        fits = found.fits;
        break;
      }
      default:
        return false; // an op this client does not know
    }
    this.items = numbered(items);
    return fits;
  }

  /** What the schedule says at a server time (see expectedPlayback). */
  expected(serverNow) {
    return expectedPlayback(this.state, this.items, serverNow);
  }

  step({ now, offset, player, next }) {
    const result = this.decide(now, offset, player || {}, next || {});
    this.previousStepAt = now;
    return {
      preload: this.preload,
      driftMs: this.drift,
      phase: this.phase,
      wakeInMs: this.wakeInMs,
      ...result,
    };
  }

  decide(now, offset, player, next) {
    const s = this.settings;
    this.preload = null;
    this.wakeInMs = null;
    if (!this.state) {
      return this.idle(player);
    }
    if (offset == null && this.state.playing) {
      this.phase = 'waiting';
      return { action: 'none' };
    }
    const serverNow = now + (offset || 0);
    let exp = this.expected(serverNow);
    if (!exp.item) {
      return this.idle(player);
    }
    const leadMax = this.startLatency.value + 100;
    if (exp.playing && exp.next && player.itemId === exp.next.item_id && exp.endsAt - serverNow <= leadMax) {
      // started early on purpose (a swap): measure it against the next item's schedule
      const ahead = exp.endsAt - serverNow;
      exp = { ...this.expected(exp.endsAt), positionMs: -ahead };
    }
    this.preload = exp.next;

    if (exp.playing && exp.next && player.itemId === exp.item.item_id && next.itemId === exp.next.item_id && next.ready) {
      const startsIn = exp.endsAt - serverNow;
      this.wakeInMs = startsIn - this.startLatency.value;
      if (startsIn <= this.startLatency.value) {
        this.beginSettle('start', now, startsIn);
        this.drift = null;
        return { action: 'swap', item: exp.next, lead: startsIn };
      }
    }
    if (player.itemId !== exp.item.item_id) {
      this.settle = null;
      this.drift = null;
      this.resync();
      this.phase = 'loading';
      if (next.itemId === exp.item.item_id) {
        return { action: 'activate' };
      }
      return { action: 'load', item: exp.item };
    }
    if (!player.ready) {
      this.phase = 'loading';
      return { action: 'none' };
    }
    if (!exp.playing) {
      this.settle = null;
      this.drift = null;
      this.phase = exp.ended ? 'ended' : 'paused';
      if (!player.paused) {
        this.pausedSeekFor = this.state;
        return { action: 'pause', seekTo: exp.positionMs };
      }
      if (this.pausedSeekFor !== this.state && !player.seeking) {
        // once per state: so the next play starts from the right place without a long seek
        this.pausedSeekFor = this.state;
        if (Math.abs(player.positionMs - exp.positionMs) > s.dead_band_ms) {
          return { action: 'seek', seekTo: exp.positionMs };
        }
      }
      return { action: 'none' };
    }
    if (player.stalled) {
      this.phase = 'stalled';
      return { action: 'none' };
    }
    if (player.paused || player.ended) {
      return this.start(now, exp, player);
    }
    if (this.settle) {
      const kind = this.settle.kind;
      const landed = this.settleStep(now, exp, player);
      if (landed === null) {
        return { action: 'none' };
      }
      const reseek = Math.max(RESEEK_ABOVE_MS, 2 * s.dead_band_ms);
      if (kind !== 'start' && Math.abs(landed) > reseek && this.reseeks < MAX_RESEEKS) {
        // landed far off (the guess was wrong, e.g. the audio output's first start): the rate would
        // take seconds to close that; seek again with what was just learned. Not after a gapless
        // track start: a seek there would be heard, the rate change is not.
        this.reseeks += 1;
        return this.seek(now, exp);
      }
      this.reseeks = 0;
    }
    return this.track(now, exp, player);
  }

  idle(player) {
    this.phase = 'idle';
    this.settle = null;
    this.drift = null;
    return player.paused === false ? { action: 'stop' } : { action: 'none' };
  }

  /** Playing, but the audio is not: start it at the scheduled place (also a late join). */
  start(now, exp, player) {
    this.drift = null;
    if (player.ended && Math.abs(player.positionMs - exp.positionMs) < this.playLatency.value + 1000) {
      // the file ended a little before the catalog's duration: wait for the next item
      this.phase = 'waiting';
      return { action: 'none' };
    }
    const seekLead = this.playLatency.value;
    const startLead = this.startLatency.value;
    const atStart = Math.abs(player.positionMs) < 1;
    if (exp.positionMs + startLead < 0 && (atStart || exp.positionMs + seekLead < 0)) {
      // scheduled in the future: wait at the start, and start early by the learned latency
      this.phase = 'waiting';
      this.wakeInMs = -(exp.positionMs + (atStart ? startLead : seekLead));
      if (!atStart && !player.seeking) {
        return { action: 'seek', seekTo: 0 };
      }
      return { action: 'none' };
    }
    if (atStart && exp.positionMs <= 0) {
      this.beginSettle('start', now, -exp.positionMs);
      return { action: 'play' };
    }
    this.beginSettle('play', now, seekLead);
    this.lastSeekAt = now;
    return { action: 'play', seekTo: this.seekTarget(exp, seekLead) };
  }

  seekTarget(exp, lead) {
    const duration = Number(exp.item.track && exp.item.track.duration_ms);
    const to = Math.max(0, exp.positionMs + lead);
    return Number.isFinite(duration) ? Math.min(to, Math.max(0, duration - 1)) : to;
  }

  beginSettle(kind, now, lead) {
    this.settle = { kind, since: now, lead, last: null, run: 0, errors: [] };
    this.correcting = false;
    this.filter.reset();
    this.phase = 'settling';
  }

  /**
   * After a seek, play or swap: waits until the audio moves, measures where it landed and learns
   * from it. Returns the landing error (ms), 0 when it gave up waiting, null while waiting.
   */
  settleStep(now, exp, player) {
    const st = this.settle;
    this.phase = 'settling';
    if (now - st.since > SETTLE_TIMEOUT_MS) {
      this.settle = null;
      this.resync();
      return 0;
    }
    if (player.seeking) {
      st.last = null;
      st.run = 0;
      return null;
    }
    const pos = player.positionMs;
    let advancing = false;
    if (st.last) {
      const dt = now - st.last.now;
      const dp = pos - st.last.pos;
      advancing = dt > 0 && dp > 0.5 * dt && dp < 2 * dt;
    }
    st.last = { now, pos };
    st.run = advancing ? st.run + 1 : 0;
    if (st.run < 2) {
      return null;
    }
    st.errors.push(pos - exp.positionMs);
    if (st.errors.length < 3) {
      return null;
    }
    const landed = median(st.errors);
    if (Math.abs(landed) < 400) {
      // aimed `lead` ahead; the audio moved `lead − landed` after the command
      this.learners[st.kind].learn(st.lead - landed);
      this.landings.push({ kind: st.kind, errorMs: landed, lead: st.lead, at: now });
      if (this.landings.length > 50) {
        this.landings.shift();
      }
    }
    this.settle = null;
    this.filter.reset(st.errors);
    return landed;
  }

  seek(now, exp) {
    const lead = this.seekLatency.value;
    this.beginSettle('seek', now, lead);
    this.lastSeekAt = now;
    return { action: 'seek', seekTo: this.seekTarget(exp, lead), rate: 1 };
  }

  /** Steady playback: nothing in the dead band, rate correction up to the seek threshold, seek beyond. */
  track(now, exp, player) {
    const s = this.settings;
    this.filter.push(player.positionMs - exp.positionMs);
    this.phase = this.correcting ? 'correcting' : 'tracking';
    if (!this.filter.full) {
      return { action: 'none' };
    }
    const error = this.filter.value();
    this.drift = error;
    if (Math.abs(error) > s.seek_threshold_ms) {
      if (now - this.lastSeekAt < MIN_SEEK_INTERVAL_MS) {
        return this.setRate(1, player);
      }
      return this.seek(now, exp);
    }
    if (this.correcting) {
      // back to 1.0 once well inside the dead band, or if the error crossed zero
      if (Math.abs(error) <= s.dead_band_ms / 2 || Math.sign(error) !== this.correcting) {
        this.correcting = false;
      }
    } else if (Math.abs(error) > s.dead_band_ms && s.max_rate_correction > 0) {
      this.correcting = Math.sign(error);
    }
    this.phase = this.correcting ? 'correcting' : 'tracking';
    if (!this.correcting) {
      return this.setRate(1, player);
    }
    const max = s.max_rate_correction;
    // steps far apart (a background tab's throttled timer) would overshoot with the short horizon
    const horizon = Math.max(RATE_HORIZON_MS, 2 * (now - (this.previousStepAt ?? now)));
    return this.setRate(clamp(1 - error / horizon, 1 - max, 1 + max), player);
  }

  setRate(rate, player) {
    if (Math.abs((player.rate ?? 1) - rate) < 1e-5) {
      return { action: 'none' };
    }
    return { action: 'rate', rate };
  }
}

/** Reading `currentTime` and the clock together: one snapshot of a media object for the controller. */
function snapshot(slot, now) {
  const a = slot.audio;
  return {
    itemId: slot.itemId,
    ready: slot.itemId != null && a.readyState >= 2,
    paused: !!a.paused,
    ended: !!a.ended,
    seeking: !!a.seeking,
    stalled: slot.stalled,
    positionMs: a.currentTime * 1000,
    rate: a.playbackRate,
    at: now,
  };
}

/** Pings sent quickly for the first clock estimate (and after a resync), then one every interval. */
const PING_BURST = 8;
const PING_BURST_SPACING_MS = 100;
const PING_INTERVAL_MS = 3000;
const ACK_INTERVAL_MS = 2000;
const TICK_MS = 50;
/** A `resync` request unanswered for this long is sent again, each time waiting twice as long. */
const RESYNC_TIMEOUT_MS = 5000;
const RESYNC_TIMEOUT_MAX_MS = 60000;

/**
 * Drives two media objects (the active one and the one preloading the next track) from the sync
 * protocol: feed it the server's messages (`receive`), call `tick()` on a timer (it returns how
 * many ms until it wants the next tick) and it sends `ping`s and `sync_ack`s through `send`,
 * emits `drift` and `autoplay-blocked` through `emit`, and plays, seeks, changes rate and swaps
 * tracks on the media objects. `now` is the client's monotonic clock in ms.
 */
export class SyncEngine {
  constructor({ now, send, emit = () => {}, audios, resolveUrl = (u) => u, settings, controller } = {}) {
    this.now = now;
    this.send = send;
    this.emit = emit;
    this.resolveUrl = resolveUrl;
    this.controller = controller || new SyncController(settings);
    this.estimator = new ClockOffsetEstimator();
    this.slots = audios.map((audio) => ({ audio, itemId: null, stalled: false, tailUntil: null }));
    this.active = 0;
    this.blocked = false;
    this.stopped = false;
    this.connected = false;
    this.lastOffset = null;
    this.lastMessageAt = null;
    this.lastAction = null;
    this.role = null;
    this.memberId = null;
    this.resyncAskedAt = null; // a playlist snapshot asked for (resync, or the hello of a new connection)
    this.resyncTimeout = RESYNC_TIMEOUT_MS;
    this.resyncRequests = 0;
    for (const slot of this.slots) {
      disablePitchPreservation(slot.audio);
    }
  }

  get activeSlot() {
    return this.slots[this.active];
  }

  get idleSlot() {
    return this.slots[1 - this.active];
  }

  /** The connection is open: a new connection may reach another instance, so measure afresh. */
  onOpen() {
    const now = this.now();
    this.connected = true;
    this.stopped = false;
    this.controller.reconnect();
    // another instance, or a restarted server, may keep another clock
    this.estimator.reset();
    this.pingsLeft = PING_BURST;
    this.nextPingAt = now;
    this.nextAckAt = now + ACK_INTERVAL_MS;
    this.lastMessageAt = now;
    // the hello due on this connection brings the playlist: no resync before it (or its timeout)
    this.resyncAskedAt = now;
    this.resyncTimeout = RESYNC_TIMEOUT_MS;
  }

  /** The connection is gone: keep playing on the last known state until it is back. */
  onClose() {
    this.connected = false;
  }

  /** The session is over (ended, kicked): silence. */
  stop() {
    this.stopped = true;
    this.connected = false;
    for (const slot of this.slots) {
      slot.audio.pause();
    }
  }

  applySettings(settings) {
    this.controller.updateSettings(settings);
  }

  get settings() {
    return this.controller.settings;
  }

  /** True when the server has said nothing for much longer than its heartbeat interval. */
  isStale(now = this.now()) {
    return (
      this.connected &&
      this.lastMessageAt != null &&
      now - this.lastMessageAt > 2 * this.controller.settings.resync_interval_ms + 5000
    );
  }

  receive(msg) {
    const now = this.now();
    this.lastMessageAt = now;
    if (!msg || typeof msg !== 'object') {
      return;
    }
    switch (msg.type) {
      case 'hello':
        this.role = msg.role;
        this.memberId = msg.member_id;
        this.applySettings(msg.settings);
        this.controller.setPlaylist(msg.playlist);
        this.controller.setPlayback(msg.playback_state);
        this.snapshotArrived(now);
        break;
      case 'playback_state':
        this.controller.setPlayback(msg);
        break;
      case 'playlist_update': {
        const outcome = this.controller.applyPlaylistUpdate(msg);
        if (outcome === 'snapshot' || (msg.change && msg.change.op === 'resync')) {
          this.snapshotArrived(now);
        } else if (this.controller.playlistGap) {
          this.askForResync(now);
        }
        break;
      }
      case 'settings':
      case 'settings_update':
        this.applySettings(msg.settings || msg);
        break;
      case 'pong':
        if (this.estimator.add(Number(msg.client_time), Number(msg.server_time), now)) {
          this.lastOffset = this.estimator.estimate(now).offsetMs;
        }
        break;
      case 'session_ended':
        this.stop();
        break;
      default:
        break;
    }
  }

  /**
   * A playlist snapshot came (hello, the resync form, an older server's whole list): the request
   * is answered. If changes are still missing, the next request waits for the timeout, so a server
   * that keeps answering with an old snapshot is not asked in a loop.
   */
  snapshotArrived(now) {
    if (this.controller.playlistGap) {
      this.askForResync(now);
    } else {
      this.resyncAskedAt = null;
      this.resyncTimeout = RESYNC_TIMEOUT_MS;
    }
  }

  /**
   * The playlist missed changes: asks the server for `resync` (a snapshot), once; again only when
   * no answer came within the timeout (which doubles at each retry).
   */
  askForResync(now) {
    if (!this.connected || this.stopped) {
      return;
    }
    if (this.resyncAskedAt != null) {
      if (now - this.resyncAskedAt < this.resyncTimeout) {
        return; // one outstanding request
      }
      this.resyncTimeout = Math.min(2 * this.resyncTimeout, RESYNC_TIMEOUT_MAX_MS);
    }
    this.resyncAskedAt = now;
    this.resyncRequests += 1;
    this.send({ type: 'resync' });
  }

  /** Measure afresh: tab visible again, after a stall, after reconnecting. */
  resync(burst = true) {
    this.controller.resync();
    if (burst) {
      this.pingsLeft = Math.max(this.pingsLeft || 0, 3);
      this.nextPingAt = this.now();
    }
  }

  /** A media event of one of the audios (waiting, stalled, playing, ...). */
  mediaEvent(audio, type) {
    const slot = this.slots.find((s) => s.audio === audio);
    if (!slot) {
      return;
    }
    if (type === 'waiting' || (type === 'stalled' && audio.readyState < 3)) {
      slot.stalled = true;
    } else if (type === 'playing' || type === 'canplaythrough' || type === 'seeked') {
      if (slot.stalled) {
        slot.stalled = false;
        if (slot === this.activeSlot) {
          this.controller.resync();
        }
      }
    } else if (type === 'emptied') {
      slot.stalled = false;
    }
  }

  /** After a user gesture (the "Tap to start audio" button): play now, inside the gesture. */
  unlock() {
    this.blocked = false;
    this.controller.resync();
    this.controller.settle = null;
    return this.tick();
  }

  offset() {
    const estimate = this.estimator.estimate(this.now());
    return estimate ? estimate.offsetMs : this.lastOffset;
  }

  /** One control step; returns the delay in ms until the next one. */
  tick() {
    if (this.stopped) {
      return TICK_MS * 4;
    }
    const now = this.now();
    this.pings(now);
    if (this.controller.playlistGap) {
      this.askForResync(now); // again, if the last request went unanswered
    }
    this.releaseTail(now);
    const estimate = this.estimator.estimate(now);
    const offset = estimate ? estimate.offsetMs : this.lastOffset;
    const player = snapshot(this.activeSlot, now);
    const next = snapshot(this.idleSlot, now);
    next.ready = next.itemId != null && this.idleSlot.audio.readyState >= 3 && this.idleSlot.tailUntil == null;
    const decision = this.controller.step({ now, offset, player, next });
    this.lastAction = decision;
    this.apply(decision, now);
    if (decision.preload && decision.action !== 'load' && decision.action !== 'swap' && decision.action !== 'activate') {
      this.preload(decision.preload);
    }
    if (now >= this.nextAckAt) {
      this.nextAckAt = now + ACK_INTERVAL_MS;
      this.report(decision, estimate, player);
    }
    let wait = TICK_MS;
    if (decision.wakeInMs != null && decision.wakeInMs >= 0) {
      wait = Math.min(wait, Math.max(1, decision.wakeInMs));
    }
    if (this.connected && this.pingsLeft > 0) {
      wait = Math.min(wait, Math.max(1, this.nextPingAt - now));
    }
    return wait;
  }

  pings(now) {
    if (!this.connected || now < this.nextPingAt) {
      return;
    }
    this.send({ type: 'ping', client_time: now });
    if (this.pingsLeft > 0) {
      this.pingsLeft -= 1;
      this.nextPingAt = now + PING_BURST_SPACING_MS;
    } else {
      this.nextPingAt = now + PING_INTERVAL_MS;
    }
  }

  /** The old audio of a swap plays out its last milliseconds, then pauses. */
  releaseTail(now) {
    const idle = this.idleSlot;
    if (idle.tailUntil != null && (now >= idle.tailUntil || idle.audio.paused || idle.audio.ended)) {
      idle.tailUntil = null;
      idle.audio.pause();
    }
  }

  report(decision, estimate, player) {
    const playing = decision.driftMs != null && this.controller.state && this.controller.state.playing;
    const detail = {
      driftMs: decision.driftMs,
      offsetMs: estimate ? estimate.offsetMs : this.lastOffset,
      rttMs: estimate ? estimate.rttMs : null,
      rate: player.rate,
      state: this.blocked ? 'blocked' : decision.phase,
    };
    this.emit('drift', detail);
    if (playing && this.connected) {
      this.send({
        type: 'sync_ack',
        track_id: this.controller.state.trackId,
        position_ms: Math.round(player.positionMs),
        drift_ms: Math.round(decision.driftMs * 100) / 100,
      });
    }
  }

  apply(decision, now) {
    const a = this.activeSlot.audio;
    switch (decision.action) {
      case 'load': {
        const idle = this.idleSlot;
        if (idle.itemId !== decision.item.item_id) {
          this.load(idle, decision.item);
        }
        this.activate();
        break;
      }
      case 'activate':
        this.activate();
        break;
      case 'swap': {
        const old = this.activeSlot;
        this.active = 1 - this.active;
        const fresh = this.activeSlot;
        fresh.audio.playbackRate = 1;
        this.play(fresh.audio);
        // let the old one sound until the new one does, then pause it
        old.tailUntil = now + Math.max(0, decision.lead || 0) + 250;
        old.audio.playbackRate = 1;
        break;
      }
      case 'play':
        if (this.blocked) {
          break;
        }
        a.playbackRate = 1;
        if (decision.seekTo != null) {
          a.currentTime = decision.seekTo / 1000;
        }
        this.play(a);
        break;
      case 'pause':
        a.pause();
        a.playbackRate = 1;
        if (decision.seekTo != null) {
          a.currentTime = decision.seekTo / 1000;
        }
        break;
      case 'seek':
        a.playbackRate = 1;
        a.currentTime = decision.seekTo / 1000;
        break;
      case 'rate':
        disablePitchPreservation(a);
        a.playbackRate = decision.rate;
        break;
      case 'stop':
        for (const slot of this.slots) {
          slot.audio.pause();
        }
        break;
      default:
        break;
    }
  }

  activate() {
    const old = this.activeSlot;
    this.active = 1 - this.active;
    old.tailUntil = null;
    old.audio.pause();
    old.audio.playbackRate = 1;
  }

  load(slot, item) {
    const url = item.track && item.track.stream_url;
    slot.itemId = item.item_id;
    slot.stalled = false;
    slot.tailUntil = null;
    slot.audio.pause();
    slot.audio.playbackRate = 1;
    slot.audio.src = url ? this.resolveUrl(url) : '';
    if (typeof slot.audio.load === 'function') {
      slot.audio.load();
    }
  }

  preload(item) {
    const idle = this.idleSlot;
    if (idle.tailUntil == null && idle.itemId !== item.item_id) {
      this.load(idle, item);
    }
  }

  play(audio) {
    let result;
    try {
      result = audio.play();
    } catch (e) {
      result = Promise.reject(e);
    }
    if (result && typeof result.catch === 'function') {
      result.catch((err) => {
        if (err && err.name === 'NotAllowedError' && !this.blocked) {
          this.blocked = true;
          this.emit('autoplay-blocked', {});
        }
      });
    }
  }
}

/** Chromium's pitch-preserving stretch steps the position back ~22 ms at every rate change. */
function disablePitchPreservation(audio) {
  audio.preservesPitch = false;
  audio.mozPreservesPitch = false;
  audio.webkitPreservesPitch = false;
}
