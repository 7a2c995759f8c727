// A simulated world for the sync logic: one clock, a server with its own (offset) clock and a
// network with jitter, and fake <audio> elements that behave as measured in headless Chromium:
// the position advances at rate × dt (the audio clock a little off real time), readings jitter by
// ~0.07 ms with an occasional single reading 5–18 ms off, a seek (or a play after one) lands
// 80–120 ms late (the very first seek + play of a page ~230 ms: the audio output opens), a clean
// play of a preloaded track starts 80–100 ms late, and a rate change with pitch preservation on
// steps the position back ~22 ms.

import { expectedPlayback, parsePlaybackState } from '../../main/resources/META-INF/resources/sync-audio/playback-schedule.js';
import { SyncEngine } from '../../main/resources/META-INF/resources/sync-audio/sync-engine.js';

/** Deterministic random numbers (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class World {
  constructor({ seed = 1, start = 5_000_000 } = {}) {
    this.now = start;
    this.random = rng(seed);
    this.events = [];
    this.durations = new Map();
    this.autoplayBlocked = false;
    this.outputOpen = false; // the first sound of the page waits for the audio output to open
    this.log = []; // when each audio started and stopped sounding
  }

  uniform(min, max) {
    return min + (max - min) * this.random();
  }

  gaussian(sigma) {
    const u = Math.max(this.random(), 1e-12);
    const v = this.random();
    return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  exponential(mean) {
    return -mean * Math.log(Math.max(this.random(), 1e-12));
  }

  at(time, fn) {
    this.events.push({ time, fn });
    this.events.sort((a, b) => a.time - b.time);
  }

  /** Runs due events and the tick function up to `until`, in 0.5 ms steps. */
  run(until, onStep) {
    while (this.now < until) {
      this.now += 0.5;
      while (this.events.length && this.events[0].time <= this.now) {
        this.events.shift().fn();
      }
      if (onStep) {
        onStep(this.now);
      }
    }
  }
}

export class FakeAudio {
  constructor(world, params = {}) {
    this.w = world;
    this.p = {
      clockRate: 1 + 4e-5,
      jitterMs: 0.07,
      outlierChance: 0.01,
      seekLatency: () => world.uniform(80, 120),
      startLatency: () => world.uniform(80, 100),
      openLatency: () => world.uniform(220, 240),
      loadDelay: () => world.uniform(150, 400),
      ...params,
    };
    this._src = '';
    this.pos = 0;
    this._paused = true;
    this._ended = false;
    this._rate = 1;
    this.resumeAt = 0;
    this.seekingUntil = 0;
    this.readyAt = Infinity;
    this.last = world.now;
    this.seekedWhilePaused = false;
    this.stallUntil = 0;
    this.preservesPitch = true;
    this.listeners = [];
    this.movingSince = null; // when the audio last started to sound
  }

  get duration() {
    return this.w.durations.get(this._src) ?? NaN;
  }

  advance() {
    const now = this.w.now;
    if (!this._paused && !this._ended && now >= this.readyAt) {
      const from = Math.max(this.last, this.resumeAt, this.stallUntil);
      if (now > from) {
        if (this.movingSince == null) {
          this.movingSince = from;
          this.w.log.push({ type: 'start', at: from, src: this._src, audio: this });
        }
        this.pos += (now - from) * this._rate * this.p.clockRate;
        if (this.pos >= this.duration) {
          this.pos = this.duration;
          this._ended = true;
          this._paused = true;
          this.endedAt = now;
          this.w.log.push({ type: 'end', at: now, src: this._src, audio: this });
        }
      }
    }
    this.last = now;
  }

  truePositionMs() {
    this.advance();
    return this.pos;
  }

  /** Sounding now: playing and past its start latency and any stall. */
  sounding() {
    const now = this.w.now;
    return !this._paused && !this._ended && now > this.resumeAt && now > this.stallUntil && now >= this.readyAt;
  }

  get currentTime() {
    this.advance();
    let noise = this.w.gaussian(this.p.jitterMs);
    if (this.w.random() < this.p.outlierChance) {
      noise += (this.w.random() < 0.5 ? -1 : 1) * this.w.uniform(5, 18);
    }
    return Math.max(0, this.pos + noise) / 1000;
  }

