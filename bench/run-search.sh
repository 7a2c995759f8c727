#!/usr/bin/env bash
# Catalog search at 100,000 tracks, over HTTP against the real server, on H2 and/or PostgreSQL.
#
#   bench/run-search.sh [h2|postgres|both]        (default: both)
#
# For each database: fills a fresh database (H2 file in a fresh data folder, or a fresh PostgreSQL
# database samesong_search_<pid> on 127.0.0.1:5432, user postgres) with TRACKS generated tracks
# through the application's own CatalogService (bench/search/SearchFill.java, run against the
# jar), removes 5 % of them again, starts a copy of samesong.jar on it (free ports from 18280),
# runs the query mix (SearchBench in bench/load: empty query first and deep page, a common word,
# a rare word, two words "artist title", no match, two letters) and prints p50/p95/p99 per query
# shape, checking every total against the generated data; then stops the server and removes what
# it created. Results in bench/results/search-<stamp>/.
#
# Environment: TRACKS (100000) ROUNDS (100 measured rounds, one query of each shape per round)
#   WARMUP (20 rounds) CLIENTS (1 concurrent client; 2+ measures under concurrency)
#   JAVA_OPTS (server JVM options, default -Xmx1g) FILL_THREADS (2)
#   SERVER_RUNS='-Xmx1g;-Xmx4g'  measure once per set of server JVM options, restarting the server
#               on the same data (H2's page cache is 64 MB per GB of heap)
#   QUIET=C     wait (up to 15 min) until the machine uses less than C cores for 10 s first
#   REBUILD=1   rebuild samesong.jar first; NO_BUILD=1 never build; SAMESONG_JAR=path benchmarks
#               that jar instead
#   PG_HOST (127.0.0.1) PG_PORT (5432) PG_USER (postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-both}
case "$mode" in h2 | postgres | both) ;; *)
  echo "usage: bench/run-search.sh [h2|postgres|both]" >&2
  exit 64
  ;;
esac
TRACKS=${TRACKS:-100000}
ROUNDS=${ROUNDS:-100}
WARMUP=${WARMUP:-20}
CLIENTS=${CLIENTS:-1}
FILL_THREADS=${FILL_THREADS:-2}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
server_java_opts=${JAVA_OPTS:--Xmx1g}
jar=${SAMESONG_JAR:-server/target/samesong.jar}
loadjar=bench/load/target/samesong-load.jar
stamp=$(date +%Y%m%d-%H%M%S)
results=bench/results/search-$stamp
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

# ---- functions
listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
free_port() { # first port from $1 on that nobody listens on (and that is not $2)
  local p=$1
  while listening "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
  echo "$p"
}
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
psql_pg() { PGOPTIONS='--client-min-messages=warning' psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
busy_cores() { # CPU cores the whole machine used over the next $1 seconds (/proc/stat)
  local a b
  a=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat)
  echo "$a $b" | awk -v s="$1" -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($3 - $1) / hz / s }'
}
wait_quiet() {
  [ -n "${QUIET:-}" ] || return 0
  local waited=0 busy
  while busy=$(busy_cores 10) && awk -v b="$busy" -v q="$QUIET" 'BEGIN { exit !(b >= q) }'; do
    waited=$((waited + 10))
    if [ $waited -ge 900 ]; then
      echo "the machine stayed busy ($busy cores in use); measuring anyway"
      return 0
    fi
  done
  echo "machine quiet: $busy cores in use over 10 s"
}

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

# ---- one run: $1 = h2 | postgres
run_one() {
  local kind=$1
  work=$(mktemp -d -t samesong-search.XXXXXX)
  cp "$jar" "$work/samesong.jar" # a rebuild during the run must not pull the jar from under the server
  local -a target env
  local port admin password
  port=$(free_port 18280)
  admin=$(free_port $((port + 1)) "$port")
  password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  env=(
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
    db="samesong_search_$$"
    psql_pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
    target=(--url "jdbc:postgresql://$PG_HOST:$PG_PORT/$db" --user "$PG_USER")
    env+=(SAMESONG_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$db" SAMESONG_DB_USER="$PG_USER" SAMESONG_DB_PASSWORD=)
  else
    mkdir -p "$work/data"
    target=(--h2 "$work/data")
    env+=(SAMESONG_DB_URL= SAMESONG_DB_USER= SAMESONG_DB_PASSWORD=)
  fi

  echo
  echo "== $kind: filling the catalog with $TRACKS tracks through CatalogService ..."
  if ! java -Xmx2g -cp "$work/samesong.jar" bench/search/SearchFill.java "${target[@]}" \
    --tracks "$TRACKS" --threads "$FILL_THREADS" --queries "$results/$kind-queries.tsv" 2>&1 |
    tee "$results/$kind-fill.txt"; then
    echo "filling the catalog failed" >&2
    cleanup
    return 1
  fi
  if [ "$kind" = postgres ]; then
    echo "database size: $(psql_pg -c "SELECT pg_size_pretty(pg_database_size('$db'))")" | tee -a "$results/$kind-fill.txt"
  else
    echo "database file: $(du -h "$work/data/samesong.mv.db" | cut -f1)" | tee -a "$results/$kind-fill.txt"
  fi

  local rc=0 opts label
  # one measured run per set of server JVM options (SERVER_RUNS, ';'-separated), on the same data
  IFS=';' read -r -a runs <<<"${SERVER_RUNS:-$server_java_opts}"
  for opts in "${runs[@]}"; do
    label="$kind${opts:+ ($opts)}"
    wait_quiet
    echo "== $label: starting samesong.jar on 127.0.0.1:$port (admin $admin), load $(cut -d' ' -f1-3 /proc/loadavg)"
    local t0
    t0=$(date +%s%3N)
    # shellcheck disable=SC2086
    env "${env[@]}" java $opts -jar "$work/samesong.jar" server config.yml >"$work/server.log" 2>&1 &
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
    echo "up in $(($(date +%s%3N) - t0)) ms"

    java -Xmx512m -cp "$loadjar" org.samesong.bench.SearchBench --base "http://127.0.0.1:$port" \
      --admin-user bench --admin-password "$password" --queries "$results/$kind-queries.tsv" \
      --clients "$CLIENTS" --warmup "$WARMUP" --rounds "$ROUNDS" --label "$label" --json "$results/$kind.json" |
      tee -a "$results/$kind.txt" || rc=$?
    if kill -0 "$pid" 2>/dev/null; then
      echo "server RSS after the run: $(($(proc_kb "$pid" VmRSS) / 1024)) MB" | tee -a "$results/$kind.txt"
    else
      echo "THE SERVER PROCESS IS GONE; the end of its log:" | tee -a "$results/$kind.txt"
      tail -20 "$work/server.log" | tee -a "$results/$kind.txt"
    fi
    grep -E -A20 '^[0-9-]+T?[0-9:., ]+ (WARN|ERROR)' "$work/server.log" | head -200 >>"$results/$kind-server-warnings.log" || true
    tail -100 "$work/server.log" >>"$results/$kind-server-tail.log"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  done
  cleanup
  return $rc
}

echo "jar: $jar (built $(date -r "$jar" -Is)); sources at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + local changes')"
echo "machine: $(nproc) cores, $(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}'), $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
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
exit $status
