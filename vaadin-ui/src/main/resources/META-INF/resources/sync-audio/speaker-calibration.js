// The speaker calibration of <sync-audio>: a click on every whole second of the server's clock,
// played through Web Audio ahead by this listener's output latency, while the music is silenced
// here. The host's device (or any calibrated one) clicks on the same seconds: the listener moves
// the slider (1-ms and 10-ms steps) until the two clicks merge into one. The value is kept per
// browser by the element.

import { browserOutputLatency, clampOutputLatency } from './output-latency.js';

const CLICK_EVERY_MS = 1000;
/** Clicks are scheduled this far ahead, so that a late timer (a busy page) misses none. */
const SCHEDULE_AHEAD_MS = 600;

export const CALIBRATION_STYLE = `
  #calibration { display: block; box-sizing: border-box; margin: 0.5rem 0; padding: 1rem; border-radius: 0.75rem;
    background: var(--lumo-contrast-5pct, #f3f5f8); color: var(--lumo-body-text-color, #1b2430); font: inherit;
    max-width: 32rem; }
  #calibration[hidden] { display: none; }
  #calibration h4 { margin: 0 0 0.5rem; font-size: 1.125rem; color: var(--lumo-header-text-color, inherit); }
  #calibration p { margin: 0 0 0.75rem; line-height: 1.4; }
  #calibration .row { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; margin: 0.5rem 0; }
  #calibration input[type=range] { flex: 1 1 10rem; min-width: 8rem; height: 2.25rem; margin: 0;
    accent-color: var(--lumo-primary-color, #1a5fd0); }
  #calibration output { font-variant-numeric: tabular-nums; font-weight: 600; min-width: 4.5rem; text-align: right; }
  #calibration button { min-width: 2.75rem; min-height: 2.75rem; padding: 0.25rem 0.75rem; border-radius: 0.5rem;
    border: 1px solid var(--lumo-contrast-30pct, #9aa8ba); background: var(--lumo-base-color, #fff);
    color: var(--lumo-body-text-color, #1b2430); font: inherit; cursor: pointer; }
  #calibration .steps button { flex: 1 1 0; font-variant-numeric: tabular-nums; }
  #calibration button.primary { background: var(--lumo-primary-color, #1a5fd0); color: var(--lumo-primary-contrast-color, #fff);
    border-color: var(--lumo-primary-color, #1a5fd0); font-weight: 600; min-width: 6rem; }
  #calibration button:focus-visible, #calibration input:focus-visible {
    outline: 3px solid var(--lumo-primary-color-50pct, #0b2f6b); outline-offset: 2px; }
`;

export const CALIBRATION_HTML = `
  <section id="calibration" hidden aria-labelledby="calibration-title">
    <h4 id="calibration-title">Speaker delay</h4>
    <p>Put this device next to the host's (or another listener's that sounds right). Both click once a
      second. Move the slider until the two clicks sound as one: to the right if this device clicks later.
      Bluetooth speakers are often 150–300 ms late.</p>
    <div class="row">
      <input id="latency-slider" type="range" min="-100" max="500" step="1" aria-label="Speaker delay in milliseconds">
      <output id="latency-value" for="latency-slider" aria-live="polite"></output>
    </div>
    <div class="row steps" role="group" aria-label="Fine steps">
      <button type="button" data-step="-10" aria-label="10 ms earlier">−10</button>
      <button type="button" data-step="-1" aria-label="1 ms earlier">−1</button>
      <button type="button" data-step="1" aria-label="1 ms later">+1</button>
      <button type="button" data-step="10" aria-label="10 ms later">+10</button>
    </div>
    <div class="row">
      <button type="button" id="latency-suggested" hidden></button>
      <button type="button" id="latency-zero">Reset to 0</button>
    </div>
    <div class="row">
      <button type="button" id="calibration-done" class="primary">Done</button>
    </div>
  </section>`;

