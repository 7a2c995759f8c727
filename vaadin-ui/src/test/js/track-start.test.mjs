// A track change on the schedule (issue 18): the next track's first seconds from a Web Audio buffer
// scheduled on the audio clock (boundary-start.js), handed over to the <audio> once the drift
// controller has steered it onto the schedule. Against the simulated world of sim.mjs: the
// element's play() starts 80–100 ms late and the timers a few ms late, as measured in headless
// Chromium; the buffer starts where the page → context mapping puts it (±0.25 ms). Errors are what
// is heard (the buffer or an audio at a gain ≥ ½) against the server's true schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, item, Listener, track, World } from './sim.mjs';

const SEEDS = [1, 2, 3, 4, 5];

function setup({ seed, webAudio, items, outputLatencyMs = 0 }) {
  const world = new World({ seed });
  const list = items || [item(0, track('a', 10_000)), item(1, track('b', 8000)), item(2, track('c', 8000)), item(3, track('d', 8000))];
  const server = new FakeServer(world, { items: list });
  server.setState(0, 5000, true);
  const listener = new Listener(world, server, { webAudio });
  listener.engine.outputLatencyMs = outputLatencyMs;
  const t0 = world.now;
  server.connect(listener.engine);
  // the scheduled starts of b, c and d (the page clock is the world's here)
  const boundaries = [t0 + 5000, t0 + 13_000, t0 + 21_000];
  return { world, server, listener, t0, boundaries };
}

/** What is heard in [from, to): the worst |error|, and the samples where nothing of the scheduled track sounds. */
function heard(listener, from, to) {
  const points = listener.trace.filter((p) => p.at >= from && p.at < to);
  return {
    worst: Math.max(...points.map((p) => (p.heard == null ? 0 : Math.abs(p.heard)))),
    silent: points.filter((p) => p.heard == null).length,
    n: points.length,
  };
}

test('track change through Web Audio: the new track within 2 ms of the schedule from its first 200 ms, no silence', () => {
  for (const seed of SEEDS) {
    const { world, listener, boundaries } = setup({ seed, webAudio: {} });
    listener.run(28_000);
    const boundary = listener.engine.boundary;
    assert.equal(boundary.stats.armed, 3, `seed ${seed}: a buffer for each of b, c, d`);
    assert.equal(boundary.stats.handovers, 3, `seed ${seed}: each handed over to its <audio>`);
    assert.equal(boundary.stats.cancelled, 0);
    boundaries.forEach((b, i) => {
      const first = heard(listener, b, b + 200);
      assert.equal(first.silent, 0, `seed ${seed}, change ${i}: silence in the first 200 ms`);
      assert.ok(first.worst <= 2, `seed ${seed}, change ${i}: ${first.worst.toFixed(2)} ms off in the first 200 ms`);
      // through the hand-over to the element and on
      const on = heard(listener, b + 200, b + 7000);
      assert.equal(on.silent, 0, `seed ${seed}, change ${i}: silence after 200 ms`);
      assert.ok(on.worst <= 2, `seed ${seed}, change ${i}: ${on.worst.toFixed(2)} ms off after the first 200 ms`);
      // and the old track sounded up to the boundary
      assert.equal(heard(listener, b - 300, b).silent, 0, `seed ${seed}, change ${i}: silence before the boundary`);
      const handover = world.log.find((e) => e.type === 'handover' && e.src === `/api/tracks/${'bcd'[i]}/stream?sig=x`);
      assert.ok(handover && handover.at < b + 6000, `seed ${seed}, change ${i}: handed over in time`);
    });
  }
});

test('the element alone (today\'s swap) misses the 2 ms: the track-change test can fail', () => {
  let missed = 0;
  let changes = 0;
  for (const seed of SEEDS) {
    const { listener, boundaries } = setup({ seed, webAudio: null });
    listener.run(30_000);
    for (const b of boundaries) {
      changes += 1;
      const first = heard(listener, b, b + 200);
      if (first.silent > 0 || first.worst > 2) {
        missed += 1;
      }
    }
  }
  assert.ok(missed >= changes / 2, `${missed} of ${changes} changes missed 2 ms`);
});

test('output latency: the buffer plays that much ahead, as the element does', () => {
  const { listener, boundaries } = setup({ seed: 3, webAudio: {}, outputLatencyMs: 150 });
  listener.run(16_000);
  for (const b of boundaries.slice(0, 2)) {
    // 150 ms ahead: from b − 150 the new track is heard, so from b on it is 150 ms into it
    const points = listener.trace.filter((p) => p.at >= b && p.at < b + 5000);
    for (const p of points) {
      assert.ok(p.heard != null && Math.abs(p.heard - 150) <= 2, `at ${p.at - b} ms: ${p.heard}`);
    }
  }
  assert.equal(listener.engine.boundary.stats.handovers, 2);
});

test('a pause while the buffer is heard cancels it: silence at the host position, then a normal resume', () => {
  const { world, server, listener, boundaries } = setup({ seed: 2, webAudio: {} });
  listener.run(5000 + 300); // 300 ms into b: the buffer is heard
  assert.equal(listener.engine.boundary.describe(listener.clientNow()).phase, 'sounding');
  server.setState(1, 300, false);
  listener.run(500);
  assert.equal(listener.engine.boundary.voice, null);
  assert.equal(listener.engine.boundary.stats.lastCancel, 'schedule');
  const g = listener.graph;
  assert.ok(g.voices.every((v) => g.voicePosition(v) == null), 'no buffer sounds');
  assert.ok(listener.audios.every((a) => a.paused));
  server.setState(1, 300, true);
  const resumed = world.now;
  listener.run(4000);
  const after = heard(listener, resumed + 3000, resumed + 4000);
  assert.equal(after.silent, 0);
  assert.ok(after.worst <= 2, `${after.worst}`);
  // every audio is heard at full gain again
  assert.ok(listener.audios.every((a) => g.gainAt(a) === 1));
  assert.ok(boundaries.length);
});

