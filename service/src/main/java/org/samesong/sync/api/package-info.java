/**
 * The sync protocol's wire messages (docs/protocol.md): {@link org.samesong.sync.api.ClientMessage}
 * (player to server) and {@link org.samesong.sync.api.ServerMessage} (server to players), each a
 * sealed family of records with an explicit {@code type} list, plus the body of {@code GET
 * /api/time}.
 */
package org.samesong.sync.api;
