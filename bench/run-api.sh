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
#   WEBHOOKS=1      configure three webhook receivers before the load (WebhookReceivers in
#                   bench/load: one quick, one answering after 2 s, one answering 500), so every
#                   join, request and decision is also delivered (or retried) while the API is
#                   measured; afterwards prints what each received and what is pending, and waits
#                   (up to CATCHUP_MAX s, default 900; 0: no wait) until the quick and the slow
#                   one have all
#   PG_HOST (127.0.0.1) PG_PORT (5432) PG_USER (postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root=$PWD
mode=$(db_mode bench/run-api.sh "${1:-both}")
USERS=${USERS:-16}
SESSIONS=${SESSIONS:-20}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-30}
DECIDE=${DECIDE:-approve}
server_java_opts=${JAVA_OPTS:--Xmx1g}
results_dir ""

build_jars --rebuild pom.xml ./*/pom.xml ./*/src/main

# ---- webhooks (WEBHOOKS=1): an admin token of the running server
admin_token() {
  curl -fsS -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/auth/login" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

# pending deliveries per receiver, as the admin API says: "quick=N slow=N failing=N"
webhook_pending() {
  curl -fsS -H "Authorization: Bearer $1" "http://127.0.0.1:$port/api/admin/webhooks" |
    grep -o '"pending":[0-9]*' | cut -d: -f2 | paste -sd' ' |
    awk '{ printf "quick=%s slow=%s failing=%s", $1, $2, $3 }'
}

# after the load: what each receiver got and what waits, then how long the quick and the slow one
# take to get everything (the failing one never does: it is retried with backoff for 24 h)
webhook_report() {
  local out=$1 token t0 pending quick slow
  token=$(admin_token)
  {
    echo "webhooks right after the load: pending $(webhook_pending "$token")"
    curl -fsS "$(sed -n 1p "$work/hooks.txt" | sed 's#/hook$#/stats#')" | sed 's/^/  received: /'
  } | tee -a "$out"
  [ "${CATCHUP_MAX:-900}" = 0 ] && return 0
  t0=$(ms)
  while :; do
    pending=$(webhook_pending "$token")
    quick=$(echo "$pending" | sed 's/.*quick=\([0-9]*\).*/\1/')
    slow=$(echo "$pending" | sed 's/.*slow=\([0-9]*\).*/\1/')
    [ "$quick" = 0 ] && [ "$slow" = 0 ] && break
    [ $(($(ms) - t0)) -gt $((${CATCHUP_MAX:-900} * 1000)) ] && break
    sleep 1
  done
  {
    echo "webhooks caught up in $(( ($(ms) - t0) / 1000 )) s after the load (quick and slow; limit ${CATCHUP_MAX:-900} s): pending $(webhook_pending "$token")"
    curl -fsS "$(sed -n 1p "$work/hooks.txt" | sed 's#/hook$#/stats#')" | sed 's/^/  received: /'
  } | tee -a "$out"
}

# ---- one benchmark run: $1 = h2 | postgres
run_one() {
  local kind=$1
  local port admin password url=""
  if [ "$kind" = postgres ]; then
    if ! have_postgres; then
      echo "== postgres: skipped, no PostgreSQL at $PG_HOST:$PG_PORT (user $PG_USER)"
      return 0
    fi
    create_db "samesong_bench_$$"
    url="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"
  fi
  new_server bench 18080 ${url:+"$url" "$PG_USER"}
  wait_quiet
  echo
  echo "== $kind: starting samesong.jar on 127.0.0.1:$port (admin $admin), load $(load_avg)"
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  start_server "$work/samesong.jar" "$work/server.log" "${server_env[@]}" -- $server_java_opts
  wait_ready "$port" 0.1 || { cleanup; return 1; }
  local up_ms=$(($(ms) - server_t0))
  local hooks_pid=""
  if [ -n "${WEBHOOKS:-}" ]; then
    local hooks_port token
    hooks_port=$(free_port 19080)
    java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$loadjar" org.samesong.bench.WebhookReceivers "$hooks_port" >"$work/hooks.txt" &
    hooks_pid=$!
    for _ in $(seq 1 100); do [ "$(wc -l <"$work/hooks.txt")" -ge 3 ] && break; sleep 0.1; done
    token=$(admin_token)
    curl -fsS -o /dev/null -X PATCH -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"allow_private_urls\":true,\"webhook_urls\":[$(sed 's/.*/"&"/' "$work/hooks.txt" | paste -sd,)]}" \
      "http://127.0.0.1:$port/api/admin/settings"
    echo "webhooks: $(paste -sd' ' "$work/hooks.txt") (quick, slow 2 s, failing 500)"
  fi
  sleep 2
  local idle_rss cpu_start
  idle_rss=$(proc_mb "$pid" VmRSS)
  cpu_start=$(proc_cpu_s "$pid")
  echo "up in $up_ms ms; RSS ${idle_rss} MB, CPU ${cpu_start} s used by the start"

  local profiler=""
  if [ -n "${PROFILE:-}" ]; then
    (
      # JFR covers the measured window: wait until the generator says it began
      wait_measuring "$work/phase" 0.1 || exit 0
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
  rss_end=$(proc_mb "$pid" VmRSS)
  hwm=$(proc_mb "$pid" VmHWM)
  echo "server process: CPU ${cpu_end} s in all (start ${cpu_start} s), RSS idle ${idle_rss} MB -> ${rss_end} MB after the load (peak ${hwm} MB)" |
    tee -a "$results/$kind.txt"
  echo "server log: $(log_problem_count) WARN/ERROR lines (last lines kept in $results/$kind-server-tail.log)" | tee -a "$results/$kind.txt"
  # the first warnings and errors with the stack traces that follow them
  keep_server_log "$results/$kind-" 40 400

  if [ -n "$profiler" ]; then
    wait "$profiler" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -s "$results/$kind.jfr" ] && break; sleep 0.2; done
    [ -s "$results/$kind.jfr" ] || jcmd "$pid" JFR.dump name=bench filename="$root/$results/$kind.jfr" >/dev/null 2>&1 || true
    if [ -s "$results/$kind.jfr" ]; then
      java -cp "$loadjar" org.samesong.bench.JfrTop "$results/$kind.jfr" | tee "$results/$kind-profile.txt"
    fi
  fi
  if [ -n "$hooks_pid" ]; then
    webhook_report "$results/$kind.txt"
    kill "$hooks_pid" 2>/dev/null || true
  fi
  cleanup
  return $rc
}

echo "jar: $jar (built $(date -r "$jar" -Is), $(du -m "$jar" | cut -f1) MB); sources now at commit $(commit_desc)"
echo "machine: $(machine_desc)"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
status=0
on_databases "$mode" || status=$?
echo
echo "results in $results/ ($(date -Is)); load after: $(load_avg)"
summaries=()
for f in "$results"/h2.json "$results"/postgres.json; do [ -f "$f" ] && summaries+=("$f"); done
[ ${#summaries[@]} -gt 0 ] && java -cp "$loadjar" org.samesong.bench.Summary "${summaries[@]}" | tee "$results/summary.md"
exit $status
