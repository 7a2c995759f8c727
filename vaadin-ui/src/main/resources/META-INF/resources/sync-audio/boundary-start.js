// A track change on the schedule (issue 18). `play()` of a preloaded <audio> starts 70–112 ms after
// the call in headless Chromium, and the control timer wakes 10–30 ms late on a busy CPU, so the
// element alone starts the next track tens of ms off. The Web Audio clock does not have that
// problem: an AudioBufferSourceNode started at a context time sounds from that sample on. So the
// first seconds of the next track are decoded ahead (see web-audio-graph.js) and scheduled at the
// boundary's context time; the next <audio> starts as before (the engine's swap) but silent, the
// drift controller steers it onto the schedule, and once it is within the dead band the sound is
// handed over to it with a short equal-power crossfade. The <audio> stays the observable player;
// `sounding()` tells where the buffer is while it is the one heard.
//
// DOM-free: the graph is an object with `available()`, `decode(url, done, failed)` (callbacks),
// `start(buffer, atMs, offsetMs)`, optionally `retime(voice, atMs)`, `stop(voice, atMs, fadeMs)`,
// `crossfade(voice, audio, atMs, fadeMs)` and `setGain(audio, gain, atMs, rampMs)`, times in the engine's client ms (web-audio-graph.js in the
// browser, a fake in the simulator).

/** The buffer is scheduled when the boundary is this close (a paused or moved schedule cancels it). */
const ARM_BEFORE_MS = 1000;
/** Closer than this the context may not get the start in time: the swap alone, as before. */
const MIN_ARM_MS = 40;
/** The crossfade from the buffer to the element. */
const FADE_MS = 30;
/** The fade starts this long after it is decided, so that the audio thread gets it in the future. */
const FADE_LEAD_MS = 25;
/** Hand over when the buffer has this little left, aligned or not (as good as the element alone). */
const RESERVE_MS = 400;
/** Steps in a row with the element tracking within half the dead band before the hand-over. */
const ALIGNED_STEPS = 2;
/** A schedule whose start of the buffer's item moved by more than this (a seek, a pause) cancels it. */
const MOVED_MS = 5;
/** A cancelled buffer fades out over this long instead of clicking. */
const CANCEL_FADE_MS = 5;

/**
 * Plays the first seconds of each new track from a decoded buffer scheduled on the audio clock,
 * then hands over to the engine's <audio>. Call `step(engine, now, ahead, decision)` after each
 * control step of the engine (`ahead`: the offset it aims with, output latency included).
 */
export class BoundaryStart {
  constructor(graph) {
    this.graph = graph;
    this.buffers = new Map(); // url → {state: 'loading' | 'ready' | 'failed', buffer, durationMs}
    this.voice = null;
    this.gains = new Map(); // audio → the gain last asked for
    this.stats = { armed: 0, handovers: 0, cancelled: 0, failures: 0, lastCancel: null };
  }

  step(engine, now, ahead, decision) {
    try {
      this.run(engine, now, ahead, decision);
    } catch (e) {
      // whatever went wrong in the audio graph, the <audio> elements must go on as before
      console.error('sync-audio: Web Audio track start off after an error', e);
      this.giveUp(engine, now);
    }
  }

  /** Off for good: the buffer silent, every <audio> at full gain, track changes by the swap alone. */
  giveUp(engine, now) {
    const graph = this.graph;
    const voice = this.voice;
    this.graph = null;
    this.voice = null;
    if (voice) {
      try {
        graph.stop(voice.node, now, 0);
      } catch (e) {
        // nothing more to do
      }
    }
    for (const slot of engine.slots) {
      try {
        graph.setGain(slot.audio, 1, now, 0);
      } catch (e) {
        // nothing more to do
      }
    }
    this.gains.clear();
  }

  run(engine, now, ahead, decision) {
    const graph = this.graph;
    const c = engine.controller;
    if (!graph || !graph.available() || engine.stopped || engine.blocked || ahead == null || !c.state) {
      if (this.voice) {
        this.cancel(now, 'unavailable');
      }
      this.restoreGains(engine, now);
      return;
    }
    const exp = c.expected(now + ahead);
    this.prepare(engine.idleSlot, engine);
    if (this.voice) {
      this.follow(engine, now, ahead, exp, decision);
    } else {
      this.arm(engine, now, ahead, exp);
    }
    this.restoreGains(engine, now);
  }

  /** Decodes the first seconds of the track the idle audio preloads, once per URL. */
  prepare(slot, engine) {
    if (slot.itemId == null || !slot.url || this.buffers.has(slot.url)) {
      return;
    }
    const entry = { state: 'loading', buffer: null, durationMs: 0 };
    this.buffers.set(slot.url, entry);
    // only the next track's buffer is kept (and one in use)
    for (const url of [...this.buffers.keys()]) {
      if (url !== slot.url && (!this.voice || this.voice.url !== url)) {
        this.buffers.delete(url);
      }
    }
    this.graph.decode(
      engine.resolveUrl(slot.url),
      (decoded) => {
        entry.state = decoded && decoded.durationMs > RESERVE_MS + 1000 ? 'ready' : 'failed';
        entry.buffer = decoded ? decoded.buffer : null;
        entry.durationMs = decoded ? decoded.durationMs : 0;
      },
      () => {
        entry.state = 'failed'; // this track changes as before (the swap alone)
        this.stats.failures += 1;
      },
    );
  }

