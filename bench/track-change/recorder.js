class Recorder extends AudioWorkletProcessor {
  constructor() { super(); this.buf = new Float32Array(128 * 64); this.n = 0; this.start = null; }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (this.start == null) this.start = currentFrame;
    const data = ch || new Float32Array(128);
    this.buf.set(data, this.n);
    this.n += 128;
    if (this.n >= this.buf.length) { this.port.postMessage({ frame: currentFrame + 128 - this.n, data: this.buf }, [this.buf.buffer]); this.buf = new Float32Array(128 * 64); this.n = 0; }
    return true;
  }
}
registerProcessor('recorder', Recorder);
