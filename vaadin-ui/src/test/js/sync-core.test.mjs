// Unit tests of the pure parts of sync-core.js: clock offset, reading filter, latency learning,
// the schedule, settings, backoff, and single controller decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffDelay,
  ClockOffsetEstimator,
  DEFAULT_SETTINGS,
  expectedPlayback,
  LatencyLearner,
  median,
  normalizeSettings,
  parsePlaybackState,
  ReadingFilter,
  SyncController,
  SyncEngine,
} from '../../main/resources/META-INF/resources/sync-audio/sync-core.js';
import { item, rng, track } from './sim.mjs';

test('offset estimate stays within ~1 ms of the truth under asymmetric jitter', () => {
  const worst = [];
  let naiveError = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const random = rng(seed);
    const exp = (mean) => -mean * Math.log(Math.max(random(), 1e-12));
    const trueOffset = 98_765.432;
    const estimator = new ClockOffsetEstimator();
    let now = 1_000_000;
    let naive = 0;
    for (let i = 0; i < 24; i++) {
      // the way up is slow and jittery (a busy uplink), the way down quick
      const up = 2 + exp(10);
      const down = 2 + exp(1);
      const serverTime = Math.floor(now + up + trueOffset);
      estimator.add(now, serverTime, now + up + down);
      naive += (serverTime - (now + (up + down) / 2)) / 24;
      now += i < 8 ? 100 : 3000; // a burst, then one every 3 s
    }
    const estimate = estimator.estimate(now);
    worst.push(Math.abs(estimate.offsetMs - trueOffset));
    naiveError += (naive - trueOffset) / 20;
  }
  // the asymmetry is real: averaging the round trips' middles is off by several ms
  assert.ok(naiveError > 3, `${naiveError}`);
  assert.ok(Math.max(...worst) < 1.5, `errors ${worst.map((e) => e.toFixed(2))}`);
  assert.ok(worst.reduce((a, b) => a + b) / worst.length < 0.8);
});

test('offset estimate follows a server clock step: older contradicting samples are left out', () => {
  const estimator = new ClockOffsetEstimator();
  for (let i = 0; i < 5; i++) {
    estimator.add(i * 1000, i * 1000 + 1 + 500, i * 1000 + 2);
  }
  assert.ok(Math.abs(estimator.estimate(5000).offsetMs - 500) <= 1);
  for (let i = 5; i < 7; i++) {
    estimator.add(i * 1000, i * 1000 + 1 + 2500, i * 1000 + 2);
  }
  const estimate = estimator.estimate(7000);
  assert.ok(Math.abs(estimate.offsetMs - 2500) <= 1, `${estimate.offsetMs}`);
  assert.equal(estimate.samples, 2);
});

test('offset estimate forgets samples outside its window and refuses impossible ones', () => {
  const estimator = new ClockOffsetEstimator({ windowMs: 10000 });
  assert.equal(estimator.add(100, 5000, 90), false); // received before it was sent
  assert.equal(estimator.add(100, NaN, 101), false);
  assert.equal(estimator.estimate(0), null);
  estimator.add(0, 500, 1);
  assert.ok(estimator.estimate(5000));
  assert.equal(estimator.estimate(20_000), null);
});

