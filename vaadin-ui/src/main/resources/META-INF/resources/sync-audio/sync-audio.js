// <sync-audio>: plays a Samesong session in step with everyone else in it.
//
// Properties: sessionId, token (renew it before it expires: an open connection takes the new one at
// once with `reauth`, else the next (re)connect uses it; the server closes a connection whose token
// expired with 4401),
// serverUrl (optional; default: this page's origin), settings (optional overrides of the sync
// thresholds that hello sends), muted (this browser only: silences both <audio> elements, which keep
// playing on the schedule, so unmuting is in sync at once). The element owns two <audio> elements in its open shadow root:
// `#audio` is the one playing, `#audio-next` preloads the next track of the playlist so a track
// change is gapless. It talks to /ws/sessions/{id}?token=… itself.
//
// outputLatencyMs (how late this browser's speakers sound: played that much ahead, kept in
// localStorage, reported in sync_ack; `openCalibration()` shows a panel to set it by ear), muted
// (this player only; the room plays on). Hidden (a background tab, a locked screen) the loop runs
// on whatever timers the browser allows and corrects at once when visible again; the Media Session
// (lock screen) shows the track and its controls act on the room for the host, mute for a guest.
//
// Events (CustomEvent, bubbles, composed): output-latency {outputLatencyMs} (at connect and on each
// change); muted {muted}; calibration {open, outputLatencyMs}; drift {driftMs, offsetMs, rttMs, rate, state} about
// every 2 s; status {connected, reconnecting, attempt}; token-expired (set a new token to go on);
// ended {code?}; kicked; autoplay-blocked; message {msg} for every server message but pong, and
// hello, playback-state, playlist-update, request-update and member-update with the message as
// detail. A playlist-update carries one change, not the list, and member-update only the members
// that changed: the element keeps the playlist itself (the `playlist` property, `{version, items}`,
// already updated when playlist-update fires) and asks the server for `resync` when it missed a
// change.
//
// webAudioStart (off by default, kept per browser): each new track's first seconds come from a Web
// Audio buffer started on the schedule (boundary-start.js, web-audio-graph.js); both <audio> then
// play through the page's AudioContext. `boundaryState` tells where that buffer is.
//
// Served as a plain ES module (no bundle): loaded with Page.addJsModule("context://sync-audio/sync-audio.js").

import { backoffDelay, SyncEngine } from './sync-core.js';
import { MediaSessionBridge } from './media-session.js';
import { clampOutputLatency, loadOutputLatency, saveOutputLatency } from './output-latency.js';
import { CALIBRATION_HTML, CALIBRATION_STYLE, SpeakerCalibration } from './speaker-calibration.js';
import { BoundaryStart } from './boundary-start.js';
import { WebAudioGraph } from './web-audio-graph.js';

/**
 * After the server said it is going away (1001, 1012: a restart), refused connects are cheap and
 * it is back within seconds: try every 1.5–3 s instead of backing off to 10 s, so that a room is
 * whole again soon after the server answers (its connects then arrive spread over 3 s, not 10).
 */
const RESTART_MAX_BACKOFF_MS = 3000;

const TAG = 'sync-audio';
const PROPERTIES = ['sessionId', 'token', 'serverUrl', 'settings', 'outputLatencyMs', 'muted', 'webAudioStart'];
/** localStorage key of this browser's opt-in to track starts through Web Audio ('1'). */
const WEB_AUDIO_START_KEY = 'samesong.webAudioStart';
/** Who may act on the room from the lock screen's controls; guests mute and unmute themselves. */
const ROOM_ROLES = ['host', 'cohost', 'co_host'];
const MEDIA_EVENTS = ['waiting', 'stalled', 'playing', 'canplaythrough', 'seeked', 'emptied', 'error'];
/** Server messages also dispatched as an event of their own (playback_state → playback-state). */
const RELAYED = ['hello', 'playback_state', 'playlist_update', 'request_update', 'member_update'];

