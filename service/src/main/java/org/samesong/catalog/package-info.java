/**
 * The catalog (spec section 3, "Track"): library and URL tracks, their case-insensitive search and
 * their JSON with a signed, expiring stream URL. Files and streams themselves are the media
 * feature's; it registers tracks here, never the other way round.
 */
package org.samesong.catalog;
