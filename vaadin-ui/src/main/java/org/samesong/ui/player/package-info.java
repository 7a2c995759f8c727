/**
 * The {@code <sync-audio>} player: a Java wrapper of the web component that plays a session's audio
 * in step with everyone else's (its script and sync logic are the static ES modules under {@code
 * META-INF/resources/sync-audio/}). The host and guest views embed it.
 */
package org.samesong.ui.player;