  set currentTime(seconds) {
    this.advance();
    this.pos = Math.min(Math.max(0, seconds * 1000), this.duration || Infinity);
    this._ended = false;
    this.movingSince = null;
    if (this._paused) {
      this.seekedWhilePaused = true;
      this.seekingUntil = this.w.now + 5;
    } else {
      this.resumeAt = this.w.now + this.p.seekLatency();
      this.seekingUntil = this.resumeAt;
    }
  }

  get seeking() {
    return this.w.now < this.seekingUntil;
  }

  get paused() {
    this.advance();
    return this._paused;
  }

  get ended() {
    this.advance();
    return this._ended;
  }

  get readyState() {
    return this._src && this.w.now >= this.readyAt ? 4 : 0;
  }

  get playbackRate() {
    return this._rate;
  }

  set playbackRate(rate) {
    this.advance();
    if (rate !== this._rate && this.preservesPitch && !this._paused) {
      this.pos = Math.max(0, this.pos - 22);
    }
    this._rate = rate;
  }

  get src() {
    return this._src;
  }

  set src(url) {
    this._src = url;
    this.pos = 0;
    this._paused = true;
    this._ended = false;
    this.movingSince = null;
    this.readyAt = this.w.now + this.p.loadDelay();
  }

  load() {}

  play() {
    this.advance();
    if (this.w.autoplayBlocked && !this.w.gesture) {
      const err = new Error('play() failed because the user did not interact');
      err.name = 'NotAllowedError';
      return Promise.reject(err);
    }
    if (this._paused) {
      this._paused = false;
      this._ended = false;
      this.movingSince = null;
      let latency = this.seekedWhilePaused ? this.p.seekLatency() : this.p.startLatency();
      if (!this.w.outputOpen) {
        this.w.outputOpen = true;
        latency = this.p.openLatency();
      }
      this.resumeAt = Math.max(this.resumeAt, Math.max(this.w.now, this.readyAt) + latency);
      this.seekedWhilePaused = false;
    }
    return Promise.resolve();
  }

  pause() {
    this.advance();
    if (this.sounding()) {
      this.w.log.push({ type: 'pause', at: this.w.now, src: this._src, audio: this });
    }
    this._paused = true;
    this.seekedWhilePaused = false;
  }

  stall(ms) {
    this.advance();
    this.stallUntil = this.w.now + ms;
  }
}

/**
 * One direction of a network path, as a TCP connection sees it: each message is delayed by a draw
 * from a normal distribution (never below a floor), some by a retransmission-like spike on top,
 * and none overtakes an earlier one (order kept: a spike holds up what follows). `set()` changes
 * the model during a run (a path that worsens).
 */
export class Path {
  constructor(world, { meanMs, sdMs = 0, spikeChance = 0, spikeMs = 0, floorMs = 0.2 } = {}) {
    this.w = world;
    this.set({ meanMs, sdMs, spikeChance, spikeMs, floorMs });
  }

  set(params) {
    this.p = { ...this.p, ...params };
  }

  delay() {
    const { meanMs, sdMs, spikeChance, spikeMs, floorMs } = this.p;
    let d = Math.max(floorMs, meanMs + this.w.gaussian(sdMs));
    if (spikeChance > 0 && this.w.random() < spikeChance) {
      d += spikeMs;
    }
    return d;
  }
}

export function track(id, durationMs) {
  return { id, title: id, duration_ms: durationMs, stream_url: `/api/tracks/${id}/stream?sig=x` };
}

export function item(n, t) {
  return { item_id: `item-${n}`, position: n, track: t };
}

