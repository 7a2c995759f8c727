/** Playback on the wire: a host's command and the playback state players follow. */
package org.samesong.playback.api;
