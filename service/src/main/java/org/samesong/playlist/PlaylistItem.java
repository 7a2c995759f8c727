package org.samesong.playlist;

import org.samesong.catalog.Track;

/** One occurrence of a track in a session's playlist. */
public record PlaylistItem(
    String itemId, int position, Track track, String addedBy, String addedByName, long addedAt) {}
