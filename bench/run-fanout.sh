#!/usr/bin/env bash
# Fan-out of playback_state: how fast a host's command reaches every listener.
#
#   bench/run-fanout.sh [listeners] [sessions]        (defaults 10000 and 1000)
#
# Starts samesong.jar (a copy, H2 in a fresh data folder, free ports from 18180), lifts the join,
# login and guest limits, creates the sessions (one demo track each), joins the listeners evenly,
# opens one WebSocket per listener plus one host WebSocket per session (ramped), waits for every
# hello, then for DURATION seconds sends a play/pause playback_command every INTERVAL_MS ms over
# the host's WebSocket of the next session in turn and measures, for every listener, arrival −
# send of the playback_state it causes. Prints delivery latency percentiles, heartbeats per
# listener per minute, server RSS and CPU, load generator CPU, then stops everything and removes
# what it created. Results (text, JSON, GC log, thread dumps, server log tail) in bench/results/.
#
# Environment: DURATION (60) INTERVAL_MS (50) RAMP (500 connections/s) SETTLE (5)
#   CONNECT_WAIT (600 s: how long to wait for every hello) JOIN_CONCURRENCY (32 joins in flight)
#   JAVA_OPTS       server JVM options (default -Xmx1g); a GC log is always written
#   LOAD_JAVA_OPTS  load generator JVM options (default -Xmx2g)
#   DUMPS=n         thread dumps of the server during the measured window (default 2)
#   NO_BUILD=1      never build; SAMESONG_JAR=path benchmarks that jar instead
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root=$PWD
listeners=${1:-10000}
sessions=${2:-1000}
DURATION=${DURATION:-60}
INTERVAL_MS=${INTERVAL_MS:-50}
RAMP=${RAMP:-500}
SETTLE=${SETTLE:-5}
CONNECT_WAIT=${CONNECT_WAIT:-600}
JOIN_CONCURRENCY=${JOIN_CONCURRENCY:-32}
DUMPS=${DUMPS:-2}
server_java_opts=${JAVA_OPTS:--Xmx1g}
load_java_opts=${LOAD_JAVA_OPTS:--Xmx2g}
results_dir fanout-

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
echo "open files limit: $(ulimit -n)"

build_jars

new_server fanout 18180
cp "$loadjar" "$work/samesong-load.jar" # a rebuild of bench/load during the run must not break the generator

echo "jar: $jar ($(date -r "$jar" -Is)); commit $(commit_desc)"
echo "machine: $(machine_desc)"
echo "load before: $(load_avg)"
echo "== fan-out: $listeners listeners over $sessions sessions; server on 127.0.0.1:$port (admin $admin), JAVA_OPTS $server_java_opts"
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
start_server "$work/samesong.jar" "$work/server.log" "${server_env[@]}" -- \
  $server_java_opts "-Xlog:gc*:file=$root/$results/server-gc.log:uptime,level,tags"
wait_ready "$port" 0.2 || exit 1
echo "server up in $(($(ms) - server_t0)) ms, RSS $(proc_mb "$pid" VmRSS) MB"

# thread dumps and load average during the measured window
(
  wait_measuring "$work/phase" 0.2 || exit 0
  echo "load at the start of the window: $(load_avg)" >>"$root/$results/load.txt"
  for i in $(seq 1 "$DUMPS"); do
    sleep $((DURATION / (DUMPS + 1)))
    jcmd "$pid" Thread.print >"$root/$results/threads-$i.txt" 2>&1 || true
    echo "load during the window ($i): $(load_avg)" >>"$root/$results/load.txt"
  done
) &
helpers+=($!)

rc=0
# shellcheck disable=SC2086
java $load_java_opts -Dfanout.json="$results/fanout.json" -cp "$work/samesong-load.jar" org.samesong.bench.FanoutBench \
  --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
  --listeners "$listeners" --sessions "$sessions" --duration "$DURATION" --interval-ms "$INTERVAL_MS" \
  --ramp "$RAMP" --settle "$SETTLE" --connect-wait "$CONNECT_WAIT" --join-concurrency "$JOIN_CONCURRENCY" --server-pid "$pid" --clk-tck "$(getconf CLK_TCK)" --phase-file "$work/phase" \
  | tee "$results/fanout.txt" || rc=$?
echo done >>"$work/phase"
wait "${helpers[@]}" 2>/dev/null || true
helpers=()

{
  cat "$results/load.txt" 2>/dev/null || true
  echo "load after: $(load_avg)"
  server_memory
  echo "GC pauses: $(grep -c 'Pause' "$results/server-gc.log" || true), longest $(grep -oE 'Pause.* ([0-9.]+)ms' "$results/server-gc.log" | grep -oE '[0-9.]+ms$' | sort -n | tail -1)"
  echo "server log: $(log_problem_count) WARN/ERROR lines"
} | tee -a "$results/fanout.txt"
keep_server_log "$results/"
cleanup
echo "results in $results/"
exit $rc
