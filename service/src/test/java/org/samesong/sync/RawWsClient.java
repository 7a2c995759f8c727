package org.samesong.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client of {@code /ws/sessions/{id}} written by hand on a plain socket, for tests with
 * many listeners or with listeners that read late or never: it reads only once told to, keeps no
 * messages (only the type of the last one and a few counts), checks that every text message is
 * valid UTF-8, answers the server's close, and can drop its connection without a close frame.
 */
public final class RawWsClient {
  private final String label;
  private final Socket socket;
  private final CompletableFuture<String> outcome = new CompletableFuture<>();
  private final CountDownLatch hello = new CountDownLatch(1);
  private final AtomicInteger pongs = new AtomicInteger();
  private volatile String lastType = "nothing";
  private volatile int ended;
  private volatile int closeCode;
  private volatile int answerCode;

  private RawWsClient(String label, Socket socket) {
    this.label = label;
    this.socket = socket;
  }

  /**
   * Opens the WebSocket (the 101 response read, nothing after it) on a socket with that receive
   * buffer.
   */
  public static RawWsClient open(
      String label, int port, String sessionId, String token, int receiveBuffer)
      throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(receiveBuffer);
    socket.connect(new InetSocketAddress("localhost", port), 10_000);
    socket.setSoTimeout(60_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request =
        "GET /ws/sessions/"
            + sessionId
            + "?token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8)
            + " HTTP/1.1\r\nHost: localhost:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\nSec-WebSocket-Version: 13\r\n"
            // what Chromium offers: the server must decline it (frames are read uncompressed here)
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake: " + head);
      }
      head.write(b);
    }
    assertThat(head.toString(StandardCharsets.US_ASCII))
        .startsWith("HTTP/1.1 101")
        .doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
    return new RawWsClient(label + " (port " + socket.getLocalPort() + ")", socket);
  }

  /** Starts reading, on a thread of its own. */
  public RawWsClient startReading() {
    Thread reader = new Thread(this::read, "raw-ws " + label);
    reader.setDaemon(true);
    reader.start();
    return this;
  }

  public boolean awaitHello(Duration timeout) throws InterruptedException {
    return hello.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int pongs() {
    return pongs.get();
  }

  public boolean isClosed() {
    return outcome.isDone();
  }

  /** The close code the server sent (0: none yet; -1: the connection broke without one). */
  public int closeCode() {
    return closeCode;
  }

  /**
   * How it ended: {@code "session_ended, then 4410"} for a session_ended as the last message and a
   * close with 4410; {@code "no session_ended, then <code>"}; {@code "broken without a close frame
   * (1006) …"}; or not closed within {@code timeout}.
   */
  public String outcome(Duration timeout) throws Exception {
    try {
      return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return "not closed within " + timeout.toMillis() + " ms (last message " + lastType + ")";
    }
  }

  /** Sends a text message (masked, as clients must). */
  public synchronized void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    writeMasked(frame, payload);
    socket.getOutputStream().write(frame.toByteArray());
  }

  /** Drops the connection without a close frame (a reset). */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // closing anyway
    }
    close();
  }

  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // gone already
    }
  }

  private void read() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        int opcode = b0 & 0x0f;
        if (opcode == 8) {
          int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
          closeCode = code;
          answerClose(payload);
          outcome.complete(
              (ended == 0
                      ? "no session_ended"
                      : lastType.equals("session_ended")
                          ? "session_ended"
                          : "session_ended, then " + lastType)
                  + ", then "
                  + code);
          return;
        }
        if (opcode == 1 || opcode == 0) {
          message.write(payload);
          if ((b0 & 0x80) != 0) {
            byte[] bytes = message.toByteArray();
            message.reset();
            String text;
            try {
              text =
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPORT)
                      .onUnmappableCharacter(CodingErrorAction.REPORT)
                      .decode(ByteBuffer.wrap(bytes))
                      .toString();
            } catch (CharacterCodingException e) {
              closeCode = -1;
              outcome.complete(
                  "the server sent a text message that is not UTF-8 after " + lastType);
              return;
            }
            // the type comes first in every server message
            int start = text.indexOf("\"type\":\"");
            int end = start < 0 ? -1 : text.indexOf('"', start + 8);
            lastType = end < 0 ? "<no type>" : text.substring(start + 8, end);
            switch (lastType) {
              case "hello" -> hello.countDown();
              case "pong" -> pongs.incrementAndGet();
              case "session_ended" -> ended++;
              default -> {}
            }
          }
        }
      }
    } catch (IOException e) {
      closeCode = -1;
      outcome.complete("broken without a close frame (1006) after " + lastType + ": " + e);
    } finally {
      close();
    }
  }

  /** Answers the server's close with {@code code} instead of echoing the server's own. */
  public RawWsClient answerCloseWith(int code) {
    answerCode = code;
    return this;
  }

  private void answerClose(byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    byte[] code =
        answerCode > 0
            ? new byte[] {(byte) (answerCode >> 8), (byte) answerCode}
            : java.util.Arrays.copyOf(payload, Math.min(payload.length, 2));
    frame.write(0x88);
    frame.write(0x80 | code.length);
    writeMasked(frame, code);
    synchronized (this) {
      socket.getOutputStream().write(frame.toByteArray());
    }
  }

  private static void writeMasked(ByteArrayOutputStream frame, byte[] payload) {
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
  }

  @Override
  public String toString() {
    return label;
  }
}
