// sync-core.js is the core's entry point: sync-audio.js (and a page cached from before the core
// was split into modules) imports these names from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '../../main/resources/META-INF/resources/sync-audio/sync-core.js';

test('sync-core.js still exports every name it did before the split', () => {
  for (const name of [
    'DEFAULT_SETTINGS',
    'normalizeSettings',
    'median',
    'backoffDelay',
    'ClockOffsetEstimator',
    'ReadingFilter',
    'LatencyLearner',
    'parsePlaybackState',
    'targetPosition',
    'expectedPlayback',
    'SyncController',
    'SyncEngine',
  ]) {
    assert.ok(core[name] !== undefined, name);
  }
});

test('the drift controller keeps the playlist it follows', () => {
  const controller = new core.SyncController();
  assert.ok(controller instanceof core.PlaylistMirror);
  assert.equal(controller.applyPlaylistUpdate({ version: 1, items: [] }), 'snapshot');
  assert.equal(controller.playlistVersion, 1);
  controller.reconnect();
  assert.equal(controller.playlistVersion, -1);
});