test('a seek while the buffer is heard cancels it; the element takes over where the seek goes', () => {
  const { world, server, listener } = setup({ seed: 4, webAudio: {} });
  listener.run(5000 + 500);
  server.setState(1, 4000, true);
  const at = world.now;
  listener.run(300);
  assert.equal(listener.engine.boundary.stats.lastCancel, 'schedule');
  listener.run(3700);
  const after = heard(listener, at + 3000, at + 4000);
  assert.equal(after.silent, 0);
  assert.ok(after.worst <= 3, `${after.worst}`);
});

test('a track that does not decode changes as before (the swap alone), and the next one uses the buffer again', () => {
  const { listener, boundaries } = setup({ seed: 5, webAudio: { fail: true } });
  listener.run(16_000);
  const boundary = listener.engine.boundary;
  assert.equal(boundary.stats.armed, 0);
  assert.ok(boundary.stats.failures >= 2);
  for (const b of boundaries.slice(0, 2)) {
    // the element alone: late by its start latency's miss, but heard and within 10 ms after 1.5 s
    assert.ok(heard(listener, b + 1500, b + 6000).worst <= 10);
  }
});

test('an autoplay-blocked audio context (not running): the swap as before; the elements are never silenced', () => {
  const { listener, boundaries } = setup({ seed: 1, webAudio: { running: false } });
  listener.run(16_000);
  assert.equal(listener.engine.boundary.stats.armed, 0);
  assert.ok(listener.audios.every((a) => listener.graph.gainAt(a) === 1));
  assert.ok(heard(listener, boundaries[0] + 1500, boundaries[0] + 6000).worst <= 10);
});

test('sync_ack and the drift event tell the buffer\'s drift while it is heard', () => {
  const { server, listener, boundaries } = setup({ seed: 1, webAudio: {} });
  const events = listener.events;
  listener.run(30_000);
  const fromBuffer = events.filter((e) => e.type === 'drift' && e.detail.source === 'buffer');
  assert.ok(fromBuffer.length >= 1, 'a drift report while the buffer was heard');
  for (const e of fromBuffer) {
    assert.ok(Math.abs(e.detail.driftMs) <= 1, `${e.detail.driftMs}`);
  }
  const acks = server.acks.filter((a) => boundaries.some((b) => a.at >= b && a.at < b + 1500));
  assert.ok(acks.every((a) => a.drift_ms == null || Math.abs(a.drift_ms) <= 2), JSON.stringify(acks));
});

test('a skip while the buffer is heard cancels it; the skipped-to track plays from its <audio>', () => {
  const { world, server, listener } = setup({ seed: 3, webAudio: {} });
  listener.run(5000 + 400); // b's buffer is heard
  server.setState(3, 0, true); // the host skips to d
  const at = world.now;
  listener.run(300);
  assert.equal(listener.engine.boundary.stats.lastCancel, 'schedule');
  const g = listener.graph;
  assert.ok(g.voices.every((v) => g.voicePosition(v) == null || g.gainAt(v) < 0.5), 'b\'s buffer is silent');
  listener.run(4700);
  const after = heard(listener, at + 3000, at + 5000);
  assert.equal(after.silent, 0);
  assert.ok(after.worst <= 3, `${after.worst}`);
  assert.equal(listener.engine.activeSlot.itemId, 'item-3');
});

test('a page clock 400 ms off and 80 ppm fast: the buffer still lands within 2 ms of the schedule', () => {
  const world = new World({ seed: 6 });
  const list = [item(0, track('a', 10_000)), item(1, track('b', 8000))];
  const server = new FakeServer(world, { items: list });
  server.setState(0, 3000, true);
  const listener = new Listener(world, server, { webAudio: {}, clock: { offsetMs: 400, ppm: 80 } });
  const t0 = world.now;
  server.connect(listener.engine);
  listener.run(14_000);
  const b = t0 + 7000;
  const first = heard(listener, b, b + 6000);
  assert.equal(first.silent, 0);
  assert.ok(first.worst <= 2, `${first.worst}`);
  assert.equal(listener.engine.boundary.stats.handovers, 1);
});

test('an error in the audio graph turns the Web Audio start off for good; the <audio> goes on at full gain', () => {
  const { listener, boundaries } = setup({ seed: 2, webAudio: {} });
  const g = listener.graph;
  g.crossfade = () => {
    throw new Error('InvalidStateError');
  };
  const original = console.error;
  console.error = () => {};
  try {
    listener.run(16_000);
  } finally {
    console.error = original;
  }
  assert.equal(listener.engine.boundary.graph, null);
  assert.ok(listener.audios.every((a) => g.gainAt(a) === 1));
  assert.ok(g.voices.every((v) => g.voicePosition(v) == null), 'no buffer sounds');
  // the second change by the swap alone, heard and steered as before
  assert.equal(heard(listener, boundaries[1] + 1500, boundaries[1] + 3000).silent, 0);
});
