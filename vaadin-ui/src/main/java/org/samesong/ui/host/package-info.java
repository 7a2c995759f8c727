/**
 * {@code /host}: the host console of a live session ({@link org.samesong.ui.host.HostView}),
 * composed of panels (now playing, playlist, add music, invitation, requests, listeners) that
 * {@link org.samesong.ui.host.HostConsole} refreshes from the session's broadcasts.
 */
package org.samesong.ui.host;
