// What the drift controller learns from the player: position readings with the odd outlier
// filtered out, and how long the audio takes to move after a command.

import { clamp, median } from './numbers.js';

/**
 * Median of the last few drift readings: full (usable) at `size`, the median of up to `keep` of
 * them after that. Three drop a single reading 5–18 ms off; two such readings close together (a
 * few in a hundred are, in Chromium) need five, or the rate is pulled for a step or two.
 */
export class ReadingFilter {
  constructor(size = 3, keep = size) {
    this.size = size;
    this.keep = Math.max(size, keep);
    this.values = [];
  }

  reset(seed = []) {
    this.values = seed.slice(-this.keep);
  }

  push(value) {
    this.values.push(value);
    if (this.values.length > this.keep) {
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
