package org.samesong.bench;

import static org.samesong.bench.FanoutBench.allReceived;
import static org.samesong.bench.FanoutBench.deliveries;
import static org.samesong.bench.FanoutBench.out;
import static org.samesong.bench.FanoutBench.server;

import java.util.List;

/**
 * Figures of a fan-out run: command delivery latencies, CPU and memory of the server and of the
 * load generator.
 */
final class FanoutReport {
  private FanoutReport() {}

  /** Prints and records latency figures of the commands given. */
  static boolean reportCommands(String label, List<HostCommand> cmds) {
    Latency each = Latency.of(deliveries.getIntervalHistogram(), 1000.0);
    Latency whole = Latency.of(allReceived.getIntervalHistogram(), 1000.0);
    long expected = 0;
    long received = 0;
    long incomplete = 0;
    for (HostCommand c : cmds) {
      expected += c.expected;
      received += Math.min(c.expected, c.received.get());
      if (c.received.get() < c.expected) {
        incomplete++;
      }
    }
    out.put("commands_sent", cmds.size());
    out.put("deliveries_expected", expected);
    out.put("deliveries_measured", received);
    out.put("deliveries_lost", expected - received);
    out.put("commands_not_fully_delivered", incomplete);
    out.put("p50_ms", each.p50());
    out.put("p95_ms", each.p95());
    out.put("p99_ms", each.p99());
    out.put("p999_ms", each.p999());
    out.put("max_ms", each.max());
    out.put("mean_ms", each.mean());
    out.put("all_reached_p50_ms", whole.p50());
    out.put("all_reached_p99_ms", whole.p99());
    out.put("all_reached_max_ms", whole.max());
    System.out.printf("%s: %d commands; deliveries %d of %d (%d lost); commands not reaching everyone: %d%n", label, cmds.size(), received, expected, expected - received, incomplete);
    System.out.printf(
        "delivery latency per listener: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  (mean %.2f)%n",
        each.p50(), each.p95(), each.p99(), each.p999(), each.max(), each.mean());
    System.out.printf("every listener of the session reached: p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", whole.p50(), whole.p99(), whole.max());
    return expected == received && !cmds.isEmpty();
  }

  record Cpu(long serverTicks, long self, long nanos) {
    static Cpu now() {
      return new Cpu(server.pid() > 0 ? Proc.cpuTicks(server.pid()) : -1, Proc.cpuTicks(ProcessHandle.current().pid()), System.nanoTime());
    }

    void report(String prefix) {
      Cpu end = now();
      double s = (end.nanos - nanos) / 1e9;
      if (server.pid() > 0) {
        double cpu = (end.serverTicks - this.serverTicks) / (double) server.clkTck();
        out.put(prefix + "server_cpu_s", cpu);
        out.put(prefix + "server_cores", cpu / s);
        System.out.printf("server CPU: %.1f s = %.2f cores over %.1f s%n", cpu, cpu / s, s);
      }
      double own = (end.self - this.self) / (double) server.clkTck();
      out.put(prefix + "loadgen_cores", own / s);
      System.out.printf("load generator CPU: %.1f s = %.2f cores%n", own, own / s);
    }
  }

  static void serverFigures(String prefix) {
    if (server.pid() > 0) {
      out.put(prefix + "server_rss_mb", Proc.status(server.pid(), "VmRSS") / 1024);
      out.put(prefix + "server_threads", Proc.status(server.pid(), "Threads"));
    }
  }
}
