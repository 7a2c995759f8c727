// The offset between the listener's clock and the server's, and how fast it changes, estimated
// from ping/pong exchanges: the schedule is in server time, the player runs on the client's.

/**
 * Client–server clock offset and rate from ping/pong exchanges, made to hold within 1–2 ms on
 * real paths (Wi-Fi, mobile: tens of ms of jitter each way, retransmission spikes of hundreds of
 * ms) and for clocks that run up to ±100 ppm fast or slow.
 *
 * Each exchange gives the middle of its round trip (server stamp − the client's middle: off by
 * half the difference of the two ways' delays) and hard bounds (the server stamped its pong between
 * the ping leaving and the pong arriving). Over a long window (10 min by default):
 * - **spikes and slow samples are left out**: only the samples whose round trip is among the
 *   quicker share (half, by default) of the window count, and never one far above the median;
 *   on a path with queueing in one direction, the quick round trips are also the balanced ones;
 * - **offset and rate are fitted together**: a least-squares line through the samples' middles,
 *   its slope (the rate) held towards 0 by a prior of ±100 ppm until the samples span enough time
 *   to tell (a ridge fit), so a few noisy minutes do not invent a rate;
 * - **the bounds of every sample keep it honest**: the estimate is kept inside the intersection of
 *   the samples' intervals, carried forward by the fitted rate (and widened by its uncertainty),
 *   which on a path with a clean floor (a quick direction) pins it to a fraction of a millisecond;
 *   intervals that contradict newer ones (the server's clock stepped) and all older samples are
 *   dropped.
 * The fit runs when a sample arrives (O(window)); `estimate(now)` is O(1).
 */
/**
 * Below this many samples the fit is young (its noise guessed from a few residuals, the queueing
 * on each way not yet seen): the middle of the bounds is blended in.
 */
const YOUNG_FIT = 40;

export class ClockOffsetEstimator {
  constructor({ windowMs = 600_000, maxSamples = 6000, lowDelayShare = 1, ratePriorPpm = 100, maxRatePpm = 1000 } = {}) {
    this.windowMs = windowMs;
    this.maxSamples = maxSamples;
    this.lowDelayShare = lowDelayShare;
    this.ratePrior = ratePriorPpm / 1e6;
    this.maxRate = maxRatePpm / 1e6;
    this.samples = [];
    this.fit = null;
  }

  reset() {
    this.samples = [];
    this.fit = null;
  }

  /**
   * One exchange: the client's time when the ping left, the server's time in the pong (whole
   * milliseconds, truncated) and the client's time when the pong arrived. Returns false for a
   * sample that cannot be true.
   */
  add(clientSent, serverTime, clientReceived) {
    const rtt = clientReceived - clientSent;
    if (!Number.isFinite(rtt) || rtt < 0 || !Number.isFinite(serverTime) || !Number.isFinite(clientSent)) {
      return false;
    }
    const t = (clientSent + clientReceived) / 2;
    // the server's true time s lies in [serverTime, serverTime + 1) and was read in [sent, received]
    this.samples.push({
      at: clientReceived,
      t,
      rtt,
      mid: serverTime + 0.5 - t,
      lo: serverTime - clientReceived,
      hi: serverTime + 1 - clientSent,
    });
    this.prune(clientReceived);
    this.fit = null;
    return true;
  }

  prune(now) {
    let drop = 0;
    while (drop < this.samples.length && now - this.samples[drop].at > this.windowMs) {
      drop++;
    }
    drop = Math.max(drop, this.samples.length - this.maxSamples);
    if (drop > 0) {
      this.samples.splice(0, drop);
      this.fit = null;
    }
  }

  /**
   * `{offsetMs, ratePpm, rttMs, uncertaintyMs, errorBoundMs, samples}` at client time `now`
   * (server time = client time + offsetMs; ratePpm how fast the offset grows; rttMs the quickest
   * round trip in the window; uncertaintyMs the fit's standard error there; errorBoundMs half the
   * width of the samples' hard bounds; samples how many the fit used), or null before any exchange.
   */
  estimate(now) {
    this.prune(now);
    if (!this.fit) {
      this.fit = this.compute();
    }
    const f = this.fit;
    if (!f) {
      return null;
    }
    const dt = now - f.tRef;
    let offset = f.a + f.b * dt;
    let lo = f.loBase + (f.b - f.widen) * dt;
    let hi = f.hiBase + (f.b + f.widen) * dt;
    if (lo > hi) {
      // carried far forward the bounds cross on a wrong rate: trust the fit alone
      lo = -Infinity;
      hi = Infinity;
    }
    const fitError = Math.sqrt(f.varA + dt * dt * f.varB);
    const halfWidth = (hi - lo) / 2;
    if (Number.isFinite(halfWidth) && (f.queued || f.n < YOUNG_FIT)) {
      // While the fit is young, or the path queues on one way (the fit then leans on a model of
      // that queue), the middle of the bounds — the minimum-round-trip idea, exact on a path with
      // a clean floor each way — is blended in: as good as a uniform guess between the bounds
      // (variance w²/3), weighed against the fit by their variances. On a path that jitters
      // evenly both ways, the fit alone is unbiased and the bounds only come from rare extremes.
      const midVar = (halfWidth * halfWidth) / 3;
      const fitVar = fitError * fitError;
      offset = midVar + fitVar > 0 ? (offset * midVar + ((lo + hi) / 2) * fitVar) / (midVar + fitVar) : (lo + hi) / 2;
    }
    offset = Math.min(hi, Math.max(lo, offset));
    return {
      offsetMs: offset,
      ratePpm: f.b * 1e6,
      rttMs: f.minRtt,
      uncertaintyMs: Math.min(fitError, halfWidth),
      errorBoundMs: (hi - lo) / 2,
      samples: f.n,
    };
  }

