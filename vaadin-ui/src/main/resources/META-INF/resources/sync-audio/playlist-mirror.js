// The listener's copy of the session's playlist, kept in step with the server by versioned
// changes, with whole snapshots (hello, the `resync` answer) to catch up after a gap.

/** Items in their order, each with its index as `position` (copies where it differs). */
function numbered(items) {
  return items.map((item, index) => (item.position === index ? item : { ...item, position: index }));
}

/** Changes kept while a playlist snapshot is awaited (beyond a gap); older ones are dropped. */
const MAX_HELD_CHANGES = 200;

/**
 * The playlist as this listener knows it: `items` (in order, each with its `position`) at
 * `playlistVersion` (-1 before the first snapshot). The drift controller extends it, as the
 * schedule it follows runs through these items.
 */
export class PlaylistMirror {
  constructor() {
    this.forgetPlaylist();
  }

  /** Forgets the list and its version. */
  forgetPlaylist() {
    this.items = [];
    this.forgetPlaylistVersion();
  }

  /**
   * Keeps the items (to play on) but not their version, nor changes held back: the next snapshot
   * is taken whatever its version (a restarted server or another instance may count differently).
   */
  forgetPlaylistVersion() {
    this.playlistVersion = -1;
    this.playlistBroken = false;
    this.heldChanges = new Map();
  }

  /**
   * A whole playlist `{version, items}`: hello's, the `resync` answer, or a `playlist_update` of an
   * older server (which carried the whole list every time). An older snapshot than the list held
   * is ignored. Changes held back for a gap that follow it are applied after it. Returns true when
   * it was taken.
   */
  setPlaylist(playlist) {
    if (!playlist || !Array.isArray(playlist.items)) {
      return false;
    }
    const version = Number(playlist.version);
    if (Number.isFinite(version) && version < this.playlistVersion) {
      return false; // an older snapshot than the one held
    }
    this.playlistVersion = Number.isFinite(version) ? version : this.playlistVersion;
    this.items = numbered([...playlist.items].sort((a, b) => a.position - b.position));
    this.playlistBroken = false;
    this.applyHeldChanges();
    return true;
  }

  /**
   * A `playlist_update`. One carrying `items` is a snapshot (the `resync` form, or an older
   * server's). Otherwise its `change` is applied when its version is the next one; an older or
   * repeated version is ignored; a later one means changes were missed: it is held back and the
   * playlist waits for a snapshot (`playlistGap`; the engine asks for `resync`). A change that does
   * not fit the list held (an unknown op, an item that is not where it should be) also asks for a
   * snapshot. Returns `snapshot`, `applied`, `stale`, `gap` or `ignored`.
   */
  applyPlaylistUpdate(msg) {
    if (!msg || typeof msg !== 'object') {
      return 'ignored';
    }
    if (Array.isArray(msg.items)) {
      return this.setPlaylist(msg) ? 'snapshot' : 'stale';
    }
    const change = msg.change;
    const version = Number(msg.version);
    if (!change || typeof change !== 'object' || !Number.isFinite(version)) {
      return 'ignored';
    }
    if (change.op === 'resync') {
      // the resync form without items: nothing to take, but the list may be behind
      this.playlistBroken = this.playlistBroken || version > this.playlistVersion;
      return this.playlistGap ? 'gap' : 'stale';
    }
    if (this.playlistVersion >= 0 && version <= this.playlistVersion) {
      return 'stale';
    }
    if (this.playlistVersion < 0 || version > this.playlistVersion + 1) {
      this.holdChange(version, change);
      return 'gap';
    }
    if (!this.applyChange(change)) {
      this.playlistBroken = true;
      return 'gap';
    }
    this.playlistVersion = version;
    this.applyHeldChanges();
    return this.playlistGap ? 'gap' : 'applied';
  }

  /** Keeps a change that came after a gap, to apply once the snapshot catches up with it. */
  holdChange(version, change) {
    this.heldChanges.set(version, change);
    if (this.heldChanges.size > MAX_HELD_CHANGES) {
      this.heldChanges.delete(Math.min(...this.heldChanges.keys()));
    }
  }

  /** Applies the held changes that follow the version held; a gap remains while any are left. */
  applyHeldChanges() {
    for (const version of [...this.heldChanges.keys()]) {
      if (version <= this.playlistVersion) {
        this.heldChanges.delete(version);
      }
    }
    while (this.heldChanges.has(this.playlistVersion + 1)) {
      const version = this.playlistVersion + 1;
      const change = this.heldChanges.get(version);
      this.heldChanges.delete(version);
      if (!this.applyChange(change)) {
        this.playlistBroken = true;
        return;
      }
      this.playlistVersion = version;
    }
  }

  /**
   * True while the list is known to miss changes (a version gap, or a change that did not fit):
   * until a snapshot (hello or the `resync` answer) catches up.
   */
  get playlistGap() {
    return this.playlistBroken || this.heldChanges.size > 0;
  }

  /**
   * One change (add, move, remove) on the list held; false when it does not fit (the list is not
   * what the server's was: a snapshot is needed). A move or remove finds its item by `item_id`,
   * else at `from`.
   */
  applyChange(change) {
    const items = [...this.items];
    const id = change.item_id == null ? null : String(change.item_id);
    const at = (from) => {
      let index = id == null ? -1 : items.findIndex((i) => i.item_id === id);
      if (id == null && Number.isInteger(from) && from >= 0 && from < items.length) {
        index = from;
      }
      // not where the server had it: the lists had already parted (applied anyway, by item_id)
      return { index, fits: index >= 0 && (!Number.isInteger(from) || from === index) };
    };
    const position = change.position;
    let fits;
    switch (change.op) {
      case 'add': {
        if (id == null || !change.track || !Number.isInteger(position) || position < 0 || position > items.length) {
          return false;
        }
        const old = items.findIndex((i) => i.item_id === id);
        if (old >= 0) {
          return false; // already there: the lists have parted
        }
        const item = { item_id: id, position, track: change.track };
        for (const key of ['added_by', 'added_by_name', 'added_at']) {
          if (change[key] !== undefined) {
            item[key] = change[key];
          }
        }
        items.splice(position, 0, item);
        fits = true;
        break;
      }
      case 'move': {
        const found = at(change.from);
        if (found.index < 0 || !Number.isInteger(position) || position < 0 || position >= items.length) {
          return false;
        }
        const [item] = items.splice(found.index, 1);
        items.splice(position, 0, item);
        fits = found.fits;
        break;
      }
      case 'remove': {
        const found = at(change.from);
        if (found.index < 0) {
          return false;
        }
        items.splice(found.index, 1);
        fits = found.fits;
        break;
      }
      default:
        return false; // an op this client does not know
    }
    this.items = numbered(items);
    return fits;
  }
}
