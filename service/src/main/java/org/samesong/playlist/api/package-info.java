/** The playlist's JSON bodies: a playlist with its version, an item, and an add or a move. */
package org.samesong.playlist.api;
