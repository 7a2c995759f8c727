// The whole engine on real-network models (SPEC section 8, "Real networks"): each direction of the
// listener's connection delays every message by a normal draw (order kept, as TCP does), some by a
// retransmission-like spike; the page clock is up to 500 ms off the server's and runs up to 100
// ppm fast or slow (the audio keeps real time). Errors are the audio's true position against the
// server's true schedule, pooled over seeds, from 2 min after the join (the clock estimate needs
// hundreds of samples on such paths; it pings up to 10 times a second while uncertain).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, item, Listener, Path, track, World } from './sim.mjs';

const SEEDS = [1, 2, 3, 4];
const SETTLE_MS = 120_000;
const MEASURE_MS = 120_000;

/** A listener on a path of `up`/`down` models, its clock off and drifting per seed (±500 ms, ±100 ppm). */
function setup(seed, model, { items } = {}) {
  const world = new World({ seed });
  const up = new Path(world, model);
  const down = new Path(world, model);
  const list = items || [item(0, track('a', 1_800_000))];
  const server = new FakeServer(world, { items: list, up, down });
  server.setState(0, 37_000, true);
  const sign = seed % 2 ? 1 : -1;
  const clock = { offsetMs: sign * (250 + 250 * world.random()), ppm: -sign * (50 + 50 * world.random()) };
  const listener = new Listener(world, server, { clock });
  const t0 = world.now;
  server.connect(listener.engine);
  return { world, server, listener, up, down, t0 };
}

function p95(values) {
  const sorted = values.map((v) => (v == null ? Infinity : Math.abs(v))).sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1];
}

function seeks(listener, from) {
  return listener.engine.controller.landings.filter((l) => l.at >= from && l.kind !== 'start').length;
}

for (const [name, model, target] of [
  ['15 ± 5 ms each way', { meanMs: 15, sdMs: 5 }, 2],
  ['40 ± 15 ms each way', { meanMs: 40, sdMs: 15 }, 2],
  ['80 ± 30 ms each way, 0.5 % spikes of 300 ms', { meanMs: 80, sdMs: 30, spikeChance: 0.005, spikeMs: 300 }, 3],
]) {
  test(`${name}, clock 250–500 ms off and 50–100 ppm: p95 error vs the schedule ≤ ${target} ms, no seek once settled`, () => {
    const errors = [];
    for (const seed of SEEDS) {
      const { listener, t0 } = setup(seed, model);
      listener.run(SETTLE_MS + MEASURE_MS);
      errors.push(...listener.errors(t0 + SETTLE_MS));
      assert.equal(seeks(listener, t0 + 10_000), 0, `seed ${seed}: a seek after the start`);
    }
    assert.ok(p95(errors) <= target, `p95 ${p95(errors).toFixed(2)} ms`);
  });
}

test('the clock estimate tracks the rate: a page clock 100 ppm fast is measured within 15 ppm', () => {
  for (const seed of SEEDS) {
    const world = new World({ seed });
    const model = { meanMs: 40, sdMs: 15 };
    const server = new FakeServer(world, { items: [item(0, track('a', 1_800_000))], up: new Path(world, model), down: new Path(world, model) });
    server.setState(0, 0, true);
    const listener = new Listener(world, server, { clock: { offsetMs: 500, ppm: 100 } });
    server.connect(listener.engine);
    listener.run(240_000);
    const estimate = listener.engine.estimator.estimate(listener.clientNow());
    // server − client shrinks by 100 µs per s of the client's (100 ppm fast): −99.99 ppm
    assert.ok(Math.abs(estimate.ratePpm + 99.99) <= 15, `seed ${seed}: ${estimate.ratePpm.toFixed(1)} ppm`);
    assert.ok(Math.abs(estimate.offsetMs - listener.trueOffset()) <= 2, `seed ${seed}`);
  }
});

test('a path that turns from 40 ± 15 to 150 ± 50 ms with 1 % spikes of 400 ms: p95 ≤ 10 ms, no seek', () => {
  const errors = [];
  for (const seed of SEEDS) {
    const { listener, up, down, t0 } = setup(seed, { meanMs: 40, sdMs: 15 });
    listener.run(SETTLE_MS);
    const turned = listener.world.now;
    for (const path of [up, down]) {
      path.set({ meanMs: 150, sdMs: 50, spikeChance: 0.01, spikeMs: 400 });
    }
    listener.run(MEASURE_MS);
    errors.push(...listener.errors(turned));
    assert.equal(seeks(listener, t0 + 10_000), 0, `seed ${seed}: a seek`);
    assert.ok(listener.trace.filter((p) => p.at >= turned).every((p) => Math.abs(p.rate - 1) <= 0.02 + 1e-12));
  }
  assert.ok(p95(errors) <= 10, `p95 ${p95(errors).toFixed(2)} ms`);
});

test('a late joiner on 50 ± 20 ms each way, clock 500 ms off and 100 ppm: within 10 ms of the schedule, for good, within 2 s', () => {
  for (const seed of SEEDS) {
    const world = new World({ seed });
    const model = { meanMs: 50, sdMs: 20 };
    const server = new FakeServer(world, { items: [item(0, track('a', 1_800_000))], up: new Path(world, model), down: new Path(world, model) });
    server.setState(0, 37_000, true);
    const sign = seed % 2 ? 1 : -1;
    const listener = new Listener(world, server, { clock: { offsetMs: -sign * 500, ppm: sign * 100 } });
    const t0 = world.now;
    server.connect(listener.engine);
    listener.run(10_000);
    // from 2 s after the join on, never more than 10 ms off (the benchmark's "within 10 ms for 1 s")
    const late = listener.errors(t0 + 2000);
    assert.ok(late.every((e) => e != null && Math.abs(e) <= 10), `seed ${seed}: ${Math.max(...late.map((e) => (e == null ? Infinity : Math.abs(e))))}`);
    assert.ok(p95(listener.errors(t0 + 5000)) <= 5, `seed ${seed}: p95 after 5 s ${p95(listener.errors(t0 + 5000))}`);
  }
});
