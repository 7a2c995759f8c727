// The offset between the listener's clock and the server's, estimated from ping/pong exchanges: the
// schedule is in server time, the player runs on the client's.

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
