/** The server-owned playback clock: play, pause, seek, skip, and advancing at track ends. */
package org.samesong.playback;
