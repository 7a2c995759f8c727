#!/usr/bin/env bash
# Join + request + approve throughput of the REST API, on H2 and/or PostgreSQL.
#
#   bench/run-api.sh [h2|postgres|both]        (default: both)
#
# For each database: starts samesong.jar on free ports (from 18080) with a fresh data folder (H2)
# or a fresh PostgreSQL database (samesong_bench_<pid> on 127.0.0.1:5432, user postgres), waits for
# it, runs the load generator (bench/load) against it, prints cycles/s, per-step latency
# percentiles, errors, server CPU and RSS, then stops the server and removes what it created.
# Builds server/target/samesong.jar when it is missing (REBUILD=1: always) and the generator when
# it is missing or older than bench/load. The server runs from a copy of the jar, so a rebuild
# during the run does not disturb it.
#
# Environment: USERS (16) SESSIONS (20) WARMUP (5) DURATION (30) DECIDE (approve|deny)
#   JAVA_OPTS       JVM options of the server (default -Xmx1g)
#   PROFILE=1       also record a JFR profile of the measured window and 3 thread dumps; prints
#                   the hottest frames (files kept in bench/results/)
#   QUIET=C         before each run, wait (up to 15 min) until the machine uses less than C cores
#                   (e.g. 0.3) for 10 s: other processes distort the figures
#   REBUILD=1       rebuild samesong.jar even though it exists (by default it is built only when
#                   missing, and a note says when it is older than the sources)
#   NO_BUILD=1      never build; SAMESONG_JAR=path benchmarks that jar instead
#   PG_HOST (127.0.0.1) PG_PORT (5432) PG_USER (postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=${1:-both}
case "$mode" in h2 | postgres | both) ;; *)
  echo "usage: bench/run-api.sh [h2|postgres|both]" >&2
  exit 64
  ;;
esac
USERS=${USERS:-16}
SESSIONS=${SESSIONS:-20}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-30}
DECIDE=${DECIDE:-approve}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
server_java_opts=${JAVA_OPTS:--Xmx1g}
jar=${SAMESONG_JAR:-server/target/samesong.jar}
loadjar=bench/load/target/samesong-load.jar
stamp=$(date +%Y%m%d-%H%M%S)
results=bench/results/$stamp
mkdir -p "$results"

