#!/usr/bin/env bash
# Cold start and idle memory of samesong.jar: starts it on a fresh data folder (H2: schema created,
# demo tracks generated), measures the time to the first HTTP 200 of /api/time and of / (the GUI)
# and the resident memory after 30 s idle; then stops it and starts it again on the same folder
# (a restart: schema up to date, tracks present) and measures the first 200 again.
# Usage: bench/startup.sh [runs]   (builds the jar first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jar=server/target/samesong.jar
[ -f "$jar" ] || ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true
port=${SAMESONG_HTTP_PORT:-18080}
admin=${SAMESONG_ADMIN_PORT:-18081}

ms() { date +%s%3N; }

for run in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  start=$(ms)
  SAMESONG_DATA_DIR=$data SAMESONG_HTTP_PORT=$port SAMESONG_ADMIN_PORT=$admin \
    java -jar "$jar" server config.yml >"$data/log" 2>&1 &
  pid=$!
  api=""; gui=""
  while [ -z "$gui" ] && kill -0 $pid 2>/dev/null && [ $(( $(ms) - start )) -lt 60000 ]; do
    [ -z "$api" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/api/time" && api=$(( $(ms) - start ))
    [ -n "$api" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/" && gui=$(( $(ms) - start ))
    sleep 0.05
  done
  sleep 30
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true
  start=$(ms)
  SAMESONG_DATA_DIR=$data SAMESONG_HTTP_PORT=$port SAMESONG_ADMIN_PORT=$admin \
    java -jar "$jar" server config.yml >"$data/log2" 2>&1 &
  pid=$!
  again=""
  while [ -z "$again" ] && kill -0 $pid 2>/dev/null && [ $(( $(ms) - start )) -lt 60000 ]; do
    curl -sf -o /dev/null "http://127.0.0.1:$port/api/time" && again=$(( $(ms) - start ))
    sleep 0.05
  done
  echo "run $run: first start: first 200 of /api/time ${api:-none} ms, of / ${gui:-none} ms, idle RSS ${rss} MB; restart: first 200 ${again:-none} ms"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$data"
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
