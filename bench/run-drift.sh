#!/usr/bin/env bash
# Drift: how closely listeners in real browsers play together, and against the server's schedule.
#
#   bench/run-drift.sh
#
# Starts samesong.jar (a copy, H2 in a fresh data folder, free ports from 18380), then runs the
# drift benchmark (bench/load, org.samesong.bench.DriftBench): the admin creates a session over
# REST, fills its playlist with the demo tracks and plays; guests join through the real join page
# in headless Chromium (Debian's chromium and chromedriver; never a downloaded browser) and an
# in-page sampler notes every 50 ms the machine clock and each page's audio.currentTime.
#   1. two separate Chromium processes: settle SETTLE s, measure MEASURE s;
#   2. a third Chromium joins late: time from the Join click until |error| <= 10 ms for >= 1 s;
#   3. a seek to 4 s before the end of the current track: the gap and the error at the change;
#   4. one Chromium with CROWD listeners, a browser context each: settle, measure.
# Prints p50/p95/max of each listener's error against the schedule and of the spread between
# listeners, with the load average and busy cores during each window. Results (summary, one CSV of
# raw samples per listener, server log tail) in bench/results/drift-<date>/.
#
# Environment: SETTLE (5) MEASURE (30) CROWD (5)
#   CONTEXTS=hosts  tabs on other loopback host names instead of CDP browser contexts
#   QUIET=<load>    first wait (up to 10 min) until the 1-minute load average is below <load>
#   JAVA_OPTS       server JVM options (default -Xmx1g)
#   NO_BUILD=1      never build; SAMESONG_JAR=path benchmarks that jar instead
set -euo pipefail
cd "$(dirname "$0")/.."
SETTLE=${SETTLE:-5}
MEASURE=${MEASURE:-30}
CROWD=${CROWD:-5}
CONTEXTS=${CONTEXTS:-cdp}
server_java_opts=${JAVA_OPTS:--Xmx1g}
jar=${SAMESONG_JAR:-server/target/samesong.jar}
loadjar=bench/load/target/samesong-load.jar
stamp=$(date +%Y%m%d-%H%M%S)
results=bench/results/drift-$stamp
mkdir -p "$results"

for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "needs Debian's chromium and chromium-driver ($tool missing)" >&2; exit 1; }
done

# ---- build what is missing
newer_than() { [ -n "$(find "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }
if [ -z "${NO_BUILD:-}" ] && [ -z "${SAMESONG_JAR:-}" ] && [ ! -f "$jar" ]; then
  echo "building samesong.jar ..."
  ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true || { echo "the build failed" >&2; exit 1; }
elif [ -z "${SAMESONG_JAR:-}" ] && newer_than "$jar" service/src/main vaadin-ui/src/main; then
  echo "note: $jar is older than the sources; benchmarking it anyway (delete it to rebuild)"
fi
if [ -z "${NO_BUILD:-}" ] && { [ ! -f "$loadjar" ] || newer_than "$loadjar" bench/load/pom.xml bench/load/src; }; then
  echo "building the load generator ..."
  ./mvnw -B -q -f bench/load/pom.xml package
fi
[ -f "$jar" ] || { echo "no $jar" >&2; exit 1; }
[ -f "$loadjar" ] || { echo "no $loadjar" >&2; exit 1; }

if [ -n "${QUIET:-}" ]; then
  for _ in $(seq 1 120); do
    awk -v q="$QUIET" '{ exit !($1 < q) }' /proc/loadavg && break
    sleep 5
  done
fi

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
free_port() {
  local p=$1
  while listening "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
  echo "$p"
}

pid=""
work=""
cleanup() {
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

work=$(mktemp -d -t samesong-drift.XXXXXX)
cp "$jar" "$work/samesong.jar"
cp "$loadjar" "$work/samesong-load.jar"
port=$(free_port 18380)
admin=$(free_port $((port + 1)) "$port")
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "jar: $jar ($(date -r "$jar" -Is)); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + local changes')"
  echo "machine: $(nproc) cores, $(free -m | awk '/Mem/ {printf "%.1f GiB", $2/1024}'), $(java -version 2>&1 | head -1), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/machine.txt"
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
echo "server on 127.0.0.1:$port up in $(($(date +%s%3N) - t0)) ms"

rc=0
java -Xmx512m -cp "$work/samesong-load.jar" org.samesong.bench.DriftBench \
  --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
  --results "$results" --settle "$SETTLE" --measure "$MEASURE" --crowd "$CROWD" --contexts "$CONTEXTS" \
  2>"$results/bench-stderr.log" || rc=$?
[ $rc -eq 0 ] || { echo "the benchmark failed ($rc); its stderr:" >&2; grep -v '^\s*at ' "$results/bench-stderr.log" | tail -30 >&2; }
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/machine.txt"
echo "server log: $(grep -cE ' (WARN|ERROR) ' "$work/server.log" || true) WARN/ERROR lines" | tee -a "$results/machine.txt"
grep -E -A20 ' (WARN|ERROR) ' "$work/server.log" | head -200 >"$results/server-warnings.log" || true
tail -200 "$work/server.log" >"$results/server-tail.log"
cleanup
echo "results in $results/"
exit $rc