/** The server: authoritative state, its own clock, a network with (asymmetric) jitter. */
export class FakeServer {
  constructor(world, { offsetMs = 123_456.789, up = () => 1 + world.exponential(3), down = () => 1 + world.exponential(0.5), items = [] } = {}) {
    this.w = world;
    this.offsetMs = offsetMs;
    // a delay function, or a Path
    this.up = typeof up === 'function' ? up : () => up.delay();
    this.down = typeof down === 'function' ? down : () => down.delay();
    // one connection: messages of each direction arrive in the order they were sent
    this.lastUpAt = -Infinity;
    this.lastDownAt = -Infinity;
    this.items = items;
    this.version = 1;
    this.state = { track_id: null, item_id: null, position_ms: 0, state: 'paused', updated_at: this.iso(this.serverNow()), duration_ms: null };
    this.acks = [];
    this.pings = 0;
    this.resyncs = []; // when each client resync arrived
    this.answerResync = true;
    this.client = null;
    this.settings = { dead_band_ms: 2, seek_threshold_ms: 150, max_rate_correction: 0.02, resync_interval_ms: 10000 };
    for (const i of items) {
      world.durations.set(i.track.stream_url, i.track.duration_ms);
    }
  }

  serverNow() {
    return this.w.now + this.offsetMs;
  }

  iso(ms) {
    return new Date(Math.floor(ms)).toISOString();
  }

  /** Sets the state as the host's command would, at the server's current time. */
  setState(itemIndex, positionMs, playing) {
    const it = this.items[itemIndex];
    this.state = {
      track_id: it.track.id,
      item_id: it.item_id,
      position_ms: Math.round(positionMs),
      state: playing ? 'playing' : 'paused',
      updated_at: this.iso(this.serverNow()),
      duration_ms: it.track.duration_ms,
    };
    this.broadcast({ type: 'playback_state', ...this.state });
  }

  /** The schedule's true target for a player: item and position at the server's true time. */
  expected() {
    return expectedPlayback(parsePlaybackState(this.state), this.items, this.serverNow());
  }

  connect(engine) {
    this.client = engine;
    this.lastUpAt = -Infinity;
    this.lastDownAt = -Infinity;
    engine.onOpen();
    this.deliver({
      type: 'hello',
      member_id: 'm1',
      role: 'guest',
      playback_state: { ...this.state },
      playlist: { version: this.version, items: this.items },
      members: [],
      settings: { ...this.settings },
    });
  }

  disconnect() {
    if (this.client) {
      this.client.onClose();
    }
    this.client = null;
  }

  /** What the engine sends: arrives after the uplink delay. */
  fromClient(msg) {
    const client = this.client;
    const at = Math.max(this.w.now + this.up(), this.lastUpAt);
    this.lastUpAt = at;
    this.w.at(at, () => {
      if (this.client !== client) {
        return;
      }
      if (msg.type === 'ping') {
        this.pings += 1;
        this.deliver({ type: 'pong', client_time: msg.client_time }, true);
      } else if (msg.type === 'sync_ack') {
        this.acks.push({ at: this.w.now, ...msg });
      } else if (msg.type === 'resync') {
        this.resyncs.push(this.w.now);
        if (this.answerResync) {
          this.sendResync();
        }
      }
    });
  }

  deliver(msg, stampOnSend = false) {
    const client = this.client;
    const sent = { ...msg, seq: 1, server_time: Math.floor(this.serverNow()) };
    const at = Math.max(this.w.now + this.down(), this.lastDownAt);
    this.lastDownAt = at;
    this.w.at(at, () => {
      if (this.client === client && client) {
        client.receive(stampOnSend ? sent : { ...sent });
      }
    });
  }

  broadcast(msg) {
    if (this.client) {
      this.deliver(msg);
    }
  }

  /**
   * A playlist change as the server makes it: applied to its list, the version raised by one and
   * `playlist_update` broadcast with the change only. `lost`: the message never reaches the client
   * (the event bus dropped it).
   */
  change({ op, item_id, position = null, from = null, track: t }, { lost = false } = {}) {
    const list = [...this.items];
    const change = { op, item_id, position, from };
    if (op === 'add') {
      const added = { item_id, position, track: t, added_by: 'm-host', added_by_name: 'host', added_at: Math.floor(this.serverNow()) };
      list.splice(position, 0, added);
      Object.assign(change, { track: t, added_by: added.added_by, added_by_name: added.added_by_name, added_at: added.added_at });
      this.w.durations.set(t.stream_url, t.duration_ms);
    } else {
      const index = list.findIndex((i) => i.item_id === item_id);
      change.from = index;
      const [moved] = list.splice(index, 1);
      if (op === 'move') {
        list.splice(position, 0, moved);
      }
    }
    this.items = list.map((i, n) => ({ ...i, position: n }));
    this.version += 1;
    if (!lost) {
      this.broadcast({ type: 'playlist_update', version: this.version, change });
    }
  }

