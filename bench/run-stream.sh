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
root=$PWD
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 500)
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
SEEKS=${SEEKS:-3}
SEEK_KB=${SEEK_KB:-256}
PACE_KBPS=${PACE_KBPS:-0}
server_java_opts=${JAVA_OPTS:--Xmx1g}
load_java_opts=${LOAD_JAVA_OPTS:--Xmx1g}
jar=${SAMESONG_JAR:-server/target/samesong.jar}
loadjar=bench/load/target/samesong-load.jar
stamp=$(date +%Y%m%d-%H%M%S)
results=bench/results/stream-$stamp
mkdir -p "$results"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

# ---- build what is missing
newer_than() { [ -n "$(find "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }
if [ -z "${NO_BUILD:-}" ] && [ -z "${SAMESONG_JAR:-}" ] && [ ! -f "$jar" ]; then
  echo "building samesong.jar ..."
  ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true || { echo "the build failed" >&2; exit 1; }
elif [ -z "${SAMESONG_JAR:-}" ] && newer_than "$jar" service/src/main; then
  echo "note: $jar is older than the sources; benchmarking it anyway (delete it to rebuild)"
fi
if [ -z "${NO_BUILD:-}" ] && { [ ! -f "$loadjar" ] || newer_than "$loadjar" bench/load/pom.xml bench/load/src; }; then
  echo "building the load generator ..."
  ./mvnw -B -q -f bench/load/pom.xml package
fi
[ -f "$jar" ] || { echo "no $jar" >&2; exit 1; }
[ -f "$loadjar" ] || { echo "no $loadjar" >&2; exit 1; }

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
free_port() {
  local p=$1
  while listening "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
  echo "$p"
}
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

pid=""
work=""
sampler=""
cleanup() {
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""; fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
  if [ -n "$work" ]; then rm -rf "$work"; work=""; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

work=$(mktemp -d /tmp/samesong-stream.XXXXXX)
cp "$jar" "$work/samesong.jar"
cp "$loadjar" "$work/samesong-load.jar"
port=$(free_port 18280)
admin=$(free_port $((port + 1)) "$port")
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

echo "jar: $jar ($(date -r "$jar" -Is)); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + local changes')"
echo "machine: $(nproc) cores, $(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}'), $(java -version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
env SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin" SAMESONG_DATA_DIR="$work/data" \
  SAMESONG_ADMIN_USER=bench SAMESONG_ADMIN_PASSWORD="$password" \
  SAMESONG_JWT_SECRET="$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  SAMESONG_REDIS_URL= SAMESONG_PUBLIC_URL= SAMESONG_LIBRARY= SAMESONG_DB_URL= SAMESONG_DB_USER= SAMESONG_DB_PASSWORD= \
  java $server_java_opts -jar "$work/samesong.jar" server config.yml >"$work/server.log" 2>&1 &
pid=$!
t0=$(date +%s%3N)
until curl -sf -o /dev/null "http://127.0.0.1:$port/api/time"; do
  if ! kill -0 "$pid" 2>/dev/null || [ $(($(date +%s%3N) - t0)) -gt 180000 ]; then
    echo "the server did not come up; the end of its log:" >&2
    tail -40 "$work/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
sleep 2
echo "server on 127.0.0.1:$port up in $(($(date +%s%3N) - t0)) ms, JAVA_OPTS $server_java_opts; idle RSS $(($(proc_kb "$pid" VmRSS) / 1024)) MB, threads $(proc_kb "$pid" Threads)"

# heap in use every second (young + old + survivors, MB)
jstat -gc "$pid" 1000 >"$results/jstat.txt" 2>/dev/null &
sampler=$!

rc=0
for n in "${counts[@]}"; do
  echo
  echo "== $n listeners (load $(cut -d' ' -f1-3 /proc/loadavg))"
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
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "server RSS $(($(proc_kb "$pid" VmRSS) / 1024)) MB (peak $(($(proc_kb "$pid" VmHWM) / 1024)) MB), threads $(proc_kb "$pid" Threads)"
  echo "server log: $(grep -cE ' (WARN|ERROR) ' "$work/server.log" || true) WARN/ERROR lines, by logger and message:"
  grep -E ' (WARN|ERROR) ' "$work/server.log" | sed -E 's/^[0-9-]+ [0-9:,]+ //; s/\[[^]]*\] //' | cut -c1-160 | sort | uniq -c | sort -rn | head -10
} | tee -a "$results/summary.txt"
grep -E -A20 ' (WARN|ERROR) ' "$work/server.log" | head -200 >"$results/server-warnings.log" || true
tail -200 "$work/server.log" >"$results/server-tail.log"
cleanup
echo "results in $results/"
exit $rc
