// The browser side of boundary-start.js: one AudioContext through which both <audio> elements
// (createMediaElementSource → a gain each) and the decoded first seconds of the next track (an
// AudioBufferSourceNode → its gain) reach one master gain and the destination, so every sound shares
// one output path and one clock, and gains change on that clock, not on the page's timers.
//
// Times come in the page's clock (performance.timeOrigin + performance.now(), the engine's client
// ms). The context's own time moves in ~10 ms steps (headless Chromium); getOutputTimestamp() pairs
// a context time with the performance time at which it is presented, which maps page time to
// context time to well under a millisecond. But an <audio> routed through the context reports the
// currentTime of what the context renders now (ctx.currentTime), which runs ahead of what is
// presented by the render-ahead (measured in headless Chromium, recording the graph's output: a
// buffer scheduled by the presentation time played 36.6–37.3 ms before the element's currentTime
// said with latencyHint 'interactive', 78.8–82.9 ms with 'playback'; the render-ahead,
// ctx.currentTime − the interpolated output time, was 36–37 and 81–82 ms, middle of its 10-ms
// steps). outputLatency and baseLatency did not tell it (0 early on). So the buffer is scheduled
// by the element's convention, the presentation mapping plus the median render-ahead: a listener's
// buffer and <audio> sound the same position at the same moment.

/** How much of a track is fetched (HTTP Range) and decoded: ~11 s of 16-bit stereo WAV, more of MP3/Ogg. */
export const PREFIX_BYTES = 2 * 1024 * 1024;

export class WebAudioGraph {
  constructor({ audios, AudioContextClass = globalThis.AudioContext || globalThis.webkitAudioContext, prefixBytes = PREFIX_BYTES } = {}) {
    this.audios = audios;
    this.AudioContextClass = AudioContextClass;
    this.prefixBytes = prefixBytes;
    this.ctx = null;
    this.master = null;
    this.elementGains = new Map();
    this.muted = false;
    this.failed = !AudioContextClass;
    this.aheadReadings = []; // ctx.currentTime − the interpolated presentation time, seconds
  }

  /**
   * True once the context runs (and then the <audio> elements are routed through it). A context
   * that is not allowed to run (autoplay policy) is left suspended and the elements alone: routing
   * an element into a suspended context would silence it.
   */
  available() {
    if (this.failed) {
      return false;
    }
    if (!this.ctx) {
      try {
        this.ctx = new this.AudioContextClass({ latencyHint: 'playback' });
      } catch (e) {
        this.failed = true;
        return false;
      }
    }
    if (this.ctx.state !== 'running') {
      return false;
    }
    if (!this.master) {
      this.route();
    }
    this.renderAhead();
    return !this.failed;
  }

  route() {
    const ctx = this.ctx;
    try {
      this.master = ctx.createGain();
      this.master.gain.value = this.muted ? 0 : 1;
      this.master.connect(ctx.destination);
      for (const audio of this.audios) {
        const gain = ctx.createGain();
        ctx.createMediaElementSource(audio).connect(gain);
        gain.connect(this.master);
        this.elementGains.set(audio, gain);
      }
    } catch (e) {
      console.error('sync-audio: no Web Audio graph, track changes by the <audio> alone', e);
      this.failed = true;
    }
  }

  /** Inside a user gesture (the unlock button): the context may run from now on. */
  resume() {
    if (this.ctx && this.ctx.state !== 'running' && typeof this.ctx.resume === 'function') {
      this.ctx.resume().catch(() => {});
    } else if (!this.ctx) {
      this.available();
    }
  }

  setMuted(muted) {
    this.muted = muted;
    if (this.master) {
      this.master.gain.value = muted ? 0 : 1;
    }
  }

