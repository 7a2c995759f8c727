/** Real-time synchronisation: the server clock, (later) the WebSocket and the event bus. */
package org.samesong.sync;
