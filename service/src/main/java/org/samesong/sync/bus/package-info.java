/**
 * How a broadcast reaches every instance's listeners: the {@link org.samesong.sync.bus.EventBus}
 * (in-process for one instance, Redis pub/sub for a cluster) carrying {@link
 * org.samesong.sync.bus.Envelope}s, the {@link org.samesong.sync.bus.Presence} of connected members
 * (local or shared in Redis), and the {@link org.samesong.sync.bus.RedisConnection} that lets an
 * instance start before Redis answers. Nothing here knows a WebSocket.
 */
package org.samesong.sync.bus;