  /** One more reading of the render-ahead; returns the median of the last 63 (seconds). */
  renderAhead() {
    const ctx = this.ctx;
    const ts = typeof ctx.getOutputTimestamp === 'function' ? ctx.getOutputTimestamp() : null;
    const r = this.aheadReadings;
    if (ts && ts.performanceTime > 0) {
      r.push(ctx.currentTime - ts.contextTime - (performance.now() - ts.performanceTime) / 1000);
      if (r.length > 63) {
        r.shift();
      }
    }
    if (!r.length) {
      return 0;
    }
    const sorted = [...r].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

  /** Page time (ms) → context time (s), in the routed <audio>'s convention (see above). */
  contextTime(pageMs) {
    const ctx = this.ctx;
    const ahead = this.renderAhead();
    const ts = typeof ctx.getOutputTimestamp === 'function' ? ctx.getOutputTimestamp() : null;
    if (ts && ts.performanceTime > 0) {
      return ts.contextTime + (pageMs - performance.timeOrigin - ts.performanceTime) / 1000 + ahead;
    }
    const now = performance.timeOrigin + performance.now();
    return ctx.currentTime + (pageMs - now) / 1000;
  }

  /** Fetches the first PREFIX_BYTES of a track (the stream answers Range) and decodes them. */
  decode(url, done, failed) {
    const ctx = this.ctx;
    const limit = this.prefixBytes;
    fetch(url, { headers: { Range: `bytes=0-${limit - 1}` }, credentials: 'same-origin' })
      .then(async (response) => {
        if (!response.ok) {
          throw new Error(`HTTP ${response.status}`);
        }
        // a server that ignores Range sends it all: read no more than the limit
        const reader = response.body.getReader();
        const chunks = [];
        let size = 0;
        while (size < limit) {
          const { done: end, value } = await reader.read();
          if (end) {
            break;
          }
          chunks.push(value);
          size += value.length;
        }
        reader.cancel().catch(() => {});
        const bytes = new Uint8Array(Math.min(size, limit));
        let at = 0;
        for (const chunk of chunks) {
          const part = chunk.subarray(0, Math.min(chunk.length, bytes.length - at));
          bytes.set(part, at);
          at += part.length;
        }
        return ctx.decodeAudioData(bytes.buffer);
      })
      .then((buffer) => done({ buffer, durationMs: buffer.duration * 1000 }), failed);
  }

  start(buffer, atMs, offsetMs) {
    const ctx = this.ctx;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    const gain = ctx.createGain();
    source.connect(gain);
    gain.connect(this.master);
    let when = this.contextTime(atMs);
    let offset = offsetMs / 1000;
    const earliest = ctx.currentTime + 0.005;
    if (when < earliest) {
      offset += earliest - when; // late: from where it should be by then
      when = earliest;
    }
    source.start(when, offset);
    return { source, gain, when };
  }

  /**
   * A buffer not yet started is started again when the page → context mapping has moved since it
   * was scheduled (the context's clock and the page's drift apart; headless Chromium's fake output
   * by up to a few ms a second on a busy CPU). Returns the voice to keep.
   */
  retime(voice, atMs) {
    const ctx = this.ctx;
    const when = this.contextTime(atMs);
    if (Math.abs(when - voice.when) < 0.0003 || voice.when - ctx.currentTime < 0.03 || when - ctx.currentTime < 0.03) {
      return voice;
    }
    try {
      voice.source.stop();
    } catch (e) {
      // not started: stopping an unstarted source is allowed once it was given start()
    }
    voice.source.disconnect();
    voice.gain.disconnect();
    this.retimed = (this.retimed || 0) + 1;
    return this.start(voice.source.buffer, atMs, 0);
  }

  stop(voice, atMs, fadeMs) {
    const t = Math.max(this.ctx.currentTime, this.contextTime(atMs));
    const g = voice.gain.gain;
    g.cancelScheduledValues(t);
    g.setValueAtTime(g.value, t);
    g.linearRampToValueAtTime(0, t + fadeMs / 1000);
    try {
      voice.source.stop(t + fadeMs / 1000 + 0.01);
    } catch (e) {
      // already stopped
    }
  }

  /** Equal-power crossfade from the buffer to the <audio>, both on the context's clock. */
  crossfade(voice, audio, atMs, fadeMs) {
    const t = Math.max(this.ctx.currentTime + 0.005, this.contextTime(atMs));
    const steps = 32;
    const out = new Float32Array(steps);
    const into = new Float32Array(steps);
    for (let i = 0; i < steps; i++) {
      const x = i / (steps - 1);
      out[i] = Math.cos((x * Math.PI) / 2);
      into[i] = Math.sin((x * Math.PI) / 2);
    }
    const curve = (param, values, end) => {
      param.cancelScheduledValues(t);
      try {
        param.setValueCurveAtTime(values, t, fadeMs / 1000);
      } catch (e) {
        // a curve still running at t (not in the usual flow): a plain ramp instead
        param.linearRampToValueAtTime(end, t + fadeMs / 1000);
      }
    };
    curve(voice.gain.gain, out, 0);
    const element = this.elementGains.get(audio);
    if (element) {
      curve(element.gain, into, 1);
    }
    try {
      voice.source.stop(t + fadeMs / 1000 + 0.02);
    } catch (e) {
      // already stopped
    }
  }

  setGain(audio, gain, atMs, rampMs) {
    const node = this.elementGains.get(audio);
    if (!node) {
      return;
    }
    const t = Math.max(this.ctx.currentTime, this.contextTime(atMs));
    const g = node.gain;
    g.cancelScheduledValues(t);
    if (rampMs > 0) {
      g.setValueAtTime(g.value, t);
      g.linearRampToValueAtTime(gain, t + rampMs / 1000);
    } else {
      g.setValueAtTime(gain, t);
    }
  }
}
