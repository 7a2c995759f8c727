package org.samesong.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Three webhook receivers for {@code bench/run-api.sh} with {@code WEBHOOKS=1}, on 127.0.0.1 from a
 * first port: {@code quick} answers 204 at once, {@code slow} answers 204 after 2 s (the answer is
 * scheduled, no thread waits), {@code failing} answers 500 (so every event is retried). Prints their
 * URLs, one a line, then serves until killed. {@code GET /stats} on any of them answers one line per
 * receiver: name, POSTs, distinct event ids answered 2xx, duplicates among those.
 *
 * <p>Java rather than a script: the receivers share the benchmark's two cores with the server, so
 * what they cost per POST is part of what the benchmark sees.
 *
 * <p>{@code java -cp samesong-load.jar org.samesong.bench.WebhookReceivers <first port>}
 */
public final class WebhookReceivers {
  private record Receiver(String name, long delayMs, int status) {}

  private static final List<Receiver> RECEIVERS =
      List.of(
          new Receiver("quick", 0, 204),
          new Receiver("slow", 2_000, 204),
          new Receiver("failing", 0, 500));

  private static final class Counts {
    final AtomicLong posts = new AtomicLong();
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    final AtomicLong duplicates = new AtomicLong();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: WebhookReceivers <first port>");
      System.exit(64);
    }
    int port = Integer.parseInt(args[0]);
    ScheduledExecutorService later =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "slow-answers");
              t.setDaemon(true);
              return t;
            });
    Counts[] counts = new Counts[RECEIVERS.size()];
    for (int i = 0; i < RECEIVERS.size(); i++) {
      Receiver receiver = RECEIVERS.get(i);
      Counts c = counts[i] = new Counts();
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + i), 256);
      server.createContext(
          "/stats",
          exchange -> answer(exchange, 200, stats(counts).getBytes(StandardCharsets.UTF_8)));
      server.createContext(
          "/hook",
          exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
              in.readAllBytes();
            }
            c.posts.incrementAndGet();
            String eventId = exchange.getRequestHeaders().getFirst("X-Samesong-Event-Id");
            Runnable reply =
                () -> {
                  if (receiver.status() / 100 == 2 && eventId != null && !c.delivered.add(eventId)) {
                    c.duplicates.incrementAndGet();
                  }
                  answer(exchange, receiver.status(), null);
                };
            if (receiver.delayMs() > 0) {
              later.schedule(reply, receiver.delayMs(), TimeUnit.MILLISECONDS);
            } else {
              reply.run();
            }
          });
      server.setExecutor(null); // the dispatcher thread: every handler returns at once
      server.start();
      System.out.println("http://127.0.0.1:" + (port + i) + "/hook");
    }
    System.out.flush();
    Thread.currentThread().join();
  }

  private static String stats(Counts[] counts) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < counts.length; i++) {
      out.append(RECEIVERS.get(i).name())
          .append(" posts=")
          .append(counts[i].posts.get())
          .append(" delivered=")
          .append(counts[i].delivered.size())
          .append(" duplicates=")
          .append(counts[i].duplicates.get())
          .append('\n');
    }
    return out.toString();
  }

  private static void answer(HttpExchange exchange, int status, byte[] body) {
    try {
      if (body == null) {
        exchange.sendResponseHeaders(status, -1);
      } else {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
      }
    } catch (IOException gone) {
      // the sender gave up (timeout): nothing to answer
    } finally {
      exchange.close();
    }
  }

  private WebhookReceivers() {}
}