  /** The answer to `resync` (and what an instance sends after its event bus lost messages). */
  sendResync() {
    this.deliver({
      type: 'playlist_update',
      version: this.version,
      items: this.items,
      change: { op: 'resync', item_id: null, position: null },
    });
    this.deliver({ type: 'playback_state', ...this.state });
  }

  /** The server's own advance at each track's end, a few ms late (as its scheduler). */
  advanceIfEnded() {
    const exp = this.expected();
    if (this.state.state === 'playing' && exp.item && (exp.item.item_id !== this.state.item_id || exp.ended)) {
      const endedAt = exp.ended ? exp.endsAt : exp.startsAt;
      this.state = {
        track_id: exp.item.track.id,
        item_id: exp.item.item_id,
        position_ms: exp.ended ? exp.item.track.duration_ms : 0,
        state: exp.ended ? 'paused' : 'playing',
        updated_at: this.iso(endedAt),
        duration_ms: exp.item.track.duration_ms,
      };
      this.broadcast({ type: 'playback_state', ...this.state });
    }
  }
}

/** A listener: the engine with two fake audios, ticking like a browser timer (a few ms late). */
export class Listener {
  constructor(world, server, { settings, audioParams, events, clock = {} } = {}) {
    this.w = world;
    this.world = world;
    this.server = server;
    this.audios = [new FakeAudio(world, audioParams), new FakeAudio(world, audioParams)];
    this.events = events || [];
    // the page's clock: set `offsetMs` off and running `ppm` fast (the audio keeps real time)
    const origin = world.now;
    const { offsetMs = 0, ppm = 0 } = clock;
    this.clientNow = () => origin + (world.now - origin) * (1 + ppm / 1e6) + offsetMs;
    this.engine = new SyncEngine({
      now: this.clientNow,
      send: (msg) => this.server.fromClient(msg),
      emit: (type, detail) => this.events.push({ type, detail, at: world.now }),
      audios: this.audios,
      settings,
    });
    this.nextTick = world.now;
    this.trace = [];
  }

  get audio() {
    return this.engine.activeSlot.audio;
  }

  /** The true offset of the server's clock from this page's, now. */
  trueOffset() {
    return this.server.serverNow() - this.clientNow();
  }

  /** The true error of what is heard against the server's true schedule (null when silent or off-track). */
  error() {
    const exp = this.server.expected();
    const slot = this.engine.activeSlot;
    if (!exp.item || !exp.playing || slot.itemId !== exp.item.item_id || !slot.audio.sounding()) {
      return null;
    }
    return slot.audio.truePositionMs() - exp.positionMs;
  }

  step(now) {
    this.server.advanceIfEnded();
    if (now >= this.nextTick) {
      const wait = this.engine.tick();
      // browser timers fire a little late
      this.nextTick = now + wait + this.w.uniform(0, 3);
    }
  }

  /** As run(), letting promise callbacks (a play() refused) run every few ms, as in a browser. */
  async runAsync(ms) {
    const until = this.w.now + ms;
    while (this.w.now < until) {
      this.run(Math.min(5, until - this.w.now));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs for `ms`, recording the true error every 10 ms. */
  run(ms) {
    let lastSample = -Infinity;
    this.w.run(this.w.now + ms, (now) => {
      this.step(now);
      if (now - lastSample >= 10) {
        lastSample = now;
        this.trace.push({ at: now, error: this.error(), rate: this.audio.playbackRate, itemId: this.engine.activeSlot.itemId });
      }
    });
  }

  /** True errors recorded in [from, to). */
  errors(from, to = Infinity) {
    return this.trace.filter((p) => p.at >= from && p.at < to).map((p) => p.error);
  }
}
