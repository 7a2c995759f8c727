package org.samesong.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Figures of a process from /proc (Linux). */
final class Proc {
  private Proc() {}

  /** utime + stime, in clock ticks, from the text of a {@code /proc/…/stat} file. */
  static long ticks(String stat) {
    // after "pid (comm) ": state is f[0], utime f[11], stime f[12] (fields 14 and 15)
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The CPU time the process used, in clock ticks; -1 when it cannot be read. */
  static long cpuTicks(long pid) {
    try {
      return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException e) {
      return -1;
    }
  }

  /** A figure of {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM} in kB, {@code Threads}); 0 when there is none. */
  static long status(long pid, String key) {
    if (pid <= 0) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.substring(key.length() + 1).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
