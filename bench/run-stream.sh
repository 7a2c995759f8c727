#!/usr/bin/env bash
# Streaming: many listeners fetching the demo tracks' signed stream URLs as browsers do.
#
#   bench/run-stream.sh [listeners ...]        (default: 100 500)
#
# Starts samesong.jar (a copy, H2 in a fresh data folder, free ports from 18280), then for each
# listener count runs the stream load generator (bench/load, org.samesong.bench.StreamBench): every
# listener asks `Range: bytes=0-` and reads the whole track, then makes SEEKS random seeks
# (`bytes=X-`, reading SEEK_KB KiB and dropping the connection), again and again, unthrottled, for
# WARMUP + DURATION seconds. Prints throughput, requests/s, time to first byte p50/p95/p99,
# errors, and the server's CPU, RSS, threads and heap (jstat, every second) during the run; then
# stops the server and removes what it created. Results (text, JSON, jstat samples, server log
# tail) in bench/results/stream-<date>/.
#
# Environment: DURATION (30) WARMUP (5) SEEKS (3) SEEK_KB (256)
#   PACE_KBPS       each listener reads at most this many KB/s (default 0: unthrottled, the worst
#                   case; a demo WAV plays at 44 KB/s, a browser buffers ahead faster)
#   JAVA_OPTS       server JVM options (default -Xmx1g)
#   LOAD_JAVA_OPTS  load generator JVM options (default -Xmx1g)
#   NO_BUILD=1      never build; SAMESONG_JAR=path benchmarks that jar instead
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 500)
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
SEEKS=${SEEKS:-3}
SEEK_KB=${SEEK_KB:-256}
PACE_KBPS=${PACE_KBPS:-0}
server_java_opts=${JAVA_OPTS:--Xmx1g}
load_java_opts=${LOAD_JAVA_OPTS:--Xmx1g}
results_dir stream-
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

build_jars service/src/main

new_server stream 18280
cp "$loadjar" "$work/samesong-load.jar"

echo "jar: $jar ($(date -r "$jar" -Is)); commit $(commit_desc)"
echo "machine: $(machine_desc)"
echo "load before: $(load_avg)"
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
start_server "$work/samesong.jar" "$work/server.log" "${server_env[@]}" -- $server_java_opts
wait_ready "$port" 0.2 || exit 1
sleep 2
echo "server on 127.0.0.1:$port up in $(($(ms) - server_t0)) ms, JAVA_OPTS $server_java_opts; idle RSS $(proc_mb "$pid" VmRSS) MB, threads $(proc_kb "$pid" Threads)"

# heap in use every second (young + old + survivors, MB)
jstat -gc "$pid" 1000 >"$results/jstat.txt" 2>/dev/null &
helpers+=($!)

rc=0
for n in "${counts[@]}"; do
  echo
  echo "== $n listeners (load $(load_avg))"
  mark=$(wc -l <"$results/jstat.txt")
  # shellcheck disable=SC2086
  java $load_java_opts -cp "$work/samesong-load.jar" org.samesong.bench.StreamBench \
    --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
    --listeners "$n" --duration "$DURATION" --warmup "$WARMUP" --seeks "$SEEKS" --seek-kb "$SEEK_KB" --pace-kbps "$PACE_KBPS" \
    --server-pid "$pid" --clk-tck "$(getconf CLK_TCK)" --json "$results/stream-$n.json" |
    tee "$results/stream-$n.txt" || rc=$?
  # S0U S1U EU OU are columns 3 4 6 8 (KB)
  tail -n +"$((mark + 1))" "$results/jstat.txt" | awk '$1 ~ /^[0-9.]+$/ { u = ($3 + $4 + $6 + $8) / 1024; if (u > max) max = u; sum += u; n++ }
    END { if (n) printf "server heap in use during the run: mean %.0f MB, max %.0f MB (%d samples)\n", sum / n, max, n }' |
    tee -a "$results/stream-$n.txt"
  sleep 3
done

{
  echo
  echo "load after: $(load_avg)"
  server_memory
  echo "server log: $(log_problem_count) WARN/ERROR lines, by logger and message:"
  { grep -E "$log_problems" "$server_log" || true; } | sed -E 's/^[0-9-]+ [0-9:,]+ //; s/\[[^]]*\] //' | cut -c1-160 | sort | uniq -c | sort -rn | head -10
} | tee -a "$results/summary.txt"
keep_server_log "$results/"
cleanup
echo "results in $results/"
exit $rc
