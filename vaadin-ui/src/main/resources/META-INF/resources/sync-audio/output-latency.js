// How late this browser's speakers sound (`output_latency_ms`): a Bluetooth speaker adds 150–300
// ms, many USB and HDMI outputs 20–80 ms. The player plays that much ahead so that what is heard is
// on the schedule. Remembered per browser (localStorage); the browser's own estimate
// (AudioContext.outputLatency + baseLatency) is offered as the starting value of a calibration.

export const OUTPUT_LATENCY_KEY = 'samesong.outputLatencyMs';
/** The bounds the server accepts in `sync_ack`. */
export const MIN_OUTPUT_LATENCY_MS = -1000;
export const MAX_OUTPUT_LATENCY_MS = 5000;

/** A latency in whole ms within the bounds; null for anything that is not a number. */
export function clampOutputLatency(value) {
  const n = Number(value);
  if (value == null || value === '' || !Number.isFinite(n)) {
    return null;
  }
  return Math.min(MAX_OUTPUT_LATENCY_MS, Math.max(MIN_OUTPUT_LATENCY_MS, Math.round(n)));
}

/** The latency this browser kept, or null when none was set here (or storage is unavailable). */
export function loadOutputLatency(storage) {
  try {
    return storage ? clampOutputLatency(storage.getItem(OUTPUT_LATENCY_KEY)) : null;
  } catch (e) {
    return null; // storage refused (private mode, a sandboxed frame)
  }
}

/** Keeps the latency for the next visit; a null value forgets it. */
export function saveOutputLatency(storage, value) {
  try {
    if (!storage) {
      return;
    }
    if (value == null) {
      storage.removeItem(OUTPUT_LATENCY_KEY);
    } else {
      storage.setItem(OUTPUT_LATENCY_KEY, String(value));
    }
  } catch (e) {
    // not kept: it still applies to this page
  }
}

/**
 * The browser's estimate in ms from an AudioContext (`outputLatency`, where the browser gives one,
 * plus `baseLatency`), or null when it gives none.
 */
export function browserOutputLatency(context) {
  if (!context) {
    return null;
  }
  const out = Number(context.outputLatency);
  if (!Number.isFinite(out) || out <= 0) {
    return null;
  }
  const base = Number(context.baseLatency);
  return Math.round(1000 * (out + (Number.isFinite(base) && base > 0 ? base : 0)));
}
