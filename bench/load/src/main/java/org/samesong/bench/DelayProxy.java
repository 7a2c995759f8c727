package org.samesong.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A delaying TCP proxy on loopback, standing for one listener's network path (this kernel has no
 * {@code tc netem}). Every chunk read from either side is released to the other after a one-way
 * delay drawn for its direction — normal ({@code mean ± sd} ms, redrawn below a floor), plus now and
 * then a retransmission-like spike — and never before the chunk read ahead of it in the same
 * connection and direction (order kept, as TCP does: a spike holds up what follows). The model can
 * be changed during a run ({@link #set}). One reader and one writer thread per direction and
 * connection: a handful of connections per browser page.
 */
final class DelayProxy implements AutoCloseable {
  /** One direction's delay model, in ms. */
  record Model(double meanMs, double sdMs, double spikeChance, double spikeMs) {
    static Model normal(double meanMs, double sdMs) {
      return new Model(meanMs, sdMs, 0, 0);
    }

    Model withSpikes(double chance, double ms) {
      return new Model(meanMs, sdMs, chance, ms);
    }

    double draw(Random random) {
      double floor = Math.min(0.2, meanMs);
      double d;
      do {
        d = meanMs + sdMs * random.nextGaussian();
      } while (d < floor);
      if (spikeChance > 0 && random.nextDouble() < spikeChance) {
        d += spikeMs;
      }
      return d;
    }

    @Override
    public String toString() {
      String s = String.format(Locale.ROOT, "%.0f ± %.0f ms", meanMs, sdMs);
      return spikeChance > 0 ? s + String.format(Locale.ROOT, ", %.1f %% spikes of %.0f ms", spikeChance * 100, spikeMs) : s;
    }
  }

  private record Chunk(long releaseNanos, byte[] bytes) {}

  private static final Chunk END = new Chunk(0, new byte[0]);

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Random random;
  private volatile Model up;
  private volatile Model down;
  private volatile boolean closed;

  DelayProxy(int targetPort, Model model, long seed) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.random = new Random(seed);
    this.up = model;
    this.down = model;
    Thread accept = new Thread(this::acceptLoop, "delay-proxy-" + port());
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Changes both directions' model from now on (a path that worsens). */
  void set(Model model) {
    this.up = model;
    this.down = model;
  }

  Model model() {
    return up;
  }

  private synchronized double draw(boolean toServer) {
    return (toServer ? up : down).draw(random);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target, 5000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        pipe(client, server, true);
        pipe(server, client, false);
      } catch (IOException e) {
        if (!closed) {
          System.err.println("delay proxy " + port() + ": " + e);
        }
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean toServer) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              long last = 0;
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  long release = System.nanoTime() + (long) (draw(toServer) * 1e6);
                  // order kept: never before the chunk ahead of it
                  release = Math.max(release, last);
                  last = release;
                  byte[] bytes = new byte[n];
                  System.arraycopy(buf, 0, bytes, 0, n);
                  queue.add(new Chunk(release, bytes));
                }
              } catch (IOException e) {
                // the side closed
              }
              queue.add(END);
            },
            "delay-proxy-read");
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out = to.getOutputStream()) {
                while (true) {
                  Chunk c = queue.poll(1, TimeUnit.HOURS);
                  if (c == null || c == END) {
                    break;
                  }
                  long wait;
                  while ((wait = c.releaseNanos() - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  out.write(c.bytes());
                  out.flush();
                }
              } catch (IOException e) {
                // the other side closed
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                try {
                  to.shutdownOutput();
                } catch (IOException e) {
                  // closed already
                }
              }
            },
            "delay-proxy-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }
}
