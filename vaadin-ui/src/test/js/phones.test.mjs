// What listeners on phones need from the player: speakers that sound late (output latency played
// ahead), a background tab's 1-Hz timers, the state the host sees in sync_ack, the lock screen's
// Media Session, the latency kept per browser. Against the simulated world of sim.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServer, item, Listener, track, World } from './sim.mjs';
import { listenerState } from '../../main/resources/META-INF/resources/sync-audio/listener-state.js';
import { SyncEngine } from '../../main/resources/META-INF/resources/sync-audio/sync-engine.js';
import { MediaSessionBridge, artworkFor } from '../../main/resources/META-INF/resources/sync-audio/media-session.js';
import {
  OUTPUT_LATENCY_KEY,
  browserOutputLatency,
  clampOutputLatency,
  loadOutputLatency,
  saveOutputLatency,
} from '../../main/resources/META-INF/resources/sync-audio/output-latency.js';

function setup({ seed = 1, ListenerClass = Listener } = {}) {
  const world = new World({ seed });
  const server = new FakeServer(world, { items: [item(0, track('a', 180_000)), item(1, track('b', 120_000))] });
  server.setState(0, 37_000, true);
  const listener = new ListenerClass(world, server);
  server.connect(listener.engine);
  return { world, server, listener };
}

/** A listener whose page is hidden: its timers fire at most once a second. */
class ThrottledListener extends Listener {
  step(now) {
    this.server.advanceIfEnded();
    if (now >= this.nextTick) {
      const wait = this.engine.tick();
      this.nextTick = now + (this.engine.hidden ? Math.max(1000, wait) : wait) + this.w.uniform(0, 3);
    }
  }
}

const maxAbs = (values) => Math.max(...values.map((v) => (v == null ? Infinity : Math.abs(v))));

test('output latency: the audio plays that much ahead of the schedule, and the ack says so', () => {
  for (const seed of [1, 2, 3]) {
    const { world, server, listener } = setup({ seed });
    listener.engine.outputLatencyMs = 200;
    const t0 = world.now;
    listener.run(12_000);
    const errors = listener.errors(t0 + 6000);
    // what the audio plays is 200 ms ahead: through speakers 200 ms late it sounds on time
    assert.ok(maxAbs(errors.map((e) => e - 200)) <= 3, `seed ${seed}: ${maxAbs(errors.map((e) => e - 200))}`);
    const ack = server.acks.at(-1);
    assert.equal(ack.output_latency_ms, 200);
    // drift is measured against the schedule as heard: near zero
    assert.ok(Math.abs(ack.drift_ms) <= 3, `seed ${seed}: drift ${ack.drift_ms}`);
  }
});

test('a stall is reported as buffering at once, without a drift; when data comes it plays again', () => {
  const { world, server, listener } = setup({ seed: 4 });
  listener.run(8000);
  const audio = listener.audio;
  const before = server.acks.length;
  audio.stall(1500);
  listener.engine.mediaEvent(audio, 'waiting');
  const at = world.now;
  listener.run(400);
  const buffering = server.acks.slice(before).find((a) => a.listener_state === 'buffering');
  assert.ok(buffering, 'a buffering ack');
  assert.ok(buffering.at - at < 300, `reported after ${buffering.at - at} ms`);
  assert.equal(buffering.drift_ms, undefined);
  listener.run(1100);
  listener.engine.mediaEvent(audio, 'playing');
  const back = world.now;
  listener.run(4000);
  assert.equal(server.acks.at(-1).listener_state, 'playing');
  assert.ok(maxAbs(listener.errors(back + 3000)) <= 10, `${maxAbs(listener.errors(back + 3000))} ms`);
});

test('muted and hidden players say so; blocked and buffering say more than muted', () => {
  const { server, listener } = setup({ seed: 5 });
  listener.run(6000);
  listener.engine.muted = true;
  listener.run(500);
  assert.equal(server.acks.at(-1).listener_state, 'muted');
  listener.engine.muted = false;
  listener.engine.hidden = true;
  listener.run(500);
  assert.equal(server.acks.at(-1).listener_state, 'background');
  assert.ok(Number.isFinite(server.acks.at(-1).drift_ms), 'a background player still tells its drift');
  assert.equal(listenerState({ blocked: true, muted: true, roomPlaying: true, waiting: true }), 'blocked');
  assert.equal(listenerState({ muted: true, roomPlaying: true, waiting: true }), 'buffering');
  assert.equal(listenerState({ muted: true, hidden: true }), 'muted');
  // a paused room: waiting for data is nobody's problem
  assert.equal(listenerState({ roomPlaying: false, waiting: true }), 'playing');
});

test('a background tab: 1-Hz timers for 60 s keep the schedule; visible again it is within 5 ms within 1 s', () => {
  for (const seed of [1, 2, 3]) {
    const { world, listener } = setup({ seed, ListenerClass: ThrottledListener });
    listener.run(6000);
    listener.engine.hidden = true;
    // the audio clock slips meanwhile (a phone's audio clock 100 ppm off)
    listener.audio.p.clockRate = 1 + 1e-4;
    const hiddenAt = world.now;
    listener.run(60_000);
    assert.ok(maxAbs(listener.errors(hiddenAt + 5000)) <= 10, `seed ${seed}: hidden ${maxAbs(listener.errors(hiddenAt + 5000))}`);
    // visible: what the element does on visibilitychange
    listener.engine.hidden = false;
    listener.engine.resync();
    listener.nextTick = world.now;
    const visible = world.now;
    listener.run(3000);
    assert.ok(maxAbs(listener.errors(visible + 1000)) <= 5, `seed ${seed}: visible ${maxAbs(listener.errors(visible + 1000))}`);
  }
});

