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
# NETWORK=1: the real-network mode instead (DriftNetwork): three listeners, each through its own
# delaying TCP proxy (40 ± 15, 80 ± 30 with 0.5 % spikes of 300 ms, 40 ± 15 turning to 150 ± 50
# with 1 % spikes of 400 ms) with its page clock skewed 260–480 ms and ±80–100 ppm; a late joiner on
# 50 ± 20 ms; CHANGES track changes. SETTLE defaults to 120 there (the clock estimate needs samples).
#
# Environment: SETTLE (5; 120 with NETWORK=1) MEASURE (30) CROWD (5) NETWORK (0) CHANGES (10)
#   CONTEXTS=hosts  tabs on other loopback host names instead of CDP browser contexts
#   QUIET=<load>    first wait (up to 10 min) until the 1-minute load average is below <load>
#   JAVA_OPTS       server JVM options (default -Xmx1g)
#   NO_BUILD=1      never build; SAMESONG_JAR=path benchmarks that jar instead
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
NETWORK=${NETWORK:-0}
CHANGES=${CHANGES:-10}
if [ "$NETWORK" = 1 ]; then SETTLE=${SETTLE:-120}; else SETTLE=${SETTLE:-5}; fi
MEASURE=${MEASURE:-30}
CROWD=${CROWD:-5}
CONTEXTS=${CONTEXTS:-cdp}
server_java_opts=${JAVA_OPTS:--Xmx1g}
results_dir drift-

for tool in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$tool" ] || { echo "needs Debian's chromium and chromium-driver ($tool missing)" >&2; exit 1; }
done

build_jars service/src/main vaadin-ui/src/main

if [ -n "${QUIET:-}" ]; then
  for _ in $(seq 1 120); do
    awk -v q="$QUIET" '{ exit !($1 < q) }' /proc/loadavg && break
    sleep 5
  done
fi

new_server drift 18380
cp "$loadjar" "$work/samesong-load.jar"

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "jar: $jar ($(date -r "$jar" -Is)); commit $(commit_desc)"
  echo "machine: $(machine_desc), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
  echo "load before: $(load_avg)"
} | tee "$results/machine.txt"
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
start_server "$work/samesong.jar" "$work/server.log" "${server_env[@]}" -- $server_java_opts
wait_ready "$port" 0.2 || exit 1
echo "server on 127.0.0.1:$port up in $(($(ms) - server_t0)) ms"

rc=0
java -Xmx512m -cp "$work/samesong-load.jar" org.samesong.bench.DriftBench \
  --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
  --results "$results" --settle "$SETTLE" --measure "$MEASURE" --crowd "$CROWD" --contexts "$CONTEXTS" \
  --network "$NETWORK" --changes "$CHANGES" \
  2>"$results/bench-stderr.log" || rc=$?
[ $rc -eq 0 ] || { echo "the benchmark failed ($rc); its stderr:" >&2; grep -v '^\s*at ' "$results/bench-stderr.log" | tail -30 >&2; }
echo "load after: $(load_avg)" | tee -a "$results/machine.txt"
echo "server log: $(log_problem_count) WARN/ERROR lines" | tee -a "$results/machine.txt"
keep_server_log "$results/"
cleanup
echo "results in $results/"
exit $rc