const STYLE = `
  :host { display: block; }
  :host([hidden]) { display: none; }
  #unlock {
    display: block; box-sizing: border-box; width: 100%; min-height: 4rem; margin: 0.5rem 0;
    padding: 1rem 1.5rem; border: none; border-radius: 0.75rem; cursor: pointer;
    font: inherit; font-size: 1.375rem; font-weight: 600; line-height: 1.2;
    color: #fff; background: #1a5fd0;
  }
  #unlock:hover { background: #154fb0; }
  #unlock:focus-visible { outline: 3px solid #0b2f6b; outline-offset: 3px; }
  #unlock[hidden] { display: none; }
${CALIBRATION_STYLE}
`;

/** The page's monotonic clock on the epoch's scale: never steps, unlike Date.now(). */
function clientNow() {
  return performance.timeOrigin + performance.now();
}

export class SyncAudioElement extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style>
      <audio id="audio" preload="auto"></audio>
      <audio id="audio-next" preload="auto"></audio>
      <button id="unlock" type="button" hidden aria-live="polite">Tap to start audio</button>
      ${CALIBRATION_HTML}`;
    this._audios = [root.getElementById('audio'), root.getElementById('audio-next')];
    this._unlockButton = root.getElementById('unlock');
    this._unlockButton.addEventListener('click', () => this.unlock());
    this._sessionId = null;
    this._token = null;
    this._serverUrl = null;
    this._settings = null;
    this._ws = null;
    this._attempt = 0;
    this._serverRestarting = false;
    this._reconnectTimer = null;
    this._tickTimer = null;
    this._waitingForToken = false;
    this._finished = false;
    this._outputLatencyMs = loadOutputLatency(storage()) ?? 0;
    this._muted = false;
    this._silenced = false; // while calibrating: the clicks, not the music
    // track changes on the schedule through Web Audio (boundary-start.js); off unless asked for
    this._webAudioStart = readStorage(WEB_AUDIO_START_KEY) === '1';
    this._graph = null;
    this._engine = this._newEngine();
    this._calibration = new SpeakerCalibration(root, this);
    this._mediaSession = new MediaSessionBridge({
      mediaSession: typeof navigator !== 'undefined' ? navigator.mediaSession : null,
      MediaMetadata: globalThis.MediaMetadata,
      onAction: (action) => this._mediaAction(action),
    });
    for (const audio of this._audios) {
      for (const type of MEDIA_EVENTS) {
        audio.addEventListener(type, () => this._engine.mediaEvent(audio, type));
      }
    }
    this._onVisibility = () => {
      this._engine.hidden = document.visibilityState === 'hidden';
      if (this._engine.hidden) {
        this._engine.letGo();
      } else {
        this._resumeNow();
      }
    };
    // about to be frozen: no step may come for minutes, so no correction may be left running
    this._onFreeze = () => this._engine.letGo();
    // a frozen page (a phone's browser in the background) thaws: measure and correct at once
    this._onResume = () => this._resumeNow();
    this._onOnline = () => this._reconnectNow();
  }

  _newEngine() {
    const engine = new SyncEngine({
      now: clientNow,
      send: (msg) => this._send(msg),
      emit: (type, detail) => this._engineEvent(type, detail),
      audios: this._audios,
      resolveUrl: (url) => new URL(url, this._base()).href,
      settings: this._settings || undefined,
      boundary: this._boundaryStart(),
    });
    engine.outputLatencyMs = this._outputLatencyMs;
    engine.muted = this._muted;
    engine.hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    return engine;
  }

  /**
   * The Web Audio track start, when asked for and the streams are this page's origin (a
   * cross-origin <audio> routed into the graph would be silent); null: track changes as before.
   */
  _boundaryStart() {
    if (!this._webAudioStart || !globalThis.AudioContext || new URL(this._base()).origin !== location.origin) {
      return null;
    }
    if (!this._graph) {
      this._graph = new WebAudioGraph({ audios: this._audios });
      this._graph.setMuted(this._muted || this._silenced);
    }
    return new BoundaryStart(this._graph);
  }

  // --- properties -------------------------------------------------------------------------

  /**
   * Track changes on the schedule through Web Audio (the next track's first seconds from a decoded
   * buffer; see boundary-start.js). Off by default; kept in this browser (localStorage
   * `samesong.webAudioStart` = '1'). Once on, the <audio> elements stay routed through the page's
   * AudioContext.
   */
  get webAudioStart() {
    return this._webAudioStart;
  }

  set webAudioStart(value) {
    const on = !!value;
    if (on === this._webAudioStart) {
      return;
    }
    this._webAudioStart = on;
    writeStorage(WEB_AUDIO_START_KEY, on ? '1' : null);
    if (this._engine.boundary) {
      this._engine.boundary.halt(clientNow());
    }
    this._engine.boundary = this._boundaryStart();
  }

  /** Where the Web Audio track start is (phase, item, zeroAt: page time of its position 0), for tests and benchmarks. */
  get boundaryState() {
    const b = this._engine.boundary;
    return b ? b.describe(clientNow()) : null;
  }

  get sessionId() {
    return this._sessionId;
  }

  set sessionId(value) {
    const id = value == null || value === '' ? null : String(value);
    if (id === this._sessionId) {
      return;
    }
    const had = this._sessionId != null;
    this._sessionId = id;
    if (had) {
      // another session: nothing of the old one may keep playing
      this._disconnect();
      this._engine.stop();
      this._engine = this._newEngine();
    }
    this._finished = false;
    this._maybeConnect();
  }

  get token() {
    return this._token;
  }

  /**
   * A renewed token: an open connection takes it at once (`reauth`, so the server does not close it
   * when the old one expires), a closed one uses it at the next (re)connect; after a 4401 it
   * reconnects at once.
   */
  set token(value) {
    const previous = this._token;
    this._token = value == null || value === '' ? null : String(value);
    if (this._token && this._token !== previous && this.connected) {
      this._send({ type: 'reauth', token: this._token });
    }
    if (this._waitingForToken && this._token) {
      this._waitingForToken = false;
      this._attempt = 0;
      this._maybeConnect();
    } else if (!this._ws) {
      this._maybeConnect();
    }
  }

  get serverUrl() {
    return this._serverUrl;
  }

  set serverUrl(value) {
    this._serverUrl = value == null || value === '' ? null : String(value);
    if (this._webAudioStart && this._engine) {
      if (this._engine.boundary) {
        this._engine.boundary.halt(clientNow());
      }
      this._engine.boundary = this._boundaryStart(); // another origin: no Web Audio
    }
  }

  get settings() {
    return this._engine.settings;
  }

  /** Overrides of the sync thresholds (dead_band_ms, seek_threshold_ms, ...) over the server's. */
  set settings(value) {
    this._settings = value && typeof value === 'object' ? { ...value } : null;
    if (this._settings) {
      this._engine.applySettings(this._settings);
    }
  }

  /**
   * How late this browser's speakers sound, in ms (e.g. +200 for Bluetooth): the player plays that
   * much ahead, reports it in sync_ack, and keeps it in this browser (localStorage). Fires
   * `output-latency` {outputLatencyMs}.
   */
  get outputLatencyMs() {
    return this._outputLatencyMs;
  }

  set outputLatencyMs(value) {
    const ms = clampOutputLatency(value) ?? 0;
    if (ms === this._outputLatencyMs) {
      return;
    }
    this._outputLatencyMs = ms;
    this._engine.outputLatencyMs = ms;
    // a new target: measure afresh instead of chasing it with the rate (a big step seeks)
    this._engine.resync(false);
    saveOutputLatency(storage(), ms);
    this._calibration.latencyChanged(ms);
    this._dispatch('output-latency', { outputLatencyMs: ms });
  }

  /** Muted here only (the room plays on); reported as `muted`. Fires `muted` {muted}. */
  get muted() {
    return this._muted;
  }

  set muted(value) {
    const muted = !!value;
    if (muted === this._muted) {
      return;
    }
    this._muted = muted;
    this._engine.muted = muted;
    this._applyMute();
    this._dispatch('muted', { muted });
  }

  _applyMute() {
    for (const audio of this._audios) {
      audio.muted = this._muted || this._silenced;
    }
    if (this._graph) {
      this._graph.setMuted(this._muted || this._silenced);
    }
  }

  /** Shows the speaker calibration (clicks on the server's seconds, a slider); call from a gesture. */
  openCalibration() {
    this._silenced = true;
    this._applyMute();
    this._calibration.open();
    this._dispatch('calibration', { open: true, outputLatencyMs: this._outputLatencyMs });
  }

  closeCalibration() {
    this._calibration.close();
    this._silenced = false;
    this._applyMute();
    this._dispatch('calibration', { open: false, outputLatencyMs: this._outputLatencyMs });
  }

  /** The server's clock now (ms), as this player estimates it; null before the first estimate. */
  serverNow() {
    const offset = this._engine.offset();
    return offset == null ? null : clientNow() + offset;
  }

  /** The <audio> playing now. */
  get audio() {
    return this._engine.activeSlot.audio;
  }

  /** The playlist as this player knows it: `{version, items}` (items in order, positions 0..n-1). */
  get playlist() {
    const c = this._engine.controller;
    return { version: c.playlistVersion, items: c.items.slice() };
  }

  /** The sync engine, for diagnostics (drift, learned latencies, clock estimate). */
  get engine() {
    return this._engine;
  }

  get connected() {
    return !!(this._ws && this._ws.readyState === WebSocket.OPEN);
  }

  // --- lifecycle ----------------------------------------------------------------------------

  connectedCallback() {
    for (const name of PROPERTIES) {
      // a property set before this element upgraded sits on the instance and hides the setter
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    document.addEventListener('visibilitychange', this._onVisibility);
    document.addEventListener('resume', this._onResume);
    document.addEventListener('freeze', this._onFreeze);
    window.addEventListener('online', this._onOnline);
    this._engine.hidden = document.visibilityState === 'hidden';
    // what this browser kept, for the page to show
    this._dispatch('output-latency', { outputLatencyMs: this._outputLatencyMs });
    this._loop();
    this._maybeConnect();
  }

  disconnectedCallback() {
    document.removeEventListener('visibilitychange', this._onVisibility);
    document.removeEventListener('resume', this._onResume);
    document.removeEventListener('freeze', this._onFreeze);
    window.removeEventListener('online', this._onOnline);
    this._calibration.close();
    clearTimeout(this._tickTimer);
    this._tickTimer = null;
    this._disconnect();
    this._engine.stop();
  }

  /** Starts the audio after the browser refused autoplay; call from a user gesture. */
  unlock() {
    this._unlockButton.hidden = true;
    if (this._graph) {
      this._graph.resume(); // the same gesture lets the audio context run
    }
    const idle = this._engine.idleSlot.audio;
    this._engine.unlock();
    if (idle.src && idle.paused) {
      // Safari unlocks element by element: touch the preloading one inside the gesture too
      idle.muted = true;
      idle.play().then(
        () => {
          idle.pause();
          idle.currentTime = 0;
          idle.muted = this._muted;
        },
        () => {
          idle.muted = this._muted;
        },
      );
    }
  }

  // --- control loop -------------------------------------------------------------------------

  _loop() {
    clearTimeout(this._tickTimer);
    const run = () => {
      let wait = 50;
      try {
        wait = this._engine.tick();
        this._markActive();
        this._updateMediaSession();
        if (this._engine.isStale()) {
          // the server went quiet without closing, or never finished the handshake: do not wait
          // for the close handshake
          this._dropConnection();
          this._scheduleReconnect();
        }
      } catch (e) {
        console.error('sync-audio: control step failed', e);
      }
      this._tickTimer = setTimeout(run, wait);
    };
    this._tickTimer = setTimeout(run, 0);
  }

  /** Visible again, or thawed: measure afresh and correct now, not at the next throttled timer. */
  _resumeNow() {
    this._engine.resume();
    this._reconnectNow();
    this._loop();
  }

  /** The lock screen follows what is heard here (see media-session.js). */
  _updateMediaSession() {
    const bridge = this._mediaSession;
    if (!bridge.available) {
      return;
    }
    const engine = this._engine;
    bridge.setActions(
      this._controlsRoom() ? ['play', 'pause', 'nexttrack', 'previoustrack'] : ['play', 'pause', 'stop'],
    );
    const offset = engine.offset();
    const controller = engine.controller;
    const exp = controller.state && offset != null ? controller.expected(clientNow() + offset) : null;
    const track = exp && exp.item ? exp.item.track : null;
    bridge.update({
      track,
      playing: !!(exp && exp.playing) && !this._muted,
      positionMs: exp ? exp.positionMs : 0,
      now: clientNow(),
    });
  }

  /** Whether this member plays, pauses and skips for the room (host, co-host, or given the right). */
  _controlsRoom() {
    const engine = this._engine;
    return ROOM_ROLES.includes(engine.role) || !!(engine.permissions && engine.permissions.control_playback);
  }

  /**
   * The lock screen's controls: the host (and co-hosts) play, pause and skip the room; a guest's
   * pause mutes this player only (the room plays on for everyone else), its play unmutes it.
   */
  _mediaAction(action) {
    if (this._controlsRoom()) {
      const command = { play: 'play', pause: 'pause', stop: 'pause', nexttrack: 'skip_next', previoustrack: 'skip_prev' }[action];
      if (command) {
        this._send({ type: 'playback_command', action: command });
      }
      return;
    }
    if (action === 'pause' || action === 'stop') {
      this.muted = true;
    } else if (action === 'play') {
      this.muted = false;
      if (this._engine.blocked) {
        this.unlock(); // the lock screen's play is a gesture too
      }
    }
  }

  /** `#audio` is always the audio playing now, so tests and tools find it. */
  _markActive() {
    const active = this._engine.activeSlot.audio;
    if (active.id !== 'audio') {
      const other = this._engine.idleSlot.audio;
      other.id = 'audio-next';
      active.id = 'audio';
    }
  }

  _engineEvent(type, detail) {
    if (type === 'autoplay-blocked') {
      this._unlockButton.hidden = false;
    }
    this._dispatch(type, detail);
  }

  _dispatch(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  // --- connection ---------------------------------------------------------------------------

  _base() {
    return this._serverUrl ? new URL(this._serverUrl, location.href).href : location.href;
  }

  _wsUrl() {
    const url = new URL(`/ws/sessions/${encodeURIComponent(this._sessionId)}`, this._base());
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = `?token=${encodeURIComponent(this._token)}`;
    return url.href;
  }

  _maybeConnect() {
    if (!this.isConnected || this._ws || this._reconnectTimer || this._finished || this._waitingForToken) {
      return;
    }
    if (!this._sessionId || !this._token) {
      return;
    }
    this._connect();
  }

  _connect() {
    let ws;
    try {
      ws = new WebSocket(this._wsUrl());
    } catch (e) {
      console.error('sync-audio: cannot open the connection', e);
      this._scheduleReconnect();
      return;
    }
    this._ws = ws;
    this._engine.onConnecting();
    ws.onopen = () => {
      if (this._ws === ws) {
        this._engine.onOpen();
      }
    };
    ws.onmessage = (event) => {
      if (this._ws === ws) {
        this._onMessage(event.data);
      }
    };
    ws.onclose = (event) => {
      if (this._ws === ws) {
        this._onClose(event.code);
      }
    };
    ws.onerror = () => {
      // a close event follows, with the code
    };
  }

  _onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    this._engine.receive(msg);
    if (!msg || typeof msg !== 'object' || msg.type === 'pong') {
      return;
    }
    if ((msg.type === 'hello' || msg.type === 'settings_update') && this._settings) {
      // the page's own overrides win over the server's settings, on every change of those
      this._engine.applySettings(this._settings);
    }
    if (msg.type === 'hello') {
      this._attempt = 0; // a connection that got as far as hello counts as a success
      this._serverRestarting = false;
      this._dispatch('status', { connected: true, reconnecting: false, attempt: 0 });
    }
    this._dispatch('message', { msg });
    if (RELAYED.includes(msg.type)) {
      this._dispatch(msg.type.replace(/_/g, '-'), msg);
    }
    if (msg.type === 'session_ended') {
      this._finish();
      this._dispatch('ended', { code: 4410 });
    }
  }

  _onClose(code) {
    this._ws = null;
    this._engine.onClose();
    if (this._finished || !this.isConnected) {
      return;
    }
    switch (code) {
      case 4401:
        // the view renews the token; the new one reconnects
        this._waitingForToken = true;
        this._dispatch('status', { connected: false, reconnecting: false, attempt: this._attempt });
        this._dispatch('token-expired', {});
        return;
      case 4403:
        this._finish();
        this._dispatch('kicked', {});
        return;
      case 4404:
      case 4410:
        this._finish();
        this._dispatch('ended', { code });
        return;
      case 1001: // going away: the server stops (a restart or a deploy)
      case 1012: // service restart
        this._serverRestarting = true;
        this._scheduleReconnect();
        return;
      default:
        this._scheduleReconnect();
    }
  }

  _finish() {
    this._finished = true;
    this._disconnect();
    this._engine.stop();
    this._dispatch('status', { connected: false, reconnecting: false, attempt: this._attempt });
  }

  _scheduleReconnect() {
    if (this._reconnectTimer || this._finished || !this.isConnected) {
      return;
    }
    const attempt = this._attempt;
    this._attempt += 1;
    this._dispatch('status', { connected: false, reconnecting: true, attempt: this._attempt });
    this._reconnectTimer = setTimeout(() => {
      this._reconnectTimer = null;
      this._maybeConnect();
    }, backoffDelay(attempt, this._serverRestarting ? { maxMs: RESTART_MAX_BACKOFF_MS } : {}));
  }

  /** Back online or visible again: try at once instead of waiting out the backoff. */
  _reconnectNow() {
    if (this._reconnectTimer) {
      clearTimeout(this._reconnectTimer);
      this._reconnectTimer = null;
      this._maybeConnect();
    }
  }

  _dropConnection() {
    const ws = this._ws;
    this._ws = null;
    this._engine.onClose();
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(4000, 'no heartbeat');
      } catch (e) {
        // closing anyway
      }
    }
  }

  _disconnect() {
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    this._dropConnection();
  }

  _send(msg) {
    if (this._ws && this._ws.readyState === WebSocket.OPEN) {
      this._ws.send(JSON.stringify(msg));
    }
  }
}

function readStorage(key) {
  try {
    return storage() ? storage().getItem(key) : null;
  } catch (e) {
    return null;
  }
}

function writeStorage(key, value) {
  try {
    const s = storage();
    if (s && value == null) {
      s.removeItem(key);
    } else if (s) {
      s.setItem(key, value);
    }
  } catch (e) {
    // a page that may not store keeps it for this element only
  }
}

/** This browser's localStorage, or null where the page may not use it. */
function storage() {
  try {
    return globalThis.localStorage || null;
  } catch (e) {
    return null;
  }
}

// a second load of this module (another URL spelling, a hot reload) must not throw
if (!customElements.get(TAG)) {
  customElements.define(TAG, SyncAudioElement);
}