test('median filter drops a single outlier reading', () => {
  const filter = new ReadingFilter(3);
  for (const r of [0.4, 0.5, 14.8, 0.45, 0.5]) {
    filter.push(r);
    if (filter.full) {
      assert.ok(Math.abs(filter.value()) < 1, `median ${filter.value()} after ${r}`);
    }
  }
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('latency learner averages its landings with the first guess, moves slowly after, and stays bounded', () => {
  const learner = new LatencyLearner(100);
  learner.learn(120);
  assert.equal(learner.value, 110); // the guess counts as one landing
  learner.learn(110);
  assert.equal(learner.value, 110);
  for (let i = 0; i < 20; i++) {
    learner.learn(112);
  }
  assert.ok(Math.abs(learner.value - 112) < 0.01);
  learner.learn(5000); // a landing that waited for the network or a starved CPU
  assert.ok(learner.value <= 112 + 25 + 1e-9, `${learner.value}`);
  learner.learn(NaN);
  assert.ok(Number.isFinite(learner.value));
  const bounded = new LatencyLearner(390);
  for (let i = 0; i < 10; i++) {
    bounded.learn(2000);
  }
  assert.equal(bounded.value, 400);
});

test('settings from hello replace the defaults; unknown keys and bad values are ignored', () => {
  const settings = normalizeSettings({ dead_band_ms: 5, seek_threshold_ms: '300', max_rate_correction: 7, colour: 'red' });
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS, dead_band_ms: 5, seek_threshold_ms: 300 });
  const controller = new SyncController({ dead_band_ms: 3 });
  controller.updateSettings({ max_rate_correction: 0.05 });
  assert.equal(controller.settings.dead_band_ms, 3);
  assert.equal(controller.settings.max_rate_correction, 0.05);
});

test('a settings_update while connected changes the thresholds at once and keeps the rest', () => {
  const engine = new SyncEngine({ now: () => 0, send: () => {}, audios: [] });
  engine.receive({ type: 'hello', role: 'guest', member_id: 'm', settings: { dead_band_ms: 2, seek_threshold_ms: 150 } });
  engine.receive({ type: 'settings_update', seq: 4, server_time: 1, settings: { dead_band_ms: 7, max_rate_correction: 0.03 } });
  assert.equal(engine.settings.dead_band_ms, 7);
  assert.equal(engine.settings.max_rate_correction, 0.03);
  assert.equal(engine.settings.seek_threshold_ms, 150);
});

test('reconnect backoff grows exponentially with jitter, capped', () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(backoffDelay(0, { baseMs: 500, random: low }), 250);
  assert.ok(backoffDelay(0, { baseMs: 500, random: high }) < 500);
  assert.equal(backoffDelay(3, { baseMs: 500, random: low }), 2000);
  assert.equal(backoffDelay(40, { baseMs: 500, maxMs: 30000, random: low }), 15000);
  assert.ok(backoffDelay(40, { baseMs: 500, maxMs: 30000, random: high }) <= 30000);
});

const items = [item(0, track('a', 10_000)), item(1, track('b', 20_000)), item(2, track('c', 5_000))];

function state(itemIndex, positionMs, playing, updatedAt) {
  const it = items[itemIndex];
  return parsePlaybackState({
    track_id: it.track.id,
    item_id: it.item_id,
    position_ms: positionMs,
    state: playing ? 'playing' : 'paused',
    updated_at: new Date(updatedAt).toISOString(),
  });
}

test('schedule: target = position_ms + (server_now - updated_at) while playing, fixed while paused', () => {
  const t = Date.parse('2026-11-26T10:00:00.000Z');
  assert.equal(expectedPlayback(state(0, 1000, true, t), items, t + 2500).positionMs, 3500);
  assert.equal(expectedPlayback(state(0, 1000, false, t), items, t + 2500).positionMs, 1000);
});

test('schedule: moves to the next item at a track end and pauses at the end of the playlist', () => {
  const t = Date.parse('2026-11-26T10:00:00.000Z');
  const playing = state(0, 9000, true, t);
  const before = expectedPlayback(playing, items, t + 999);
  assert.equal(before.item.item_id, 'item-0');
  assert.equal(before.next.item_id, 'item-1');
  assert.equal(before.endsAt, t + 1000);
  const after = expectedPlayback(playing, items, t + 1250);
  assert.equal(after.item.item_id, 'item-1');
  assert.equal(after.positionMs, 250);
  const end = expectedPlayback(playing, items, t + 1000 + 20_000 + 5_000 + 3000);
  assert.equal(end.item.item_id, 'item-2');
  assert.equal(end.ended, true);
  assert.equal(end.playing, false);
  assert.equal(end.positionMs, 5000);
  assert.equal(expectedPlayback(null, items, t).item, null);
  assert.equal(expectedPlayback(state(0, 0, true, t), [], t).item, null);
});

