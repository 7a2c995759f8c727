package org.samesong.bench;

import static org.samesong.bench.SyncplayBench.stopping;
import static org.samesong.bench.SyncplayClient.sendHello;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One selector thread for a share of the connections. */
final class SyncplayLoop implements Runnable {
  final Selector selector;
  final ConcurrentLinkedQueue<SyncplayClient> toRegister = new ConcurrentLinkedQueue<>();

  SyncplayLoop() throws IOException {
    selector = Selector.open();
  }

  void add(SyncplayClient c) {
    toRegister.add(c);
    selector.wakeup();
  }

  @Override
  public void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    while (!stopping) {
      try {
        selector.select(100);
        SyncplayClient c;
        while ((c = toRegister.poll()) != null) {
          synchronized (c) {
            c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
            c.open = true;
          }
          sendHello(c);
        }
        long now = System.nanoTime();
        for (SelectionKey k : selector.selectedKeys()) {
          SyncplayClient cl = (SyncplayClient) k.attachment();
          try {
            if (k.isValid() && k.isWritable()) {
              cl.flush();
            }
            if (k.isValid() && k.isReadable()) {
              buf.clear();
              int n = cl.ch.read(buf);
              if (n < 0) {
                cl.lost("closed by the server");
                k.cancel();
                continue;
              }
              buf.flip();
              cl.read(buf, now);
            }
          } catch (IOException e) {
            cl.lost(e.getClass().getSimpleName());
            k.cancel();
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException e) {
        System.err.println("selector: " + e);
      }
    }
  }
}
