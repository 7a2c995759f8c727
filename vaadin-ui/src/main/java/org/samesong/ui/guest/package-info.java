/**
 * {@code /join/{code}}: a guest picks a display name ({@link org.samesong.ui.guest.GuestView}) and
 * lands on the guest's player (now playing, the playlist, suggestions and "my requests"); the seat
 * is kept in the browser's session and in a cookie, so a reload or a server restart goes straight
 * back to the player.
 */
package org.samesong.ui.guest;
