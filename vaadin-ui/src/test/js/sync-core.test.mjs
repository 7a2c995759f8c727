// Unit tests of the DOM-free parts of the player (the modules beside sync-audio.js): clock offset,
// reading filter, latency learning, the schedule, settings, backoff, and single controller
// decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../main/resources/META-INF/resources/sync-audio/backoff.js';
import { ClockOffsetEstimator } from '../../main/resources/META-INF/resources/sync-audio/clock-offset.js';
import { SyncController } from '../../main/resources/META-INF/resources/sync-audio/drift-controller.js';
import { median } from '../../main/resources/META-INF/resources/sync-audio/numbers.js';
import { expectedPlayback, parsePlaybackState } from '../../main/resources/META-INF/resources/sync-audio/playback-schedule.js';
import { LatencyLearner, ReadingFilter } from '../../main/resources/META-INF/resources/sync-audio/player-readings.js';
import {
  streamUrlExpiry,
  SyncEngine,
  URL_REFRESH_MARGIN_MS,
  URL_REFRESH_SPACING_MS,
} from '../../main/resources/META-INF/resources/sync-audio/sync-engine.js';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../main/resources/META-INF/resources/sync-audio/sync-settings.js';
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
    for (let i = 0; i < 120; i++) {
      // the way up is slow and jittery (a busy uplink), the way down quick
      const up = 2 + exp(10);
      const down = 2 + exp(1);
      const serverTime = Math.floor(now + up + trueOffset);
      estimator.add(now, serverTime, now + up + down);
      naive += (serverTime - (now + (up + down) / 2)) / 120;
      now += i < 12 ? 50 : 250; // a burst, then one every 250 ms while uncertain
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
  // two readings off the same way close together: three let them through, five do not
  const three = new ReadingFilter(3);
  const five = new ReadingFilter(3, 5);
  for (const r of [0.4, 0.5, 0.45, 0.5, 9.1, 12.3]) {
    three.push(r);
    five.push(r);
  }
  assert.ok(three.value() > 9);
  assert.ok(Math.abs(five.value()) < 1, `median of five ${five.value()}`);
  five.reset([1, 2, 3, 4, 5, 6]);
  assert.ok(five.full);
  assert.equal(five.value(), 4);
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
function tracking(settings, errors, offsetUncertainty = 0) {
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
      offsetUncertainty,
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

test('the dead band narrows by the clock estimate\'s standard error, to no less than half of it', () => {
  const steady = Array.from({ length: 10 }, () => 1.7);
  const kinds = (actions) => [...new Set(actions.map((a) => a.action))];
  assert.deepEqual(kinds(tracking({}, steady)), ['none']);
  assert.deepEqual(kinds(tracking({}, steady, 0.2)), ['none']);
  // 1.7 ms seen, the estimate ±0.4 ms: the true error may be past 2 ms
  assert.ok(tracking({}, steady, 0.4).some((a) => a.action === 'rate' && a.rate < 1));
  // a wildly uncertain clock does not make it chase noise
  assert.deepEqual(kinds(tracking({}, Array.from({ length: 10 }, () => 0.9), 5)), ['none']);
  assert.ok(tracking({}, Array.from({ length: 10 }, () => 1.1), 5).some((a) => a.action === 'rate'));
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

// --- the playlist kept from playlist_update changes (one change per message, a version each) ---

const ids = (controller) => controller.items.map((i) => i.item_id);

function assertNumbered(controller) {
  assert.deepEqual(
    controller.items.map((i) => i.position),
    controller.items.map((_, n) => n),
    'positions 0..n-1 in order',
  );
}

function add(version, id, position, t = track(id, 1000)) {
  return {
    type: 'playlist_update',
    seq: version,
    server_time: 0,
    version,
    change: { op: 'add', item_id: id, position, track: t, added_by: 'm1', added_by_name: 'ada', added_at: 1 },
  };
}

function move(version, id, from, position) {
  return { type: 'playlist_update', seq: version, server_time: 0, version, change: { op: 'move', item_id: id, from, position } };
}

function remove(version, id, from) {
  return { type: 'playlist_update', seq: version, server_time: 0, version, change: { op: 'remove', item_id: id, from, position: null } };
}

test('playlist changes: add, move and remove applied in order keep the items in position order', () => {
  const controller = new SyncController();
  controller.setPlaylist({ version: 3, items: [items[2], items[0], items[1]] }); // any order in, sorted
  assert.deepEqual(ids(controller), ['item-0', 'item-1', 'item-2']);
  const steps = [
    [add(4, 'x', 3), ['item-0', 'item-1', 'item-2', 'x']], // at the end
    [add(5, 'y', 0), ['y', 'item-0', 'item-1', 'item-2', 'x']], // at the start
    [add(6, 'z', 2), ['y', 'item-0', 'z', 'item-1', 'item-2', 'x']], // in the middle: later ones shift up
    [move(7, 'y', 0, 5), ['item-0', 'z', 'item-1', 'item-2', 'x', 'y']], // down to the end
    [move(8, 'item-2', 3, 0), ['item-2', 'item-0', 'z', 'item-1', 'x', 'y']], // up to the start
    [move(9, 'z', 2, 3), ['item-2', 'item-0', 'item-1', 'z', 'x', 'y']], // one down
    [move(10, 'x', 4, 4), ['item-2', 'item-0', 'item-1', 'z', 'x', 'y']], // to where it is
    [remove(11, 'item-2', 0), ['item-0', 'item-1', 'z', 'x', 'y']], // the first
    [remove(12, 'z', 2), ['item-0', 'item-1', 'x', 'y']], // a middle one: later ones shift down
    [remove(13, 'y', 3), ['item-0', 'item-1', 'x']], // the last
  ];
  for (const [msg, expected] of steps) {
    assert.equal(controller.applyPlaylistUpdate(msg), 'applied', JSON.stringify(msg.change));
    assert.deepEqual(ids(controller), expected, JSON.stringify(msg.change));
    assertNumbered(controller);
    assert.equal(controller.playlistVersion, msg.version);
  }
  assert.equal(controller.playlistGap, false);
  // an added item carries its track and who added it
  const x = controller.items.find((i) => i.item_id === 'x');
  assert.equal(x.track.stream_url, '/api/tracks/x/stream?sig=x');
  assert.equal(x.added_by_name, 'ada');
  // the snapshot's own objects are left as they were
  assert.equal(items[2].position, 2);
});

test('playlist changes: a long random sequence ends as the server list', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const random = rng(seed);
    const pick = (n) => Math.floor(random() * n);
    let server = items.map((i) => i.item_id);
    const controller = new SyncController();
    controller.setPlaylist({ version: 0, items });
    let version = 0;
    for (let n = 0; n < 300; n++) {
      version += 1;
      const r = random();
      let msg;
      if (!server.length || r < 0.4) {
        const position = pick(server.length + 1);
        const id = `s${seed}-${n}`;
        server.splice(position, 0, id);
        msg = add(version, id, position);
      } else if (r < 0.7) {
        const from = pick(server.length);
        const position = pick(server.length);
        const [id] = server.splice(from, 1);
        server.splice(position, 0, id);
        msg = move(version, id, from, position);
      } else {
        const from = pick(server.length);
        const [id] = server.splice(from, 1);
        msg = remove(version, id, from);
      }
      assert.equal(controller.applyPlaylistUpdate(msg), 'applied');
    }
    assert.deepEqual(ids(controller), server, `seed ${seed}`);
    assertNumbered(controller);
  }
});

test('playlist changes: a stale or repeated version is ignored', () => {
  const controller = new SyncController();
  controller.setPlaylist({ version: 5, items });
  assert.equal(controller.applyPlaylistUpdate(add(5, 'old', 0)), 'stale'); // the snapshot has it already
  assert.equal(controller.applyPlaylistUpdate(remove(2, 'item-1', 1)), 'stale');
  assert.equal(controller.applyPlaylistUpdate(add(6, 'x', 1)), 'applied');
  assert.equal(controller.applyPlaylistUpdate(add(6, 'x', 1)), 'stale'); // delivered twice
  assert.deepEqual(ids(controller), ['item-0', 'x', 'item-1', 'item-2']);
  assert.equal(controller.playlistVersion, 6);
  assert.equal(controller.playlistGap, false);
});

test('playlist changes: a change that does not fit the list held waits for a snapshot', () => {
  for (const msg of [
    { type: 'playlist_update', version: 2, change: { op: 'shuffle' } }, // an op this client does not know
    remove(2, 'nowhere', 1), // an item it does not have
    move(2, 'item-2', 0, 1), // not where the server had it
    add(2, 'item-1', 0), // already there
  ]) {
    const controller = new SyncController();
    controller.setPlaylist({ version: 1, items });
    assert.equal(controller.applyPlaylistUpdate(msg), 'gap', JSON.stringify(msg.change));
    assert.equal(controller.playlistGap, true);
    assert.equal(controller.playlistVersion, 1);
    controller.setPlaylist({ version: 2, items: items.slice(0, 2) });
    assert.equal(controller.playlistGap, false);
    assert.deepEqual(ids(controller), ['item-0', 'item-1']);
  }
});

test('playlist_update with items (an older server) replaces the list as before', () => {
  const controller = new SyncController();
  controller.setPlaylist({ version: 1, items });
  const older = {
    type: 'playlist_update',
    version: 2,
    items: [items[1]],
    change: { op: 'remove', item_id: 'item-0', position: 0, track_id: 'a' },
  };
  assert.equal(controller.applyPlaylistUpdate(older), 'snapshot');
  assert.deepEqual(ids(controller), ['item-1']);
  assert.equal(controller.items[0].position, 0);
  // a jump of versions is no gap when the whole list comes with it
  assert.equal(controller.applyPlaylistUpdate({ ...older, version: 9, items }), 'snapshot');
  assert.equal(controller.playlistGap, false);
  assert.equal(controller.applyPlaylistUpdate({ ...older, version: 4, items: [] }), 'stale');
  assert.equal(controller.items.length, 3);
});

/** An engine with no audio and a recorded uplink, connected, at version 3 of the playlist. */
function playlistEngine() {
  const clock = { now: 1000 };
  const sent = [];
  const silent = () => ({
    readyState: 0,
    paused: true,
    ended: false,
    seeking: false,
    currentTime: 0,
    playbackRate: 1,
    src: '',
    pause() {},
    load() {},
  });
  const engine = new SyncEngine({ now: () => clock.now, send: (msg) => sent.push(msg), audios: [silent(), silent()] });
  engine.onOpen();
  engine.receive({ type: 'hello', role: 'guest', member_id: 'm', playlist: { version: 3, items }, members: [], member_count: 1 });
  const resyncs = () => sent.filter((m) => m.type === 'resync').length;
  const resyncForm = (version, list) => ({
    type: 'playlist_update',
    version,
    items: list,
    change: { op: 'resync', item_id: null, position: null },
  });
  return { clock, sent, engine, resyncs, resyncForm };
}

test('a version gap asks for resync exactly once; the answer replaces the list', () => {
  const { clock, engine, resyncs, resyncForm } = playlistEngine();
  engine.receive(add(4, 'x', 0));
  assert.equal(resyncs(), 0);
  engine.receive(add(6, 'z', 0)); // version 5 went missing
  assert.equal(resyncs(), 1);
  assert.equal(engine.controller.playlistGap, true);
  assert.deepEqual(ids(engine.controller), ['x', 'item-0', 'item-1', 'item-2'], 'the change after the gap is not applied');
  // more changes and control steps while the answer is on its way: no second request
  engine.receive(remove(7, 'item-0', 2));
  engine.receive(add(9, 'w', 0));
  for (let i = 0; i < 60; i++) {
    clock.now += 50;
    engine.tick();
  }
  assert.equal(resyncs(), 1);
  // the answer: the server's list at version 7
  const answer = [{ item_id: 'z', track: track('z', 1000) }, items[0], item(5, track('e', 1000)), item(6, track('f', 1000))];
  engine.receive(resyncForm(7, answer.map((it, n) => ({ ...it, position: n }))));
  assert.deepEqual(ids(engine.controller), ['z', 'item-0', 'item-5', 'item-6']);
  assert.equal(engine.controller.playlistVersion, 7);
  // version 9 was held back, but 8 is still missing: one more request, after the timeout only
  assert.equal(engine.controller.playlistGap, true);
  assert.equal(resyncs(), 1);
  engine.receive(add(8, 'v', 4));
  assert.equal(engine.controller.playlistGap, false, 'the missing change came: the held one follows it');
  assert.deepEqual(ids(engine.controller), ['w', 'z', 'item-0', 'item-5', 'item-6', 'v']);
  assert.equal(engine.controller.playlistVersion, 9);
  clock.now += 60_000;
  engine.tick();
  assert.equal(resyncs(), 1);
  engine.receive(move(10, 'v', 5, 0));
  assert.deepEqual(ids(engine.controller), ['v', 'w', 'z', 'item-0', 'item-5', 'item-6']);
});

test('an unanswered resync is asked again after a timeout, less and less often', () => {
  const { clock, engine, resyncs } = playlistEngine();
  engine.receive(add(5, 'x', 0));
  assert.equal(resyncs(), 1);
  const askedAt = [clock.now];
  for (let i = 0; i < 60_000 / 50; i++) {
    clock.now += 50;
    const before = resyncs();
    engine.tick();
    if (resyncs() > before) {
      askedAt.push(clock.now);
    }
  }
  const waits = askedAt.slice(1).map((t, i) => t - askedAt[i]);
  assert.deepEqual(waits, [5000, 10_000, 20_000], `asked at +${askedAt.map((t) => t - askedAt[0])}`);
  // a hello (a new connection) answers it too
  engine.onOpen();
  engine.receive({ type: 'hello', role: 'guest', member_id: 'm', playlist: { version: 5, items }, members: [], member_count: 1 });
  assert.equal(engine.controller.playlistGap, false);
  assert.equal(engine.resyncAskedAt, null);
  clock.now += 100_000;
  engine.tick();
  assert.equal(resyncs(), 4);
});

test('the server\'s own resync form (its event bus lost messages) replaces the list and ends the wait', () => {
  const { engine, resyncs, resyncForm } = playlistEngine();
  engine.receive(resyncForm(8, [items[2]]));
  assert.deepEqual(ids(engine.controller), ['item-2']);
  assert.equal(engine.controller.playlistVersion, 8);
  assert.equal(resyncs(), 0, 'nothing to ask');
  engine.receive(add(9, 'x', 1));
  assert.deepEqual(ids(engine.controller), ['item-2', 'x']);
  engine.receive(remove(11, 'x', 1));
  assert.equal(resyncs(), 1);
  engine.receive(resyncForm(11, [items[2]]));
  assert.equal(engine.controller.playlistGap, false);
  assert.equal(engine.resyncAskedAt, null);
});

test('no resync is asked while disconnected or before the hello of a new connection', () => {
  const { clock, engine, resyncs } = playlistEngine();
  engine.onClose();
  engine.receive(add(6, 'x', 0));
  clock.now += 10_000;
  engine.tick();
  assert.equal(resyncs(), 0);
  engine.onOpen(); // the hello on its way is the answer
  engine.receive(add(7, 'y', 0));
  engine.tick();
  assert.equal(resyncs(), 0);
  engine.receive({ type: 'hello', role: 'guest', member_id: 'm', playlist: { version: 7, items }, members: [], member_count: 1 });
  assert.equal(engine.controller.playlistGap, false);
  assert.deepEqual(ids(engine.controller), ['item-0', 'item-1', 'item-2']);
});

/** A track whose stream URL expires at `expMs` (epoch ms), as the server signs it. */
function expiring(id, expMs, n = 0) {
  return { id, title: id, duration_ms: 600_000, stream_url: `/api/tracks/${id}/stream?exp=${Math.ceil(expMs / 1000)}&m=g&sig=s${n}` };
}

test('stream URLs: the expiry is read from exp, and nothing else passes for one', () => {
  assert.equal(streamUrlExpiry('/api/tracks/a/stream?exp=1767226512&m=x&sig=abc'), 1_767_226_512_000);
  assert.equal(streamUrlExpiry('/api/tracks/a/stream?sig=abc'), null);
  assert.equal(streamUrlExpiry(null), null);
});

test('stream URLs near their expiry are asked for afresh (resync), not more often than the spacing, and a failed load is retried with the fresh one', () => {
  const t0 = Date.parse('2026-11-26T10:00:00.000Z');
  const clock = { now: t0 };
  const sent = [];
  const audio = () => ({ readyState: 0, paused: true, ended: false, seeking: false, currentTime: 0, playbackRate: 1, src: '', pause() {}, load() {} });
  const engine = new SyncEngine({ now: () => clock.now, send: (msg) => sent.push(msg), audios: [audio(), audio()] });
  const ttl = 900_000;
  const list = (issuedAt, n) => [0, 1, 2].map((i) => item(i, expiring(`t${i}`, issuedAt + ttl, n)));
  engine.onOpen();
  engine.receive({
    type: 'hello',
    role: 'guest',
    member_id: 'g',
    playlist: { version: 1, items: list(t0, 0) },
    playback_state: { track_id: 't0', item_id: 'item-0', position_ms: 0, state: 'paused', updated_at: new Date(t0).toISOString() },
    members: [],
    member_count: 1,
  });
  const resyncs = () => sent.filter((m) => m.type === 'resync').length;
  const run = (ms) => {
    for (let left = ms; left > 0; left -= 1000) {
      clock.now += 1000;
      engine.tick();
    }
  };
  engine.tick();
  run(ttl - URL_REFRESH_MARGIN_MS - 5000);
  assert.equal(resyncs(), 0, 'fresh URLs: nothing asked');
  run(10_000);
  assert.equal(resyncs(), 1, 'asked once the current item\'s URL has less than the margin left');
  run(URL_REFRESH_SPACING_MS - 5000);
  assert.equal(resyncs(), 1, 'not again within the spacing');
  // the answer: the same items with fresh URLs
  const fresh = list(clock.now, 1).map((it, n) => ({ ...it, position: n }));
  engine.receive({ type: 'playlist_update', version: 1, items: fresh, change: { op: 'resync', item_id: null, position: null } });
  run(ttl - URL_REFRESH_MARGIN_MS - 5000);
  assert.equal(resyncs(), 1, 'fresh again: nothing asked');
  // a slot whose load failed (its URL expired meanwhile) is loaded again with the fresh URL
  const slot = engine.slots.find((s) => s.itemId === 'item-0') || engine.activeSlot;
  slot.itemId = 'item-0';
  slot.url = list(t0, 0)[0].track.stream_url;
  engine.mediaEvent(slot.audio, 'error');
  engine.tick();
  assert.equal(slot.url, fresh[0].track.stream_url);
  assert.equal(slot.failed, false);
});
