// The engine of <sync-audio>: the sync protocol's messages in, pings and acks out, the clock
// offset and the drift controller's decisions applied to two media objects (one playing, one
// preloading the next track).

import { ClockOffsetEstimator } from './clock-offset.js';
import { SyncController } from './drift-controller.js';

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

/**
 * Pings sent quickly for the first clock estimate (and after a resync), then more often while the
 * estimate is uncertain (a jittery path needs hundreds of samples for a millisecond), else one
 * every few seconds.
 */
const PING_BURST = 12;
const PING_BURST_SPACING_MS = 50;
const PING_UNCERTAIN_MS = 100;
const PING_FAIR_MS = 250;
const PING_GOOD_MS = 1000;
const PING_INTERVAL_MS = 3000;
/** Below this standard error (ms) of the clock estimate, pings slow down. */
const CLOCK_FAIR_MS = 0.5;
const CLOCK_GOOD_MS = 0.25;
const CLOCK_FINE_MS = 0.15;
const ACK_INTERVAL_MS = 2000;
const TICK_MS = 50;
/** A `resync` request unanswered for this long is sent again, each time waiting twice as long. */
const RESYNC_TIMEOUT_MS = 5000;
const RESYNC_TIMEOUT_MAX_MS = 60000;
/**
 * Stream URLs expire (the server's `stream_url_ttl_s`): when one the player needs soon (the current
 * item's, the next one's, a loaded one's) has less than this left, it asks for `resync`, whose
 * answer carries fresh URLs.
 */
export const URL_REFRESH_MARGIN_MS = 60000;
/** At most one such request this often, whatever the URLs say. */
export const URL_REFRESH_SPACING_MS = 30000;

/** When a signed stream URL expires (epoch ms, from its `exp`), or null when it does not say. */
export function streamUrlExpiry(url) {
  const m = /[?&]exp=(\d{1,15})(?:&|$)/.exec(url || '');
  return m ? Number(m[1]) * 1000 : null;
}

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
    this.slots = audios.map((audio) => ({ audio, itemId: null, url: null, failed: false, stalled: false, tailUntil: null }));
    this.urlsAskedAt = null; // fresh stream URLs asked for (a `resync`)
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
    } else if (type === 'error') {
      // an expired URL (a range asked for late, a track loaded long after its URL came) fails:
      // the next step reloads it once a fresh one is there
      slot.failed = true;
    }
  }

  /**
   * Keeps the stream URLs usable: asks for fresh ones (`resync`) when one the player needs soon
   * expires within the margin, and reloads a slot whose URL failed, or (not playing) is about to
   * expire, once the playlist holds a fresher one for its item.
   */
  refreshUrls(now, serverNow) {
    const c = this.controller;
    const byId = (id) => (id == null ? null : c.items.find((it) => it.item_id === id) || null);
    const needed = [];
    if (c.state && c.state.itemId != null) {
      const at = c.items.findIndex((it) => it.item_id === c.state.itemId);
      if (at >= 0) {
        needed.push(c.items[at].track && c.items[at].track.stream_url);
        if (at + 1 < c.items.length) {
          needed.push(c.items[at + 1].track && c.items[at + 1].track.stream_url);
        }
      }
    }
    const soon = (url) => {
      const exp = streamUrlExpiry(url);
      return exp != null && exp - serverNow < URL_REFRESH_MARGIN_MS;
    };
    for (const slot of this.slots) {
      const item = byId(slot.itemId);
      const fresh = item && item.track && item.track.stream_url;
      if (slot.url && (slot.failed || soon(slot.url))) {
        if (fresh && fresh !== slot.url && !soon(fresh)) {
          const playing = slot === this.activeSlot && !slot.failed;
          if (!playing) {
            // reloaded: the controller finds it not ready and seeks it where it belongs
            this.load(slot, item);
            if (slot === this.activeSlot) {
              this.controller.resync();
            }
          }
        } else {
          needed.push(slot.url);
        }
      }
    }
    if (
      this.connected &&
      !this.stopped &&
      needed.some(soon) &&
      (this.urlsAskedAt == null || now - this.urlsAskedAt >= URL_REFRESH_SPACING_MS)
    ) {
      this.urlsAskedAt = now;
      this.send({ type: 'resync' });
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
    this.refreshUrls(now, now + (offset || 0));
    const player = snapshot(this.activeSlot, now);
    const next = snapshot(this.idleSlot, now);
    next.ready = next.itemId != null && this.idleSlot.audio.readyState >= 3 && this.idleSlot.tailUntil == null;
    const decision = this.controller.step({ now, offset, offsetUncertainty: estimate ? estimate.uncertaintyMs : 0, player, next });
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
      this.nextPingAt = now + this.pingInterval(now);
    }
  }

  /** How long until the next ping: sooner while the clock estimate is uncertain. */
  pingInterval(now) {
    const estimate = this.estimator.estimate(now);
    if (!estimate || estimate.uncertaintyMs > CLOCK_FAIR_MS) {
      return PING_UNCERTAIN_MS;
    }
    if (estimate.uncertaintyMs > CLOCK_GOOD_MS) {
      return PING_FAIR_MS;
    }
    return estimate.uncertaintyMs > CLOCK_FINE_MS ? PING_GOOD_MS : PING_INTERVAL_MS;
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
    slot.url = url || null;
    slot.failed = false;
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
