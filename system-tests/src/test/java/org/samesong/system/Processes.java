package org.samesong.system;

import java.util.concurrent.TimeUnit;

/** Stopping the processes the system tests start. */
final class Processes {
  private Processes() {}

  /** SIGTERM, then SIGKILL if it has not ended within 20 seconds; waits for the end. */
  static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
