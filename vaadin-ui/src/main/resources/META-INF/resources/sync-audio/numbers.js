// Small arithmetic shared by the clock, the readings and the drift controller.

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `value` brought within [min, max]. */
export function clamp(value, min, max) {
  return Math.min(max, Math.max(min, value));
}