  compute() {
    if (!this.samples.length) {
      return null;
    }
    let fit = this.fitLine(this.samples);
    const first = this.contradiction(fit);
    if (first > 0) {
      // the server's clock stepped (or another server answers): what came before is void
      this.samples.splice(0, first);
      fit = this.fitLine(this.samples);
    }
    return fit;
  }

  /** Samples the fit may use: no spike, and among the quicker share of the window's round trips. */
  select(samples, share = this.lowDelayShare) {
    const rtts = samples.map((s) => s.rtt).sort((x, y) => x - y);
    const n = rtts.length;
    const med = rtts[n >> 1];
    const dev = samples.map((s) => Math.abs(s.rtt - med)).sort((x, y) => x - y)[n >> 1];
    let cut = med + 5 * 1.4826 * dev + 1;
    if (n >= 16) {
      cut = Math.min(cut, rtts[Math.max(0, Math.ceil(share * n) - 1)]);
    }
    cut = Math.max(cut, rtts[Math.min(n, 3) - 1]);
    return samples.filter((s) => s.rtt <= cut);
  }

  fitLine(samples, share = this.lowDelayShare) {
    const used = this.select(samples, share);
    const n = used.length;
    // a sample's middle is off by up to half its round trip: weigh each by 1 / √round trip, so
    // that a path turning slow (or a burst of slow samples) counts for less than a quick one
    const weight = (s) => 1 / Math.sqrt(s.rtt + 1);
    let sw = 0;
    let swt = 0;
    let swy = 0;
    let swr = 0;
    let sw2 = 0;
    for (const s of used) {
      const w = weight(s);
      sw += w;
      sw2 += w * w;
      swt += w * s.t;
      swy += w * s.mid;
      swr += w * s.rtt;
    }
    const tRef = swt / sw;
    const yMean = swy / sw;
    const rMean = swr / sw;
    // the effective number of samples of a weighted mean
    const nEff = (sw * sw) / sw2;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (const s of used) {
      const w = weight(s) / sw;
      const x = s.t - tRef;
      const y = s.mid - yMean;
      sxx += w * x * x;
      sxy += w * x * y;
      syy += w * y * y;
    }
    const minRtt = Math.min(...samples.map((s) => s.rtt));
    // noise (variance) of one sample's middle: from the residuals once there are a few, else a
    // guess from the round trip
    let noise = n > 2 ? Math.max(syy, 0.0025) : Math.max(0.05, minRtt / 4) ** 2;
    const prior = this.ratePrior ** 2;
    let b = 0;
    for (let pass = 0; pass < 2; pass++) {
      b = sxy / (sxx + noise / (nEff * prior));
      if (n > 2) {
        noise = Math.max(((syy - 2 * b * sxy + b * b * sxx) * nEff) / Math.max(1, nEff - 2), 0.0025);
      }
    }
    b = Math.min(this.maxRate, Math.max(-this.maxRate, b));
    const varB = noise / (nEff * sxx + noise / prior);
    let a = yMean;
    let varA = noise / nEff;
    let queued = false;
    // Queueing on one way shows as middles that grow with the round trip: where the samples show
    // it (beyond chance), take the middle at the quickest round trip instead of the average one.
    let srr = 0;
    let srz = 0;
    for (const s of used) {
      const w = weight(s) / sw;
      const r = s.rtt - rMean;
      srr += w * r * r;
      srz += w * r * (s.mid - yMean - b * (s.t - tRef));
    }
    if (n >= 8 && srr > 0) {
      const c = srz / srr;
      // judged against what is left once the trend is taken out (on a one-way queue that is little:
      // the middle is almost a function of the round trip), not against the middle's whole noise
      const rest = (noise * (nEff - 2)) / nEff - c * c * srr;
      const restNoise = Math.max((rest * nEff) / Math.max(1, nEff - 3), 0.0025);
      const se = Math.sqrt(restNoise / (nEff * srr));
      if (Math.abs(c) > Math.max(4 * se, 0.1)) {
        const lever = minRtt - rMean;
        const correction = Math.max(-0.5, Math.min(0.5, c)) * lever;
        a += correction;
        // a line carried down to the quickest round trip is a model: half the step is doubt
        varA = restNoise / nEff + lever * lever * se * se + 0.25 * correction * correction;
        queued = true;
      }
    }
    const widen = Math.max(3 * Math.sqrt(varB), 5e-6);
    // the hard bounds carried forward (estimates are asked for after the samples): at time T the
    // offset is ≥ lo_i + (b − w)(T − t_i) and ≤ hi_i + (b + w)(T − t_i); kept relative to tRef
    let loBase = -Infinity;
    let hiBase = Infinity;
    for (const s of samples) {
      const x = s.t - tRef;
      loBase = Math.max(loBase, s.lo - (b - widen) * x);
      hiBase = Math.min(hiBase, s.hi - (b + widen) * x);
    }
    return { tRef, a, b, varA, varB, widen, loBase, hiBase, minRtt, n, queued };
  }

  /**
   * Walks the samples newest first, intersecting their bounds carried forward by the fit's rate;
   * returns the index of the first sample to keep (0: no contradiction).
   */
  contradiction(fit) {
    let lo = -Infinity;
    let hi = Infinity;
    const last = this.samples[this.samples.length - 1].t;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i];
      const age = last - s.t;
      const shift = fit.b * age;
      const margin = fit.widen * age + 0.5;
      const newLo = Math.max(lo, s.lo + shift - margin);
      const newHi = Math.min(hi, s.hi + shift + margin);
      if (newLo > newHi) {
        return i + 1;
      }
      lo = newLo;
      hi = newHi;
    }
    return 0;
  }
}
