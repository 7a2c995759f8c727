// The whole engine (protocol messages, clock estimate, controller, two audios) against a simulated
// server, network and Chromium-like audio (see sim.mjs). Errors are measured against the server's
// true schedule with the audio's true position, not against what the engine believes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, item, Listener, rng, track, World } from './sim.mjs';

const SEEDS = [1, 2, 3, 4, 5];

function setup({ seed = 1, items, startAt = [0, 37_000, true], serverOptions = {}, listenerOptions = {}, settings = {} } = {}) {
  const world = new World({ seed });
  const list = items || [item(0, track('a', 180_000)), item(1, track('b', 120_000))];
  const server = new FakeServer(world, { items: list, ...serverOptions });
  Object.assign(server.settings, settings);
  if (startAt) {
    server.setState(...startAt);
  }
  const listener = new Listener(world, server, listenerOptions);
  const t0 = world.now;
  server.connect(listener.engine);
  return { world, server, listener, t0 };
}

function maxAbs(values) {
  return Math.max(...values.map((v) => (v == null ? Infinity : Math.abs(v))));
}

test('late join: plays within 10 ms of the schedule within 3 s, then stays there (even after a slow first start)', () => {
  for (const seed of SEEDS) {
    const { listener, t0 } = setup({ seed });
    listener.run(10_000);
    assert.ok(maxAbs(listener.errors(t0 + 3000)) <= 10, `seed ${seed}: ${maxAbs(listener.errors(t0 + 3000))}`);
    assert.ok(maxAbs(listener.errors(t0 + 5000)) <= 3, `seed ${seed}: ${maxAbs(listener.errors(t0 + 5000))}`);
  }
});

test('clock offset through the protocol is estimated within ~1 ms despite a jittery uplink', () => {
  for (const seed of SEEDS) {
    const world = new World({ seed });
    const { server, listener } = setup({
      seed,
      serverOptions: { up: () => 1 + world.exponential(10), down: () => 1 + world.exponential(0.5) },
    });
    listener.run(1000);
    const after1s = Math.abs(listener.engine.offset() - server.offsetMs);
    listener.run(20_000);
    const after21s = Math.abs(listener.engine.offset() - server.offsetMs);
    assert.ok(after1s < 3, `seed ${seed}: ${after1s} ms after 1 s`);
    assert.ok(after21s < 1.5, `seed ${seed}: ${after21s} ms after 21 s`);
  }
});

test('steady playback with outlier readings: no seek, no rate change, error within the dead band', () => {
  for (const seed of SEEDS) {
    const { listener, t0 } = setup({ seed, listenerOptions: { audioParams: { outlierChance: 0.03 } } });
    listener.run(6000);
    const seeksBefore = listener.engine.controller.landings.length;
    listener.run(30_000);
    assert.equal(listener.engine.controller.landings.length, seeksBefore, `seed ${seed}: a seek in steady state`);
    const steady = listener.trace.filter((p) => p.at >= t0 + 6000);
    // the dead band (2 ms), measured against the server's true schedule: with sync18's clock
    // estimator (narrowed dead band) and acks on their own fixed uplink, every seed stays within it
    assert.ok(maxAbs(steady.map((p) => p.error)) <= 2, `seed ${seed}: ${maxAbs(steady.map((p) => p.error))}`);
  }
});

test('rate correction converges within a few seconds without overshoot, pitch preservation off', () => {
  for (const seed of SEEDS) {
    for (const jump of [60, -45, 8]) {
      const { listener } = setup({ seed });
      listener.run(6000);
      const audio = listener.audio;
      audio.advance();
      audio.pos += jump; // the audio slips, unseen by the engine
      const at = listener.world.now;
      listener.run(6000);
      const errors = listener.errors(at);
      // never crosses zero by more than the dead band
      const crossed = Math.max(...errors.map((e) => -Math.sign(jump) * e));
      assert.ok(crossed <= 2, `seed ${seed}, jump ${jump}: crossed by ${crossed}`);
      assert.ok(maxAbs(listener.errors(at + 4000)) <= 2, `seed ${seed}, jump ${jump}: ${maxAbs(listener.errors(at + 4000))}`);
      if (Math.abs(jump) < 10) {
        assert.ok(maxAbs(listener.errors(at + 1500)) <= 2, `seed ${seed}, jump ${jump}: slow`);
      }
      const rates = listener.trace.filter((p) => p.at >= at).map((p) => p.rate);
      assert.ok(Math.min(...rates) >= 0.98 - 1e-12 && Math.max(...rates) <= 1.02 + 1e-12);
      assert.ok(rates.some((r) => r !== 1), 'a rate change corrected it');
      assert.equal(rates.at(-1), 1);
      assert.equal(audio.preservesPitch, false);
      assert.equal(listener.engine.controller.landings.filter((l) => l.at >= at).length, 0, 'corrected by rate, not by a seek');
    }
  }
});

