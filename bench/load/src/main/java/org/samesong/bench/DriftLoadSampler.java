package org.samesong.bench;

import static org.samesong.bench.DriftAnalysis.*;
import static org.samesong.bench.DriftBench.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The machine's load average and busy cores (/proc), every second. */
final class DriftLoadSampler {
  record Sample(double at, double load1, double busyCores) {}

  record Mark(int index) {}

  record Window(List<Sample> samples) {
    @Override
    public String toString() {
      if (samples.isEmpty()) {
        return "load: no samples";
      }
      List<Double> l = samples.stream().map(Sample::load1).toList();
      List<Double> b = samples.stream().map(Sample::busyCores).toList();
      return String.format(
          Locale.ROOT,
          "machine during the window: load average (1 min) %.2f–%.2f; busy cores mean %.2f, max %.2f of %d",
          pct(l, 0),
          pct(l, 100),
          b.stream().mapToDouble(Double::doubleValue).average().orElse(0),
          pct(b, 100),
          Runtime.getRuntime().availableProcessors());
    }
  }

  final List<Sample> samples = new ArrayList<>();
  Thread thread;
  volatile boolean stop;

  void start() {
    thread =
        new Thread(
            () -> {
              long[] last = cpu();
              while (!stop) {
                try {
                  Thread.sleep(1000);
                  long[] c = cpu();
                  double busy =
                      c[1] - last[1] == 0
                          ? 0
                          : (double) (c[0] - last[0]) / (c[1] - last[1]) * Runtime.getRuntime().availableProcessors();
                  last = c;
                  double load1 = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                  synchronized (samples) {
                    samples.add(new Sample(now(), load1, busy));
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (IOException | RuntimeException e) {
                  // no /proc: no load figures
                }
              }
            },
            "load-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    stop = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  Mark mark() {
    synchronized (samples) {
      return new Mark(samples.size());
    }
  }

  Window since(Mark m) {
    synchronized (samples) {
      return new Window(new ArrayList<>(samples.subList(m.index, samples.size())));
    }
  }

  /** {busy jiffies, all jiffies} of the whole machine. */
  static long[] cpu() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < f.length; i++) {
        all += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {all - idle, all};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