/**
 * The calibration panel inside the element's shadow root: `open()` shows it and starts the
 * clicks, `close()` stops them. `host` is the element: its `outputLatencyMs`, `serverNow()` and
 * `silenced` are used.
 */
export class SpeakerCalibration {
  constructor(root, host) {
    this.host = host;
    this.panel = root.getElementById('calibration');
    this.slider = root.getElementById('latency-slider');
    this.value = root.getElementById('latency-value');
    this.suggested = root.getElementById('latency-suggested');
    this.context = null;
    this.timer = null;
    this.nextClick = null;
    this.slider.addEventListener('input', () => this.set(this.slider.value));
    for (const button of this.panel.querySelectorAll('button[data-step]')) {
      button.addEventListener('click', () => this.set(this.host.outputLatencyMs + Number(button.dataset.step)));
    }
    root.getElementById('latency-zero').addEventListener('click', () => this.set(0));
    this.suggested.addEventListener('click', () => this.set(this.suggestedMs));
    root.getElementById('calibration-done').addEventListener('click', () => this.host.closeCalibration());
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  set(value) {
    const ms = clampOutputLatency(value);
    if (ms != null) {
      this.host.outputLatencyMs = ms;
    }
  }

  /** Shows the value the element holds now. */
  show(ms) {
    this.slider.value = String(ms);
    this.value.textContent = `${ms > 0 ? '+' : ''}${ms} ms`;
  }

  open() {
    this.panel.hidden = false;
    this.show(this.host.outputLatencyMs);
    this.startClicks();
    this.slider.focus();
  }

  close() {
    this.panel.hidden = true;
    this.stopClicks();
  }

  startClicks() {
    const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!Context) {
      return;
    }
    if (!this.context) {
      this.context = new Context({ latencyHint: 'interactive' });
    }
    this.context.resume().catch(() => {});
    // the browser's own estimate, offered as a starting value where it gives one
    this.suggestedMs = browserOutputLatency(this.context);
    this.suggested.hidden = this.suggestedMs == null;
    this.suggested.textContent = this.suggestedMs == null ? '' : `Browser's estimate: ${this.suggestedMs} ms`;
    this.nextClick = null;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.schedule(), 250);
    this.schedule();
  }

  stopClicks() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.context) {
      this.context.suspend().catch(() => {});
    }
  }

  /** Schedules the clicks of the coming whole seconds of the server's clock. */
  schedule() {
    const ctx = this.context;
    const serverNow = this.host.serverNow();
    if (!ctx || serverNow == null) {
      return;
    }
    if (this.suggestedMs == null && browserOutputLatency(ctx) != null) {
      this.suggestedMs = browserOutputLatency(ctx);
      this.suggested.hidden = false;
      this.suggested.textContent = `Browser's estimate: ${this.suggestedMs} ms`;
    }
    // the context's clock against the page's: where it says they were together
    const stamp = typeof ctx.getOutputTimestamp === 'function' ? ctx.getOutputTimestamp() : null;
    const pageNow = performance.now();
    const ctxNow = stamp && stamp.performanceTime ? stamp.contextTime + (pageNow - stamp.performanceTime) / 1000 : ctx.currentTime;
    const latency = this.host.outputLatencyMs;
    let next = this.nextClick ?? Math.ceil(serverNow / CLICK_EVERY_MS) * CLICK_EVERY_MS;
    while (next - latency - serverNow < SCHEDULE_AHEAD_MS) {
      const at = ctxNow + (next - latency - serverNow) / 1000;
      if (at > ctx.currentTime) {
        click(ctx, at, next % 4000 === 0);
      }
      next += CLICK_EVERY_MS;
    }
    this.nextClick = next;
  }

  /** The latency changed while clicking: clicks already scheduled are left, the next follow it. */
  latencyChanged(ms) {
    this.show(ms);
  }
}

/** A short click; every fourth one higher, so the two devices' beats are easy to pair. */
function click(ctx, at, accent) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = accent ? 1760 : 1320;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.8, at + 0.001);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.03);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + 0.04);
}