# ---- build what is missing or stale
newer_than() { [ -n "$(find "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }
if [ -z "${NO_BUILD:-}" ] && [ -z "${SAMESONG_JAR:-}" ]; then
  if [ ! -f "$jar" ] || [ -n "${REBUILD:-}" ]; then
    echo "building samesong.jar ..."
    ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true ||
      { echo "the build failed" >&2; exit 1; }
  elif newer_than "$jar" pom.xml ./*/pom.xml ./*/src/main; then
    echo "note: $jar is older than the sources; benchmarking it anyway (REBUILD=1 rebuilds it first)"
  fi
fi
if [ -z "${NO_BUILD:-}" ] && { [ ! -f "$loadjar" ] || newer_than "$loadjar" bench/load/pom.xml bench/load/src; }; then
  echo "building the load generator ..."
  ./mvnw -B -q -f bench/load/pom.xml package
fi
[ -f "$jar" ] || { echo "no $jar" >&2; exit 1; }
[ -f "$loadjar" ] || { echo "no $loadjar" >&2; exit 1; }

# ---- helpers
listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
free_port() { # first port from $1 on that nobody listens on (and that is not $2)
  local p=$1
  while listening "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
  echo "$p"
}
proc_cpu_s() { awk '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
psql_pg() { PGOPTIONS='--client-min-messages=warning' psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

pid=""
work=""
db=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
  if [ -n "$db" ]; then
    psql_pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop database $db" >&2
    db=""
  fi
  if [ -n "$work" ]; then rm -rf "$work"; work=""; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

busy_cores() { # CPU cores the whole machine used over the next $1 seconds (/proc/stat)
  local a b
  a=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
  echo "$a $b" | awk -v s="$1" -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($3 - $1) / hz / s }'
}
wait_quiet() { # QUIET=c: wait (at most 15 min) until the machine uses less than c cores for 10 s
  [ -n "${QUIET:-}" ] || return 0
  local waited=0 busy
  while busy=$(busy_cores 10) && awk -v b="$busy" -v q="$QUIET" 'BEGIN { exit !(b >= q) }'; do
    waited=$((waited + 10))
    if [ $waited -ge 900 ]; then
      echo "the machine stayed busy ($busy cores in use); measuring anyway"
      return 0
    fi
    [ $((waited % 60)) -eq 0 ] && echo "waiting for a quiet machine: $busy cores in use >= $QUIET ..."
  done
  echo "machine quiet: $busy cores in use over 10 s"
}

# ---- one benchmark run: $1 = h2 | postgres
run_one() {
  local kind=$1
  work=$(mktemp -d /tmp/samesong-bench.XXXXXX)
  cp "$jar" "$work/samesong.jar" # a rebuild during the run must not pull the jar from under the server
  local port admin
  port=$(free_port 18080)
  admin=$(free_port $((port + 1)) "$port")
  local password
  password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  local -a env=(
    SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin" SAMESONG_DATA_DIR="$work/data"
    SAMESONG_ADMIN_USER=bench SAMESONG_ADMIN_PASSWORD="$password"
    SAMESONG_JWT_SECRET="$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    SAMESONG_REDIS_URL= SAMESONG_PUBLIC_URL= SAMESONG_LIBRARY=
  )
  if [ "$kind" = postgres ]; then
    if ! psql_pg -c "SELECT 1" >/dev/null 2>&1; then
      echo "== postgres: skipped, no PostgreSQL at $PG_HOST:$PG_PORT (user $PG_USER)"
      cleanup
      return 0
    fi
    db="samesong_bench_$$"
    psql_pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
    env+=(SAMESONG_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" SAMESONG_DB_USER="$PG_USER" SAMESONG_DB_PASSWORD=)
  else
    env+=(SAMESONG_DB_URL= SAMESONG_DB_USER= SAMESONG_DB_PASSWORD=)
  fi
  wait_quiet
  echo
  echo "== $kind: starting samesong.jar on 127.0.0.1:$port (admin $admin), load $(cut -d' ' -f1-3 /proc/loadavg)"
  local t0
  t0=$(date +%s%3N)
  # shellcheck disable=SC2086
  env "${env[@]}" java $server_java_opts -jar "$work/samesong.jar" server config.yml >"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/api/time"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $(($(date +%s%3N) - t0)) -gt 180000 ]; then
      echo "the server did not come up; the end of its log:" >&2
      tail -40 "$work/server.log" >&2
      cleanup
      return 1
    fi
    sleep 0.1
  done
  local up_ms=$(($(date +%s%3N) - t0))
  sleep 2
  local idle_rss cpu_start
  idle_rss=$(($(proc_kb "$pid" VmRSS) / 1024))
  cpu_start=$(proc_cpu_s "$pid")
  echo "up in $up_ms ms; RSS ${idle_rss} MB, CPU ${cpu_start} s used by the start"

  local profiler=""
  if [ -n "${PROFILE:-}" ]; then
    (
      # JFR covers the measured window: wait until the generator says it began
      until grep -qs '^measure' "$work/phase"; do
        grep -qs '^done' "$work/phase" && exit 0
        kill -0 "$pid" 2>/dev/null || exit 0
        sleep 0.1
      done
      jcmd "$pid" JFR.start name=bench settings=profile duration="${DURATION}s" \
        filename="$root/$results/$kind.jfr" >/dev/null
      for i in 1 2 3; do
        sleep $((DURATION / 4))
        jcmd "$pid" Thread.print >"$root/$results/$kind-threads-$i.txt" 2>&1 || true
      done
    ) &
    profiler=$!
  fi

  local rc=0
  java -Xmx512m -jar "$loadjar" --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
    --users "$USERS" --sessions "$SESSIONS" --warmup "$WARMUP" --duration "$DURATION" --decide "$DECIDE" \
    --server-pid "$pid" --clk-tck "$(getconf CLK_TCK)" --label "$kind" --json "$results/$kind.json" --phase-file "$work/phase" \
    | tee "$results/$kind.txt" || rc=$?
  echo done >>"$work/phase"

  local cpu_end rss_end hwm
  cpu_end=$(proc_cpu_s "$pid")
  rss_end=$(($(proc_kb "$pid" VmRSS) / 1024))
  hwm=$(($(proc_kb "$pid" VmHWM) / 1024))
  echo "server process: CPU ${cpu_end} s in all (start ${cpu_start} s), RSS idle ${idle_rss} MB -> ${rss_end} MB after the load (peak ${hwm} MB)" |
    tee -a "$results/$kind.txt"
  local warns
  warns=$(grep -cE '^[0-9-]+T?[0-9:., ]+ (WARN|ERROR)' "$work/server.log" || true)
  echo "server log: $warns WARN/ERROR lines (last lines kept in $results/$kind-server-tail.log)" | tee -a "$results/$kind.txt"
  # the first warnings and errors with the stack traces that follow them
  grep -E -A40 '^[0-9-]+T?[0-9:., ]+ (WARN|ERROR)' "$work/server.log" | head -400 >"$results/$kind-server-warnings.log" || true
  tail -200 "$work/server.log" >"$results/$kind-server-tail.log"

  if [ -n "$profiler" ]; then
    wait "$profiler" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -s "$results/$kind.jfr" ] && break; sleep 0.2; done
    [ -s "$results/$kind.jfr" ] || jcmd "$pid" JFR.dump name=bench filename="$root/$results/$kind.jfr" >/dev/null 2>&1 || true
    if [ -s "$results/$kind.jfr" ]; then
      java -cp "$loadjar" org.samesong.bench.JfrTop "$results/$kind.jfr" | tee "$results/$kind-profile.txt"
    fi
  fi
  cleanup
  return $rc
}

echo "jar: $jar (built $(date -r "$jar" -Is), $(du -m "$jar" | cut -f1) MB); sources now at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + local changes')"
echo "machine: $(nproc) cores, $(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}'), $(java -version 2>&1 | head -1)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
status=0
case "$mode" in
  h2) run_one h2 || status=$? ;;
  postgres) run_one postgres || status=$? ;;
  both)
    run_one h2 || status=$?
    run_one postgres || status=$?
    ;;
esac
echo
echo "results in $results/ ($(date -Is)); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
summaries=()
for f in "$results"/h2.json "$results"/postgres.json; do [ -f "$f" ] && summaries+=("$f"); done
[ ${#summaries[@]} -gt 0 ] && java -cp "$loadjar" org.samesong.bench.Summary "${summaries[@]}" | tee "$results/summary.md"
exit $status