/** A stand-in for navigator.mediaSession that records what it is told. */
class FakeMediaSession {
  constructor() {
    this.metadata = null;
    this.playbackState = 'none';
    this.handlers = {};
    this.positions = [];
  }

  setActionHandler(name, fn) {
    this.handlers[name] = fn;
  }

  setPositionState(state) {
    if (!(state.position <= state.duration)) {
      throw new TypeError('position beyond duration');
    }
    this.positions.push(state);
  }
}

class Metadata {
  constructor(init) {
    Object.assign(this, init);
  }
}

test('Media Session: metadata follows the track, state and position follow the player, actions as allowed', () => {
  const session = new FakeMediaSession();
  const actions = [];
  const bridge = new MediaSessionBridge({ mediaSession: session, MediaMetadata: Metadata, onAction: (a) => actions.push(a) });
  const a = { id: 't1', title: 'Blue in Green', artist: 'Miles Davis', album: 'Kind of Blue', duration_ms: 337_000 };
  const b = { id: 't2', title: 'So What', artist: 'Miles Davis', album: 'Kind of Blue', duration_ms: 562_000 };
  bridge.update({ track: a, playing: true, positionMs: 1000, now: 0 });
  assert.equal(session.metadata.title, 'Blue in Green');
  assert.equal(session.metadata.artist, 'Miles Davis');
  assert.equal(session.metadata.album, 'Kind of Blue');
  assert.match(session.metadata.artwork[0].src, /^data:image\/svg\+xml/);
  assert.equal(session.playbackState, 'playing');
  assert.deepEqual(session.positions.at(-1), { duration: 337, playbackRate: 1, position: 1 });
  const first = session.metadata;
  bridge.update({ track: a, playing: true, positionMs: 1050, now: 50 });
  assert.equal(session.metadata, first, 'unchanged: not set again');
  assert.equal(session.positions.length, 1, 'position told again only after a while');
  bridge.update({ track: b, playing: false, positionMs: 0, now: 100 });
  assert.equal(session.metadata.title, 'So What');
  assert.equal(session.playbackState, 'paused');
  assert.notEqual(artworkFor(a), artworkFor(b));
  assert.equal(artworkFor(a), artworkFor({ ...a }), 'the same track, the same cover');

  bridge.setActions(['play', 'pause']);
  session.handlers.pause();
  assert.deepEqual(actions, ['pause']);
  assert.equal(session.handlers.nexttrack, null, 'a guest has no next');
  bridge.setActions(['play', 'pause', 'nexttrack', 'previoustrack']);
  session.handlers.nexttrack();
  assert.deepEqual(actions, ['pause', 'nexttrack']);
  bridge.update({ track: null, playing: false, positionMs: 0, now: 200 });
  assert.equal(session.metadata, null);
  assert.equal(session.playbackState, 'none');
});

test('output latency is kept per browser, bounded, and the browser estimate is offered where given', () => {
  const store = new Map();
  const storage = { getItem: (k) => (store.has(k) ? store.get(k) : null), setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
  assert.equal(loadOutputLatency(storage), null);
  saveOutputLatency(storage, 185);
  assert.equal(store.get(OUTPUT_LATENCY_KEY), '185');
  assert.equal(loadOutputLatency(storage), 185);
  saveOutputLatency(storage, null);
  assert.equal(loadOutputLatency(storage), null);
  const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
  assert.equal(loadOutputLatency(refusing), null);
  saveOutputLatency(refusing, 10); // no throw
  assert.equal(clampOutputLatency('12.6'), 13);
  assert.equal(clampOutputLatency(99_999), 5000);
  assert.equal(clampOutputLatency('x'), null);
  assert.equal(browserOutputLatency({ outputLatency: 0.17, baseLatency: 0.01 }), 180);
  assert.equal(browserOutputLatency({ outputLatency: 0 }), null);
  assert.equal(browserOutputLatency(null), null);
});

test("a member made co-host (or handed the session) takes the room's lock-screen controls at once", () => {
  const engine = new SyncEngine({ now: () => 0, send: () => {}, audios: [] });
  engine.receive({ type: 'hello', member_id: 'm1', role: 'guest', permissions: { control_playback: false }, playlist: { version: 0, items: [] } });
  assert.equal(engine.role, 'guest');
  engine.receive({ type: 'member_update', members: [{ member_id: 'm2', role: 'host' }, { member_id: 'm1', role: 'cohost' }] });
  assert.equal(engine.role, 'cohost');
  assert.equal(engine.permissions.control_playback, false);
  // rights given to a guest reach its own connection in its own update
  engine.receive({ type: 'member_update', members: [{ member_id: 'm1', role: 'guest', permissions: { control_playback: true } }] });
  assert.equal(engine.role, 'guest');
  assert.equal(engine.permissions.control_playback, true);
});
