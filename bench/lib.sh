# shellcheck shell=bash
# What the benchmark scripts share: building what is missing, free ports, starting the server with
# its environment, waiting until it answers, stopping it on exit, /proc figures, the server log.
# Sourced by bench/*.sh from the repository root, after `set -euo pipefail`:
#
#   cd "$(dirname "$0")/.."
#   . bench/lib.sh
#
# Sourcing it installs the exit trap: `cleanup` stops the background helpers and the server, drops
# the PostgreSQL database and removes the scratch folder that the script recorded below.

jar=${SAMESONG_JAR:-server/target/samesong.jar}
loadjar=bench/load/target/samesong-load.jar
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}

pid=""        # the server (start_server)
server_log="" # its output (start_server)
server_t0=""  # when it was started, ms (start_server)
work=""       # scratch folder: jar copy, data folder, server log (new_server)
db=""         # PostgreSQL database of the run (create_db)
helpers=()    # background jobs: samplers, thread dumpers

# ---- small things

ms() { date +%s%3N; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# the commit of the sources, and whether they have local changes
commit_desc() { echo "$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + local changes')"; }
machine_desc() { echo "$(nproc) cores, $(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}'), $(java -version 2>&1 | head -1)"; }

# results_dir <prefix>: results=bench/results/<prefix><date-time>, created
results_dir() {
  stamp=$(date +%Y%m%d-%H%M%S)
  results=bench/results/$1$stamp
  mkdir -p "$results"
}

# ---- building

newer_than() { [ -n "$(find "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }

# build_jars [--rebuild] [source ...]: unless NO_BUILD=1, builds $jar when it is missing (not when
# SAMESONG_JAR names another jar; with --rebuild also when REBUILD=1 asks for it) and the load
# generator when it is missing or older than bench/load. Notes when $jar is older than the sources
# given. Exits when either jar is still missing.
build_jars() {
  local rebuild="" hint="delete it to rebuild"
  if [ "${1:-}" = --rebuild ]; then
    rebuild=${REBUILD:-}
    hint="REBUILD=1 rebuilds it first"
    shift
  fi
  if [ -z "${SAMESONG_JAR:-}" ]; then
    if [ -z "${NO_BUILD:-}" ] && { [ ! -f "$jar" ] || [ -n "$rebuild" ]; }; then
      echo "building samesong.jar ..."
      ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true || { echo "the build failed" >&2; exit 1; }
    elif [ $# -gt 0 ] && newer_than "$jar" "$@"; then
      echo "note: $jar is older than the sources; benchmarking it anyway ($hint)"
    fi
  fi
  if [ -z "${NO_BUILD:-}" ] && { [ ! -f "$loadjar" ] || newer_than "$loadjar" bench/load/pom.xml bench/load/src; }; then
    echo "building the load generator ..."
    ./mvnw -B -q -f bench/load/pom.xml package
  fi
  [ -f "$jar" ] || { echo "no $jar" >&2; exit 1; }
  [ -f "$loadjar" ] || { echo "no $loadjar" >&2; exit 1; }
}

# ---- the machine and processes

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
free_port() { # first port from $1 on that nobody listens on (and that is not $2)
  local p=$1
  while listening "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
  echo "$p"
}
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
proc_mb() { echo $(($(proc_kb "$1" "$2") / 1024)); }
proc_cpu_s() { awk '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
# the server's memory and threads now
server_memory() { echo "server RSS $(proc_mb "$pid" VmRSS) MB (peak $(proc_mb "$pid" VmHWM) MB), threads $(proc_kb "$pid" Threads)"; }

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

# ---- PostgreSQL (PG_HOST, PG_PORT, PG_USER)

psql_pg() { PGOPTIONS='--client-min-messages=warning' psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
have_postgres() { psql_pg -c "SELECT 1" >/dev/null 2>&1; }
create_db() { # create_db <name>: a fresh database, dropped by cleanup
  db=$1
  psql_pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
}
# db_mode <script> <h2|postgres|both>: the databases to run on; the usage otherwise (exit 64)
db_mode() {
  case "$2" in h2 | postgres | both) echo "$2" ;; *)
    echo "usage: $1 [h2|postgres|both]" >&2
    exit 64
    ;;
  esac
}
# on_databases <h2|postgres|both>: the script's `run_one h2` and/or `run_one postgres`; the status
# of the last that failed
on_databases() {
  local status=0 kind
  [ "$1" = both ] && set -- h2 postgres
  for kind in "$@"; do run_one "$kind" || status=$?; done
  return $status
}

# ---- the server

# new_server <name> <first port> [<jdbc url> <db user>]: prepares a server of the run:
#   work        a fresh scratch folder (/tmp/samesong-<name>.XXXXXX) holding a copy of $jar, so that a
#               rebuild during the run cannot pull the jar from under the server
#   port admin  free ports from <first port> on
#   password    a random admin password (the admin user is `bench`)
#   server_env  the server's environment: those ports and account, a data folder in $work, a random
#               JWT secret, no Redis, no public URL, no library; H2 unless a JDBC URL is given
new_server() {
  work=$(mktemp -d -t "samesong-$1.XXXXXX")
  cp "$jar" "$work/samesong.jar"
  port=$(free_port "$2")
  admin=$(free_port $((port + 1)) "$port")
  password="bench-$(random_hex 12)"
  server_env=(
    SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin" SAMESONG_DATA_DIR="$work/data"
    SAMESONG_ADMIN_USER=bench SAMESONG_ADMIN_PASSWORD="$password"
    SAMESONG_JWT_SECRET="$(random_hex 48)"
    SAMESONG_REDIS_URL= SAMESONG_PUBLIC_URL= SAMESONG_LIBRARY=
    SAMESONG_DB_URL="${3:-}" SAMESONG_DB_USER="${4:-}" SAMESONG_DB_PASSWORD=
  )
}

# start_server <jar> <log> [NAME=value ...] [-- java option ...]: starts `java <options> -jar <jar>
# server config.yml` in the background with these variables added to the environment, its output
# in <log>; sets pid, server_log and server_t0 (just before the start, in ms).
start_server() {
  local jar_file=$1
  server_log=$2
  shift 2
  local -a envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    envs+=("$1")
    shift
  done
  [ $# -eq 0 ] || shift
  server_t0=$(ms)
  env "${envs[@]}" java "$@" -jar "$jar_file" server config.yml >"$server_log" 2>&1 &
  pid=$!
}

# wait_ready <port> <poll every s> [<give up after s, 180>]: waits until the server answers
# /api/time; when it died or took too long, prints the end of its log and returns 1.
wait_ready() {
  until curl -sf -o /dev/null "http://127.0.0.1:$1/api/time"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $(($(ms) - server_t0)) -gt $((${3:-180} * 1000)) ]; then
      echo "the server did not come up; the end of its log:" >&2
      tail -40 "$server_log" >&2
      return 1
    fi
    sleep "$2"
  done
}

# wait_measuring <phase file> <poll every s>: waits until the load generator has written "measure"
# to its phase file; returns 1 when it is done or the server is gone first
wait_measuring() {
  until grep -qs '^measure' "$1"; do
    grep -qs '^done' "$1" && return 1
    kill -0 "$pid" 2>/dev/null || return 1
    sleep "$2"
  done
}

# stop_server: TERM, KILL after 20 s, and wait for it
stop_server() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}

# the server log's WARN and ERROR lines (config.yml's format: date time LEVEL [thread] logger ...)
log_problems='^[0-9-]+T?[0-9:., ]+ (WARN|ERROR)'
log_problem_count() { grep -cE "$log_problems" "$server_log" || true; }
# keep_server_log <prefix> [<after> [<lines> [<tail>]]]: appends to <prefix>server-warnings.log the
# first <lines> (200) lines of the WARN/ERROR lines with <after> (20) lines each (their stack
# traces), and to <prefix>server-tail.log the last <tail> (200) lines of the server log
keep_server_log() {
  grep -E -A"${2:-20}" "$log_problems" "$server_log" | head -"${3:-200}" >>"${1}server-warnings.log" || true
  tail -"${4:-200}" "$server_log" >>"${1}server-tail.log"
}

cleanup() {
  local h
  for h in "${helpers[@]}"; do
    kill "$h" 2>/dev/null || true
    wait "$h" 2>/dev/null || true
  done
  helpers=()
  stop_server
  if [ -n "$db" ]; then
    psql_pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop database $db" >&2
    db=""
  fi
  if [ -n "$work" ]; then rm -rf "$work"; work=""; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