test('a drift beyond the seek threshold seeks; after learning the latency, seeks land within the dead band', () => {
  const r = rng(99);
  const { listener, world } = setup({
    seed: 9,
    listenerOptions: { audioParams: { seekLatency: () => 112 + (r() - 0.5) * 0.5 } },
  });
  listener.run(6000);
  const seeks = () => listener.engine.controller.landings.filter((l) => l.kind === 'seek');
  const before = seeks().length;
  for (let i = 0; i < 6; i++) {
    const audio = listener.audio;
    audio.advance();
    audio.pos -= 500 + i * 300;
    listener.run(4000);
  }
  const landings = seeks().slice(before);
  assert.equal(landings.length, 6);
  assert.ok(Math.abs(seeks()[0].errorMs) > 5, 'the first guess (100 ms) misses a 112 ms latency');
  assert.ok(Math.abs(landings.at(-1).errorMs) <= 2, JSON.stringify(landings));
  assert.ok(Math.abs(listener.engine.controller.seekLatency.value - 112) < 2);
  // and with Chromium's spread of 80–120 ms, the rate correction finishes the job
  for (const audio of listener.audios) {
    audio.p.seekLatency = () => world.uniform(80, 120);
  }
  const at = world.now;
  listener.audio.advance();
  listener.audio.pos += 400;
  listener.run(4000);
  assert.equal(seeks().length, before + 7);
  assert.ok(maxAbs(listener.errors(at + 3000)) <= 2, `${maxAbs(listener.errors(at + 3000))}`);
});

test('track change: each next track starts on schedule, gapless, from the preloaded audio', () => {
  for (const seed of SEEDS) {
    const items = [item(0, track('a', 10_000)), item(1, track('b', 8000)), item(2, track('c', 8000)), item(3, track('d', 8000))];
    const { world, server, listener, t0 } = setup({ seed, items, startAt: [0, 5000, true] });
    listener.run(40_000);
    // scheduled starts of b, c and d, in client time
    const firstStart = t0 + 5000 - server.offsetMs + server.offsetMs; // item a's end, 5 s after t0
    const starts = [firstStart, firstStart + 8000, firstStart + 16_000];
    ['b', 'c', 'd'].forEach((id, i) => {
      const src = `/api/tracks/${id}/stream?sig=x`;
      const started = world.log.find((e) => e.type === 'start' && e.src === src);
      assert.ok(started, `seed ${seed}: ${id} never sounded`);
      const early = i === 0 ? 30 : 20; // the first swap uses the start latency's first guess; then a 30–50 ms spread
      assert.ok(Math.abs(started.at - starts[i]) <= early, `seed ${seed}: ${id} started ${started.at - starts[i]} ms off`);
      // gapless: the previous track was still sounding (or had just ended) when this one started
      const previous = `/api/tracks/${'abc'[i]}/stream?sig=x`;
      const stopped = world.log.find((e) => (e.type === 'end' || e.type === 'pause') && e.src === previous && e.at >= starts[i] - 500);
      assert.ok(stopped && stopped.at >= started.at - 5, `seed ${seed}: gap before ${id}`);
      // and it was preloaded: loaded long before its start
      assert.ok(maxAbs(listener.errors(starts[i] + 1500, starts[i] + 7500)) <= 10);
    });
    // end of the playlist: paused at the end, silent
    assert.equal(server.expected().ended, true);
    assert.equal(listener.audios.every((a) => a.paused), true);
    assert.equal(listener.engine.controller.phase, 'ended');
  }
});

test('reconnect: state is reset and the player resyncs to what changed meanwhile', () => {
  for (const seed of SEEDS) {
    const { world, server, listener } = setup({ seed });
    listener.run(6000);
    server.disconnect();
    listener.run(1000);
    // while the listener is away the host seeks, and it comes back on another instance whose
    // clock is 4 ms off the first one's
    server.setState(0, 100_000, true);
    server.offsetMs += 4;
    listener.run(2000);
    assert.ok(listener.errors(world.now - 500).every((e) => e == null || Math.abs(e) > 1000), 'still on the old schedule');
    const at = world.now;
    const audio = listener.audio;
    const down = server.down;
    server.down = () => 120; // a slow hello
    server.connect(listener.engine);
    server.down = down;
    assert.equal(listener.engine.estimator.samples.length, 0, 'clock samples of the old connection are dropped');
    listener.run(100);
    assert.equal(audio.paused, false, 'keeps playing until hello says otherwise');
    listener.run(6000);
    assert.ok(maxAbs(listener.errors(at + 3000)) <= 10, `seed ${seed}: ${maxAbs(listener.errors(at + 3000))}`);
    assert.ok(Math.abs(listener.engine.offset() - server.offsetMs) < 1.5);
  }
});

