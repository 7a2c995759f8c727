// When to try the sync connection again after it dropped (sync-audio.js reconnects with it; the
// bench's FanoutBench copies it).

/**
 * Reconnect delay: exponential from `baseMs`, capped at `maxMs`, with jitter (the upper half of
 * the range is random) so that listeners dropped together do not all come back in the same
 * millisecond.
 */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 10000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return ceiling / 2 + (ceiling / 2) * random();
}