  /** The next track starts soon, its buffer is ready and its <audio> preloaded: schedule the buffer. */
  arm(engine, now, ahead, exp) {
    if (!exp.playing || !exp.next || !Number.isFinite(exp.endsAt)) {
      return;
    }
    const active = engine.activeSlot;
    const idle = engine.idleSlot;
    if (active.itemId !== exp.item.item_id || idle.itemId !== exp.next.item_id || active.audio.paused) {
      return;
    }
    const startsIn = exp.endsAt - (now + ahead);
    if (startsIn > ARM_BEFORE_MS || startsIn < MIN_ARM_MS || idle.audio.readyState < 3) {
      return;
    }
    const entry = this.buffers.get(idle.url);
    if (!entry || entry.state !== 'ready') {
      return;
    }
    const zeroAt = exp.endsAt - ahead; // client time at which the new track's position 0 sounds
    const node = this.graph.start(entry.buffer, zeroAt, 0);
    if (!node) {
      return;
    }
    this.voice = {
      itemId: idle.itemId,
      url: idle.url,
      node,
      zeroAt,
      endAt: zeroAt + entry.durationMs,
      oldAudio: active.audio,
      newAudio: idle.audio,
      phase: 'armed',
      aligned: 0,
      fadeAt: null,
    };
    this.stats.armed += 1;
    // the new <audio> starts (the engine's swap) silent; the old one falls silent on the boundary
    this.setGain(idle.audio, 0, now, 0);
    this.setGain(active.audio, 0, zeroAt, 0);
  }

  /** While the buffer is scheduled or heard: cancel it if the schedule moved, else hand over when aligned. */
  follow(engine, now, ahead, exp, decision) {
    const v = this.voice;
    let start = null;
    if (exp.playing && exp.item && exp.item.item_id === v.itemId) {
      start = exp.startsAt - ahead;
    } else if (exp.playing && exp.next && exp.next.item_id === v.itemId) {
      start = exp.endsAt - ahead;
    }
    if (start == null || Math.abs(start - v.zeroAt) > MOVED_MS) {
      this.cancel(now, 'schedule');
      return;
    }
    if (v.phase === 'fading') {
      if (now >= v.fadeAt + FADE_MS + 5) {
        this.graph.stop(v.node, now, 0);
        this.voice = null;
        this.stats.handovers += 1;
      }
      return;
    }
    if (now < v.zeroAt) {
      const node = this.graph.retime ? this.graph.retime(v.node, v.zeroAt) : v.node;
      if (node !== v.node) {
        // the context's clock moved against the page's: both ends of the boundary again
        v.node = node;
        this.setGain(v.oldAudio, 0, v.zeroAt, 0);
      }
      return;
    }
    v.phase = 'sounding';
    const slot = engine.activeSlot;
    const onItem = slot.audio === v.newAudio && slot.itemId === v.itemId && !slot.audio.paused && !slot.stalled;
    const drift = decision ? decision.driftMs : null;
    const aligned =
      onItem &&
      decision.phase === 'tracking' &&
      drift != null &&
      Math.abs(drift) <= engine.controller.settings.dead_band_ms / 2;
    v.aligned = aligned ? v.aligned + 1 : 0;
    if (v.aligned >= ALIGNED_STEPS || now >= v.endAt - RESERVE_MS) {
      if (!onItem) {
        this.cancel(now, 'element'); // the element is elsewhere: let it be heard as it is
        return;
      }
      v.phase = 'fading';
      v.fadeAt = now + FADE_LEAD_MS;
      v.handoverDriftMs = drift;
      this.graph.crossfade(v.node, v.newAudio, v.fadeAt, FADE_MS);
      this.gains.set(v.newAudio, 1);
    }
  }

  /** The session is over: the buffer falls silent too. */
  halt(now) {
    if (this.voice && this.graph) {
      try {
        this.cancel(now, 'stopped');
      } catch (e) {
        this.voice = null;
      }
    }
  }

  /** Back to the element alone: the buffer fades out, the new <audio> (and the old one before the boundary) is heard. */
  cancel(now, why) {
    const v = this.voice;
    this.voice = null;
    this.stats.cancelled += 1;
    this.stats.lastCancel = why;
    this.graph.stop(v.node, now, CANCEL_FADE_MS);
    this.setGain(v.newAudio, 1, now, CANCEL_FADE_MS);
    if (now < v.zeroAt) {
      this.setGain(v.oldAudio, 1, now, 0);
    }
  }

  /**
   * Outside a buffer phase every <audio> is heard at full gain, except an old one still playing out
   * its tail (silenced at the boundary): it gets its gain back once paused.
   */
  restoreGains(engine, now) {
    const v = this.voice;
    for (const slot of engine.slots) {
      const a = slot.audio;
      if ((this.gains.get(a) ?? 1) === 1) {
        continue;
      }
      if (v && (a === v.newAudio || a === v.oldAudio)) {
        continue;
      }
      if (slot === engine.activeSlot || a.paused) {
        this.setGain(a, 1, now, 0);
      }
    }
  }

  setGain(audio, gain, atMs, rampMs) {
    this.gains.set(audio, gain);
    this.graph.setGain(audio, gain, atMs, rampMs);
  }

  /**
   * While the buffer is what is heard (from its start to the middle of the crossfade): the item
   * and the client time at which its position 0 sounds; else null (the <audio> is heard).
   */
  sounding(now) {
    const v = this.voice;
    if (!v || now < v.zeroAt || (v.phase === 'fading' && now >= v.fadeAt + FADE_MS / 2)) {
      return null;
    }
    return { itemId: v.itemId, zeroAt: v.zeroAt, positionMs: now - v.zeroAt };
  }

  /** The buffer's state for diagnostics and the benchmark. */
  describe(now) {
    const v = this.voice;
    return {
      phase: v ? v.phase : 'idle',
      itemId: v ? v.itemId : null,
      zeroAt: v ? v.zeroAt : null,
      sounding: this.sounding(now),
      ...this.stats,
    };
  }
}