test('pause and resume: pauses at the host position, resumes in sync', () => {
  const { world, server, listener } = setup({ seed: 4 });
  listener.run(6000);
  const pausedAt = Math.round(server.expected().positionMs);
  server.setState(0, pausedAt, false);
  listener.run(1000);
  assert.equal(listener.audio.paused, true);
  assert.ok(Math.abs(listener.audio.truePositionMs() - pausedAt) < 1);
  listener.run(5000);
  assert.ok(listener.events.some((e) => e.type === 'drift' && e.detail.state === 'paused'));
  server.setState(0, pausedAt, true);
  const at = world.now;
  listener.run(5000);
  assert.ok(maxAbs(listener.errors(at + 3000)) <= 10);
});

test('buffering stall: after playing resumes the player catches up', () => {
  const { world, listener } = setup({ seed: 2 });
  listener.run(6000);
  const audio = listener.audio;
  audio.stall(700);
  listener.engine.mediaEvent(audio, 'waiting');
  world.at(world.now + 700, () => listener.engine.mediaEvent(audio, 'playing'));
  const at = world.now;
  listener.run(6000);
  assert.ok(Math.max(...listener.errors(at + 710, at + 760)) < -600, 'the stall put it behind');
  assert.ok(maxAbs(listener.errors(at + 3700)) <= 10, `${maxAbs(listener.errors(at + 3700))}`);
});

test('autoplay blocked: tells once, waits, and one unlock starts in sync', async () => {
  const { world, listener } = setup({ seed: 3 });
  world.autoplayBlocked = true;
  await listener.runAsync(3000);
  assert.equal(listener.events.filter((e) => e.type === 'autoplay-blocked').length, 1);
  assert.equal(listener.audio.paused, true);
  world.gesture = true;
  listener.engine.unlock();
  world.gesture = false;
  assert.equal(listener.audio.paused, false, 'play() was called inside the gesture');
  const at = world.now;
  listener.run(5000);
  assert.ok(maxAbs(listener.errors(at + 3000)) <= 10);
});

test('sync_ack about every 2 s with the measured drift', () => {
  const { server, listener } = setup({ seed: 6 });
  listener.run(11_000);
  // while its track loads the player says it buffers (no drift to tell), then plays
  const playing = server.acks.filter((a) => a.listener_state === 'playing');
  assert.ok(playing.length >= 4 && playing.length <= 6, `${playing.length} acks`);
  assert.deepEqual([...new Set(server.acks.map((a) => a.listener_state))], ['buffering', 'playing']);
  for (const ack of playing) {
    assert.equal(ack.track_id, 'a');
    assert.ok(Number.isFinite(ack.drift_ms));
    assert.ok(Number.isInteger(ack.position_ms));
    assert.equal(ack.output_latency_ms, 0);
  }
  assert.ok(Math.abs(server.acks.at(-1).drift_ms) <= 3);
  const drift = listener.events.filter((e) => e.type === 'drift').at(-1).detail;
  assert.deepEqual(Object.keys(drift).sort(), ['driftMs', 'offsetMs', 'rate', 'rttMs', 'state']);
});

test('the thresholds come from hello: a wide dead band leaves a 6 ms drift alone', () => {
  const { listener } = setup({ seed: 5, settings: { dead_band_ms: 10 } });
  listener.run(6000);
  assert.equal(listener.engine.settings.dead_band_ms, 10);
  listener.audio.advance();
  listener.audio.pos += 6 - listener.error(); // 6 ms ahead of the schedule
  const at = listener.world.now;
  listener.run(4000);
  assert.ok(listener.trace.filter((p) => p.at >= at).every((p) => p.rate === 1));
  assert.ok(Math.abs(listener.errors(at + 3000).at(-1) - 6) < 0.5);
});

test('session_ended silences the player; a stale connection is noticed', () => {
  const { world, server, listener } = setup({ seed: 8 });
  listener.run(5000);
  assert.equal(listener.engine.isStale(), false);
  server.broadcast({ type: 'session_ended' });
  listener.run(1000);
  assert.ok(listener.audios.every((a) => a.paused));
  const quiet = setup({ seed: 8 });
  quiet.listener.run(1000);
  quiet.server.client = null; // the server goes silent without closing
  quiet.listener.run(26_000);
  assert.equal(quiet.listener.engine.isStale(), true);
  assert.ok(world);
});

