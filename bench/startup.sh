#!/usr/bin/env bash
# Cold start and idle memory of samesong.jar: starts it on a fresh data folder (H2: schema created,
# demo tracks generated), measures the time to the first HTTP 200 of /api/time and of / (the GUI)
# and the resident memory after 30 s idle; then stops it and starts it again on the same folder
# (a restart: schema up to date, tracks present) and measures the first 200 again.
# Usage: bench/startup.sh [runs]   (builds the jar first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-3}
jar=server/target/samesong.jar
[ -f "$jar" ] || ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true
port=${SAMESONG_HTTP_PORT:-18080}
admin=${SAMESONG_ADMIN_PORT:-18081}

for run in $(seq 1 "$runs"); do
  work=$(mktemp -d) # the data folder, with the server logs in it
  start_server "$jar" "$work/log" SAMESONG_DATA_DIR="$work" SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin"
  api=""; gui=""
  while [ -z "$gui" ] && kill -0 "$pid" 2>/dev/null && [ $(( $(ms) - server_t0 )) -lt 60000 ]; do
    [ -z "$api" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/api/time" && api=$(( $(ms) - server_t0 ))
    [ -n "$api" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/" && gui=$(( $(ms) - server_t0 ))
    sleep 0.05
  done
  sleep 30
  rss=$(proc_mb "$pid" VmRSS)
  stop_server
  start_server "$jar" "$work/log2" SAMESONG_DATA_DIR="$work" SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin"
  again=""
  while [ -z "$again" ] && kill -0 "$pid" 2>/dev/null && [ $(( $(ms) - server_t0 )) -lt 60000 ]; do
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/time" && again=$(( $(ms) - server_t0 ))
    sleep 0.05
  done
  echo "run $run: first start: first 200 of /api/time ${api:-none} ms, of / ${gui:-none} ms, idle RSS ${rss} MB; restart: first 200 ${again:-none} ms"
  stop_server
  rm -rf "$work"; work=""
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
