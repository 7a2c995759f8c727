/**
 * The sync WebSocket, the socket side: {@code /ws/sessions/{id}} ({@link
 * org.samesong.sync.ws.SyncEndpoint}, one instance per connection: token and session checks on
 * open, client messages dispatched to the features' services) and each listener's {@link
 * org.samesong.sync.ws.Connection} with its bounded, never-blocking outgoing queue. Room state is
 * not kept here but in {@code sync} ({@code SyncHub}, {@code MemberRoster}).
 */
package org.samesong.sync.ws;
