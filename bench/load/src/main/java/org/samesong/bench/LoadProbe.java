package org.samesong.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** CPU and memory of the server, this process and the machine at one moment ({@link LoadGenerator}). */
record LoadProbe(
    double serverCpuS,
    long rssKb,
    long hwmKb,
    long threads,
    double selfCpuS,
    double machineBusyS,
    String loadAvg,
    Map<String, Double> threadCpuS,
    double postgresCpuS) {
  static LoadProbe take(long pid, int clkTck) {
    try {
      Map<String, Double> byThread = new TreeMap<>();
      double serverCpu = 0;
      long rss = 0;
      long hwm = 0;
      long threads = 0;
      if (pid > 0) {
        serverCpu = Proc.ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / (double) clkTck;
        rss = Proc.status(pid, "VmRSS");
        hwm = Proc.status(pid, "VmHWM");
        threads = Proc.status(pid, "Threads");
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
          for (Path task : (Iterable<Path>) tasks::iterator) {
            try {
              String t = Files.readString(task.resolve("stat"));
              String comm = t.substring(t.indexOf('(') + 1, t.lastIndexOf(')'));
              byThread.merge(group(comm), Proc.ticks(t) / (double) clkTck, Double::sum);
            } catch (IOException | RuntimeException gone) {
              // the thread ended meanwhile
            }
          }
        }
      }
      double self =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(cpu.length, 9); i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return new LoadProbe(
          serverCpu,
          rss,
          hwm,
          threads,
          self,
          (total - idle) / (double) clkTck,
          load[0] + " " + load[1] + " " + load[2],
          byThread,
          postgresCpu(clkTck));
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot read /proc: " + e);
      return null;
    }
  }

  /** CPU time of every PostgreSQL process on the machine (the server's backends among them). */
  static double postgresCpu(int clkTck) {
    double sum = 0;
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String t = Files.readString(p.resolve("stat"));
          if (t.substring(t.indexOf('(') + 1, t.lastIndexOf(')')).equals("postgres")) {
            sum += Proc.ticks(t) / (double) clkTck;
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return sum;
  }

  /** Threads grouped by kind: request threads, JIT compilers, GC, ... (Linux cuts names at 15 characters). */
  static String group(String comm) {
    int request = comm.indexOf(" - ");
    String name = request < 0 ? comm : comm.substring(0, request);
    if (name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler")) {
      return "JIT compiler (" + name.substring(0, 2) + ")";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread") || name.startsWith("VM Periodic")) {
      return "GC and VM (" + name.replaceAll("[#]?\\d+$", "").trim() + ")";
    }
    return name.replaceAll("[-#]?\\d+", "").trim();
  }
}
