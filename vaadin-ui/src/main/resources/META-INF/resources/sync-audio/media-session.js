// The lock screen and the system's media controls (the Media Session API): what plays (title,
// artist, album, a cover drawn from the track), where it is, and what the play/pause/next buttons
// do. The DOM-free part: the element hands in `navigator.mediaSession` and `MediaMetadata`.

/** Position state is told again at least this often while nothing else changes. */
const POSITION_EVERY_MS = 5000;

/** The actions the system's controls may send, as this module names them to `onAction`. */
export const MEDIA_ACTIONS = Object.freeze(['play', 'pause', 'stop', 'nexttrack', 'previoustrack']);

function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  }
  return h;
}

function escapeXml(text) {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

function initials(title) {
  const words = String(title || '').trim().split(/\s+/).filter(Boolean);
  const out = words.slice(0, 2).map((w) => String.fromCodePoint(w.codePointAt(0))).join('');
  return out ? out.toUpperCase() : '\u266a';
}

/**
 * A cover for a track that has none: two colours and bars from the track's id, the title's
 * initials; an SVG data URL (the catalog keeps no pictures).
 */
export function artworkFor(track) {
  const seed = String((track && (track.id || track.title)) || 'nothing');
  const h = hash(seed);
  const hue = ((h % 360) + 360) % 360;
  const hue2 = (hue + 40 + (((h >> 9) % 80) + 80) % 80) % 360;
  let bars = '';
  for (let i = 0; i < 12; i++) {
    const height = 12 + ((((h >> (i % 24)) % 7) + 7) % 7) * 6 + ((((i * 37 + h) % 11) + 11) % 11);
    bars += `<rect x='${14 + i * 8}' y='${92 - height}' width='5' height='${height}' rx='2.5' fill='white' opacity='0.35'/>`;
  }
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 512 512'><g transform='scale(4.2667)'>` +
    `<defs><linearGradient id='g' x1='0' y1='0' x2='1' y2='1'>` +
    `<stop offset='0' stop-color='hsl(${hue},62%,46%)'/><stop offset='1' stop-color='hsl(${hue2},58%,30%)'/>` +
    `</linearGradient></defs><rect width='120' height='120' fill='url(#g)'/>${bars}` +
    `<text x='60' y='62' text-anchor='middle' dominant-baseline='middle' font-family='sans-serif'` +
    ` font-size='40' font-weight='700' fill='white'>${escapeXml(initials(track && track.title))}</text></g></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * Keeps the Media Session in step with the player: `update()` after each control step costs
 * nothing while nothing changed. `onAction(name)` gets the system's play, pause, stop, nexttrack
 * and previoustrack; `setActions(names)` says which ones this listener may use (a guest has no
 * next/previous).
 */
export class MediaSessionBridge {
  constructor({ mediaSession, MediaMetadata, onAction = () => {} } = {}) {
    this.session = mediaSession || null;
    this.Metadata = MediaMetadata || null;
    this.onAction = onAction;
    this.trackKey = null;
    this.playbackState = null;
    this.positionAt = null;
    this.actions = null;
  }

  get available() {
    return !!this.session;
  }

  /** Which actions the system's controls offer; the others are taken away. */
  setActions(names) {
    if (!this.session) {
      return;
    }
    const key = names.join(',');
    if (key === this.actions) {
      return;
    }
    this.actions = key;
    for (const name of MEDIA_ACTIONS) {
      try {
        this.session.setActionHandler(name, names.includes(name) ? () => this.onAction(name) : null);
      } catch (e) {
        // an action this browser does not know
      }
    }
  }

  /**
   * What plays now: `track` ({id, title, artist, album, duration_ms}, null when nothing),
   * `playing` (as heard here: the room plays and this listener is not muted), `positionMs`, the
   * client time `now`.
   */
  update({ track, playing, positionMs, now }) {
    if (!this.session) {
      return;
    }
    const key = track ? `${track.id}|${track.title}|${track.artist}|${track.album}` : '';
    let changed = false;
    if (key !== this.trackKey) {
      this.trackKey = key;
      changed = true;
      this.session.metadata =
        track && this.Metadata
          ? new this.Metadata({
              title: track.title || '',
              artist: track.artist || '',
              album: track.album || '',
              artwork: [{ src: artworkFor(track), sizes: '512x512', type: 'image/svg+xml' }],
            })
          : null;
    }
    const state = track ? (playing ? 'playing' : 'paused') : 'none';
    if (state !== this.playbackState) {
      this.playbackState = state;
      this.session.playbackState = state;
      changed = true;
    }
    const duration = track ? Number(track.duration_ms) / 1000 : NaN;
    if (typeof this.session.setPositionState !== 'function' || !(duration > 0) || !Number.isFinite(positionMs)) {
      return;
    }
    if (changed || this.positionAt == null || now - this.positionAt >= POSITION_EVERY_MS) {
      this.positionAt = now;
      try {
        this.session.setPositionState({
          duration,
          playbackRate: 1,
          position: Math.min(duration, Math.max(0, positionMs / 1000)),
        });
      } catch (e) {
        // refused (position beyond a duration the catalog got wrong): the next step tries again
        this.positionAt = null;
      }
    }
  }
}
