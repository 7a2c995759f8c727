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
// Events (CustomEvent, bubbles, composed): drift {driftMs, offsetMs, rttMs, rate, state} about
// every 2 s; status {connected, reconnecting, attempt}; token-expired (set a new token to go on);
// ended {code?}; kicked; autoplay-blocked; message {msg} for every server message but pong, and
// hello, playback-state, playlist-update, request-update and member-update with the message as
// detail. A playlist-update carries one change, not the list, and member-update only the members
// that changed: the element keeps the playlist itself (the `playlist` property, `{version, items}`,
// already updated when playlist-update fires) and asks the server for `resync` when it missed a
// change.
//
// Served as a plain ES module (no bundle): loaded with Page.addJsModule("context://sync-audio/sync-audio.js").

import { backoffDelay, SyncEngine } from './sync-core.js';

/**
 * After the server said it is going away (1001, 1012: a restart), refused connects are cheap and
 * it is back within seconds: try every 1.5–3 s instead of backing off to 10 s, so that a room is
 * whole again soon after the server answers (its connects then arrive spread over 3 s, not 10).
 */
const RESTART_MAX_BACKOFF_MS = 3000;

const TAG = 'sync-audio';
const PROPERTIES = ['sessionId', 'token', 'serverUrl', 'settings', 'muted'];
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
      <button id="unlock" type="button" hidden aria-live="polite">Tap to start audio</button>`;
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
    this._muted = false;
    this._engine = this._newEngine();
    for (const audio of this._audios) {
      for (const type of MEDIA_EVENTS) {
        audio.addEventListener(type, () => this._engine.mediaEvent(audio, type));
      }
    }
    this._onVisibility = () => {
      if (document.visibilityState === 'visible') {
        this._engine.resync();
        this._reconnectNow();
      }
    };
    this._onOnline = () => this._reconnectNow();
  }

  _newEngine() {
    return new SyncEngine({
      now: clientNow,
      send: (msg) => this._send(msg),
      emit: (type, detail) => this._engineEvent(type, detail),
      audios: this._audios,
      resolveUrl: (url) => new URL(url, this._base()).href,
      settings: this._settings || undefined,
    });
  }

  // --- properties -------------------------------------------------------------------------

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

  get muted() {
    return this._muted;
  }

  /**
   * Silences this browser only. Both <audio> elements take it (either may be the one playing after
   * a track change); they go on playing, so the sync loop neither notices nor cares.
   */
  set muted(value) {
    this._muted = !!value;
    for (const audio of this._audios) {
      audio.muted = this._muted;
    }
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
    window.addEventListener('online', this._onOnline);
    this._loop();
    this._maybeConnect();
  }

  disconnectedCallback() {
    document.removeEventListener('visibilitychange', this._onVisibility);
    window.removeEventListener('online', this._onOnline);
    clearTimeout(this._tickTimer);
    this._tickTimer = null;
    this._disconnect();
    this._engine.stop();
  }

  /** Starts the audio after the browser refused autoplay; call from a user gesture. */
  unlock() {
    this._unlockButton.hidden = true;
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
        if (this._engine.isStale()) {
          // the server went quiet without closing: do not wait for the close handshake
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

// a second load of this module (another URL spelling, a hot reload) must not throw
if (!customElements.get(TAG)) {
  customElements.define(TAG, SyncAudioElement);
}
