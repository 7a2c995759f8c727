// The sync settings a listener is handed in `hello` and `settings` messages, checked against their
// bounds: the dead band, seek threshold and rate limit of the drift controller, the heartbeat.

/** The sync settings of `hello` (spec section 2), with the server's defaults. */
export const DEFAULT_SETTINGS = Object.freeze({
  dead_band_ms: 2,
  seek_threshold_ms: 150,
  max_rate_correction: 0.02,
  resync_interval_ms: 10000,
});

const SETTING_LIMITS = {
  dead_band_ms: [0, 1000],
  seek_threshold_ms: [1, 60000],
  max_rate_correction: [0, 0.25],
  resync_interval_ms: [100, 3600000],
};

/** Merges known, valid values of `input` over `base`; anything else is ignored. */
export function normalizeSettings(input, base = DEFAULT_SETTINGS) {
  const out = { ...base };
  if (input && typeof input === 'object') {
    for (const [key, [min, max]] of Object.entries(SETTING_LIMITS)) {
      const value = Number(input[key]);
      if (input[key] != null && Number.isFinite(value) && value >= min && value <= max) {
        out[key] = value;
      }
    }
  }
  return out;
}
