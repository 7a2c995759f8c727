// The drift controller: at each step, what the player should do to sound where the server's
// schedule says — load, start, swap gaplessly, seek, or nudge the playback rate within the dead band
// and seek threshold — and what it learns from where each command landed.

import { clamp, median } from './numbers.js';
import { expectedPlayback, parsePlaybackState } from './playback-schedule.js';
import { LatencyLearner, ReadingFilter } from './player-readings.js';
import { PlaylistMirror } from './playlist-mirror.js';
import { normalizeSettings } from './sync-settings.js';

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
 * `step({now, offset, offsetUncertainty, player, next})`: `now` in client ms, `offset` = server −
 * client clock (ms, or null while unknown) and its standard error, `player` the active audio `{itemId, ready, paused, ended, seeking, stalled,
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
export class SyncController extends PlaylistMirror {
  constructor(settings = {}, { seekLatencyMs = 100, playLatencyMs = 100, startLatencyMs = 90 } = {}) {
    super();
    this.settings = normalizeSettings(settings);
    // Three ways of starting sound, each with its own delay (headless Chromium, measured: a seek
    // while playing ~100 ms; seek + play of a paused audio 80–120 ms, the very first one (the audio
    // output opening) up to ~230 ms; play of a preloaded audio at its start 75–100 ms).
    this.seekLatency = new LatencyLearner(seekLatencyMs);
    this.playLatency = new LatencyLearner(playLatencyMs);
    this.startLatency = new LatencyLearner(startLatencyMs);
    this.learners = { seek: this.seekLatency, play: this.playLatency, start: this.startLatency };
    this.filter = new ReadingFilter(3, 5);
    this.state = null;
    this.landings = [];
    this.reset();
  }

  updateSettings(settings) {
    this.settings = normalizeSettings(settings, this.settings);
  }

  /** Forgets what the connection told and the correction in progress; keeps learned latencies. */
  reset() {
    this.state = null;
    this.forgetPlaylist();
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
    this.forgetPlaylistVersion();
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

  /** What the schedule says at a server time (see expectedPlayback). */
  expected(serverNow) {
    return expectedPlayback(this.state, this.items, serverNow);
  }

  step({ now, offset, offsetUncertainty = 0, player, next }) {
    this.clockUncertainty = Number.isFinite(offsetUncertainty) ? Math.max(0, offsetUncertainty) : 0;
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
      // back to 1.0 once close to zero (a quarter of the dead band), or if the error crossed it:
      // stopping at the dead band's edge would leave the listener there, a millisecond or two off
      if (Math.abs(error) <= s.dead_band_ms / 4 || Math.sign(error) !== this.correcting) {
        this.correcting = false;
      }
    } else if (Math.abs(error) > this.band() && s.max_rate_correction > 0) {
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

  /**
   * Where correction starts: the dead band is a promise about the true error, and the error seen
   * is off by as much as the clock estimate is, so the band is narrowed by the estimate's standard
   * error (to no less than half of it).
   */
  band() {
    const s = this.settings;
    return Math.max(s.dead_band_ms / 2, s.dead_band_ms - (this.clockUncertainty || 0));
  }

  setRate(rate, player) {
    if (Math.abs((player.rate ?? 1) - rate) < 1e-5) {
      return { action: 'none' };
    }
    return { action: 'rate', rate };
  }
}
