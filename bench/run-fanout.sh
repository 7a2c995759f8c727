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
jar=${SAMESONG_JAR:-server/target/samesong.jar}
loadjar=bench/load/target/samesong-load.jar
stamp=$(date +%Y%m%d-%H%M%S)
results=bench/results/fanout-$stamp
mkdir -p "$results"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
echo "open files limit: $(ulimit -n)"

# ---- build what is missing
newer_than() { [ -n "$(find "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }
if [ -z "${NO_BUILD:-}" ] && [ -z "${SAMESONG_JAR:-}" ] && [ ! -f "$jar" ]; then
  echo "building samesong.jar ..."
  ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true || { echo "the build failed" >&2; exit 1; }
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
dumper=""
cleanup() {
  if [ -n "$dumper" ]; then kill "$dumper" 2>/dev/null || true; wait "$dumper" 2>/dev/null || true; dumper=""; fi
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

work=$(mktemp -d /tmp/samesong-fanout.XXXXXX)
cp "$jar" "$work/samesong.jar"
cp "$loadjar" "$work/samesong-load.jar" # a rebuild of bench/load during the run must not break the generator
port=$(free_port 18180)
admin=$(free_port $((port + 1)) "$port")
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

echo "jar: $jar ($(date -r "$jar" -Is)); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + local changes')"
echo "machine: $(nproc) cores, $(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}'), $(java -version 2>&1 | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== fan-out: $listeners listeners over $sessions sessions; server on 127.0.0.1:$port (admin $admin), JAVA_OPTS $server_java_opts"
# shellcheck disable=SC2086
env SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin" SAMESONG_DATA_DIR="$work/data" \
  SAMESONG_ADMIN_USER=bench SAMESONG_ADMIN_PASSWORD="$password" \
  SAMESONG_JWT_SECRET="$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  SAMESONG_REDIS_URL= SAMESONG_PUBLIC_URL= SAMESONG_LIBRARY= SAMESONG_DB_URL= SAMESONG_DB_USER= SAMESONG_DB_PASSWORD= \
  java $server_java_opts "-Xlog:gc*:file=$root/$results/server-gc.log:uptime,level,tags" -jar "$work/samesong.jar" server config.yml \
  >"$work/server.log" 2>&1 &
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
echo "server up in $(($(date +%s%3N) - t0)) ms, RSS $(($(proc_kb "$pid" VmRSS) / 1024)) MB"

# thread dumps and load average during the measured window
(
  until grep -qs '^measure' "$work/phase"; do
    grep -qs '^done' "$work/phase" && exit 0
    kill -0 "$pid" 2>/dev/null || exit 0
    sleep 0.2
  done
  echo "load at the start of the window: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$root/$results/load.txt"
  for i in $(seq 1 "$DUMPS"); do
    sleep $((DURATION / (DUMPS + 1)))
    jcmd "$pid" Thread.print >"$root/$results/threads-$i.txt" 2>&1 || true
    echo "load during the window ($i): $(cut -d' ' -f1-3 /proc/loadavg)" >>"$root/$results/load.txt"
  done
) &
dumper=$!

rc=0
# shellcheck disable=SC2086
java $load_java_opts -Dfanout.json="$results/fanout.json" -cp "$work/samesong-load.jar" org.samesong.bench.FanoutBench \
  --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
  --listeners "$listeners" --sessions "$sessions" --duration "$DURATION" --interval-ms "$INTERVAL_MS" \
  --ramp "$RAMP" --settle "$SETTLE" --connect-wait "$CONNECT_WAIT" --join-concurrency "$JOIN_CONCURRENCY" --server-pid "$pid" --clk-tck "$(getconf CLK_TCK)" --phase-file "$work/phase" \
  | tee "$results/fanout.txt" || rc=$?
echo done >>"$work/phase"
wait "$dumper" 2>/dev/null || true
dumper=""

{
  cat "$results/load.txt" 2>/dev/null || true
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "server RSS $(($(proc_kb "$pid" VmRSS) / 1024)) MB (peak $(($(proc_kb "$pid" VmHWM) / 1024)) MB), threads $(proc_kb "$pid" Threads)"
  echo "GC pauses: $(grep -c 'Pause' "$results/server-gc.log" || true), longest $(grep -oE 'Pause.* ([0-9.]+)ms' "$results/server-gc.log" | grep -oE '[0-9.]+ms$' | sort -n | tail -1)"
  echo "server log: $(grep -cE ' (WARN|ERROR) ' "$work/server.log" || true) WARN/ERROR lines"
} | tee -a "$results/fanout.txt"
grep -E -A20 ' (WARN|ERROR) ' "$work/server.log" | head -200 >"$results/server-warnings.log" || true
tail -200 "$work/server.log" >"$results/server-tail.log"
cleanup
echo "results in $results/"
exit $rc
