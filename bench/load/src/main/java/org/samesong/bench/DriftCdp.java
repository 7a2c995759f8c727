package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;
import static org.samesong.bench.DriftBench.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/** A minimal Chrome DevTools Protocol client: one WebSocket, calls answered by id. */
final class DriftCdp implements java.net.http.WebSocket.Listener {
  final java.net.http.WebSocket ws;
  final Map<Long, java.util.concurrent.CompletableFuture<JsonNode>> pending =
      new java.util.concurrent.ConcurrentHashMap<>();
  final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
  StringBuilder partial = new StringBuilder();

  DriftCdp(String url) {
    if (!url.startsWith("ws://")) {
      throw new IllegalStateException("no DevTools endpoint (se:cdp is " + url + ")");
    }
    ws = http.newWebSocketBuilder().buildAsync(URI.create(url), this).join();
  }

  JsonNode call(String method, ObjectNode params) throws IOException, InterruptedException {
    long id = ids.incrementAndGet();
    java.util.concurrent.CompletableFuture<JsonNode> f = new java.util.concurrent.CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    ws.sendText(msg.toString(), true).join();
    try {
      JsonNode reply = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
      if (reply.has("error")) {
        throw new IllegalStateException(method + ": " + reply.path("error"));
      }
      return reply.path("result");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException(method + ": " + e, e);
    }
  }

  @Override
  public java.util.concurrent.CompletionStage<?> onText(
      java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial = new StringBuilder();
      try {
        JsonNode msg = JSON.readTree(text);
        if (msg.has("id")) {
          java.util.concurrent.CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asLong());
          if (f != null) {
            f.complete(msg);
          }
        }
      } catch (IOException e) {
        // not an answer of ours
      }
    }
    webSocket.request(1);
    return null;
  }
}