test('playlist changes reach the preload: an item added as the next one is preloaded and starts on schedule', () => {
  for (const seed of SEEDS) {
    const items = [item(0, track('a', 10_000)), item(1, track('b', 8000))];
    const { world, server, listener, t0 } = setup({ seed, items, startAt: [0, 0, true] });
    const idle = () => listener.engine.idleSlot.itemId;
    listener.run(3000);
    assert.equal(idle(), 'item-1', 'b preloaded');
    // the host adds c right after the playing track: it becomes the next one
    server.change({ op: 'add', item_id: 'item-7', position: 1, track: track('c', 8000) });
    listener.run(500);
    assert.equal(idle(), 'item-7', `seed ${seed}: c preloaded after the add`);
    // moved to the end, b is next again; removing b makes c next once more
    server.change({ op: 'move', item_id: 'item-7', position: 2 });
    listener.run(500);
    assert.equal(idle(), 'item-1', `seed ${seed}: b preloaded after the move`);
    server.change({ op: 'remove', item_id: 'item-1' });
    listener.run(500);
    assert.equal(idle(), 'item-7', `seed ${seed}: c preloaded after the remove`);
    assert.deepEqual(
      listener.engine.controller.items.map((i) => [i.item_id, i.position]),
      [['item-0', 0], ['item-7', 1]],
    );
    assert.equal(server.resyncs.length, 0, 'no gap, no resync');
    // a's end, 10 s after t0: c starts on schedule, gapless, and b never sounds
    listener.run(12_000);
    const cStart = world.log.find((e) => e.type === 'start' && e.src === '/api/tracks/c/stream?sig=x');
    assert.ok(cStart, `seed ${seed}: c never sounded`);
    assert.ok(Math.abs(cStart.at - (t0 + 10_000)) <= 30, `seed ${seed}: c started ${cStart.at - t0 - 10_000} ms off`);
    assert.equal(world.log.some((e) => e.src === '/api/tracks/b/stream?sig=x'), false, 'b was heard');
    assert.ok(maxAbs(listener.errors(t0 + 11_500, t0 + 17_500)) <= 10);
  }
});

test('a lost playlist_update: the gap asks for one resync, the answer brings the list back and the right track plays next', () => {
  for (const seed of SEEDS) {
    const items = [item(0, track('a', 10_000)), item(1, track('b', 8000)), item(2, track('c', 8000))];
    const { world, server, listener, t0 } = setup({ seed, items, startAt: [0, 0, true] });
    listener.run(3000);
    // the event bus drops the move of c before b; the next change shows the gap
    server.change({ op: 'move', item_id: 'item-2', position: 1 }, { lost: true });
    listener.run(500);
    assert.equal(listener.engine.idleSlot.itemId, 'item-1', 'the lost change is not known');
    server.change({ op: 'add', item_id: 'item-8', position: 3, track: track('d', 8000) });
    listener.run(1000);
    assert.equal(server.resyncs.length, 1, `seed ${seed}: ${server.resyncs.length} resync requests`);
    assert.deepEqual(
      listener.engine.controller.items.map((i) => i.item_id),
      ['item-0', 'item-2', 'item-1', 'item-8'],
    );
    assert.equal(listener.engine.controller.playlistVersion, server.version);
    assert.equal(listener.engine.idleSlot.itemId, 'item-2', 'c preloaded');
    listener.run(8000);
    const cStart = world.log.find((e) => e.type === 'start' && e.src === '/api/tracks/c/stream?sig=x');
    assert.ok(cStart && Math.abs(cStart.at - (t0 + 10_000)) <= 30, `seed ${seed}: c at ${cStart && cStart.at - t0}`);
    // the resync answer's playback_state changed nothing heard
    assert.ok(maxAbs(listener.errors(t0 + 5000, t0 + 9500)) <= 3, `seed ${seed}: ${maxAbs(listener.errors(t0 + 5000, t0 + 9500))}`);
    assert.equal(server.resyncs.length, 1);
  }
});

test('an unanswered resync is asked again after its timeout, not in a loop', () => {
  const { server, listener } = setup({ seed: 7 });
  listener.run(3000);
  server.answerResync = false;
  server.change({ op: 'remove', item_id: 'item-1' }, { lost: true });
  server.change({ op: 'add', item_id: 'item-4', position: 1, track: track('e', 9000) });
  listener.run(4000);
  assert.equal(server.resyncs.length, 1);
  listener.run(2000);
  assert.equal(server.resyncs.length, 2, 'asked again after 5 s');
  server.answerResync = true;
  listener.run(12_000);
  assert.equal(server.resyncs.length, 3, 'asked again after 10 s more, then answered');
  assert.deepEqual(listener.engine.controller.items.map((i) => i.item_id), ['item-0', 'item-4']);
  listener.run(60_000);
  assert.equal(server.resyncs.length, 3);
});