/** A controller whose player reads `positionMs + error` exactly on schedule, from a fixed now. */
function tracking(settings, errors) {
  const controller = new SyncController(settings);
  const t = Date.parse('2026-11-26T10:00:00.000Z');
  controller.setPlaylist({ version: 1, items });
  controller.setPlayback({ track_id: 'a', item_id: 'item-0', position_ms: 0, state: 'playing', updated_at: new Date(t).toISOString() });
  const actions = [];
  let rate = 1;
  errors.forEach((error, i) => {
    const now = 1000 + i * 50;
    const serverNow = t + 2000 + i * 50;
    const decision = controller.step({
      now,
      offset: serverNow - now,
      player: { itemId: 'item-0', ready: true, paused: false, seeking: false, positionMs: 2000 + i * 50 + error, rate },
      next: {},
    });
    if (decision.action === 'rate') {
      rate = decision.rate;
    }
    actions.push(decision);
  });
  return actions;
}

test('inside the dead band the controller does nothing', () => {
  const actions = tracking({}, Array.from({ length: 40 }, (_, i) => 1.8 * Math.sin(i)));
  assert.deepEqual([...new Set(actions.map((a) => a.action))], ['none']);
});

test('a single outlier reading changes nothing', () => {
  const errors = Array.from({ length: 40 }, () => 0.3);
  errors[10] = 17;
  errors[25] = -12;
  const actions = tracking({}, errors);
  assert.deepEqual([...new Set(actions.map((a) => a.action))], ['none']);
});

test('a drift above the dead band asks for a rate change, capped and in the right direction', () => {
  const ahead = tracking({}, Array.from({ length: 5 }, () => 80));
  const rate = ahead.find((a) => a.action === 'rate');
  assert.equal(rate.rate, 0.98);
  const behind = tracking({ max_rate_correction: 0.01 }, Array.from({ length: 5 }, () => -4));
  assert.ok(Math.abs(behind.find((a) => a.action === 'rate').rate - 1.008) < 1e-9); // 1 + 4 ms / 500 ms
});

test('a drift beyond the seek threshold asks for a seek ahead by the learned latency', () => {
  const actions = tracking({ seek_threshold_ms: 150 }, Array.from({ length: 5 }, () => -400));
  const seek = actions.find((a) => a.action === 'seek');
  assert.ok(seek, JSON.stringify(actions.map((a) => a.action)));
  // the third reading decides (median of 3): target then is 2100 ms, plus the 100 ms first guess
  assert.equal(seek.seekTo, 2100 + 100);
  const bigger = tracking({ seek_threshold_ms: 500 }, Array.from({ length: 5 }, () => -400));
  assert.equal(bigger.find((a) => a.action === 'seek'), undefined);
});

test('paused state pauses the player at the paused position; no state stops it', () => {
  const controller = new SyncController();
  const t = Date.parse('2026-11-26T10:00:00.000Z');
  controller.setPlaylist({ version: 1, items });
  controller.setPlayback({ track_id: 'a', item_id: 'item-0', position_ms: 4321, state: 'paused', updated_at: new Date(t).toISOString() });
  const player = { itemId: 'item-0', ready: true, paused: false, seeking: false, positionMs: 9000, rate: 1 };
  const decision = controller.step({ now: 0, offset: null, player, next: {} });
  assert.equal(decision.action, 'pause');
  assert.equal(decision.seekTo, 4321);
  controller.setPlayback({ track_id: null, item_id: null, position_ms: 0, state: 'paused', updated_at: new Date(t).toISOString() });
  assert.equal(controller.step({ now: 0, offset: 0, player, next: {} }).action, 'stop');
});

test('an older playlist snapshot does not replace a newer one', () => {
  const controller = new SyncController();
  controller.setPlaylist({ version: 5, items });
  controller.setPlaylist({ version: 4, items: [] });
  assert.equal(controller.items.length, 3);
});
