#!/usr/bin/env bash
# Fan-out at party scale: how host commands, joins, drops and restarts reach (or burden) listeners.
#
#   [MODE=rooms]    bench/run-fanout.sh [listeners] [sessions]   (10000 1000) rooms of listeners/sessions,
#                   every host seeks once a second at a random moment; + Syncplay with the same harness
#   MODE=one-room   bench/run-fanout.sh [listeners]              (1000) one session, joins within
#                   JOIN_SECONDS, then SEEKS host seeks; + Syncplay, one room of the same size
#   MODE=join-storm bench/run-fanout.sh [listeners]              (1000) joins in waves of WAVE: bytes and
#                   messages per listener per join of someone else, and a host seek during the storm
#   MODE=drop       bench/run-fanout.sh [listeners]              (1000) all listeners dropped at once:
#                   /api/time and a login polled meanwhile, time until the host's member count is right
#   MODE=restart    bench/run-fanout.sh [listeners] [sessions]   (10000 1000) SIGTERM and start again on
#                   the same data and ports; time until every socket reconnected and a command reaches all
#
# Starts samesong.jar (a copy, H2 in a fresh data folder, free ports from 18180), lifts the join,
# login and guest limits, runs FanoutBench (bench/load) in the mode asked for, then stops everything
# and removes what it created; in the rooms and one-room modes it then runs Debian's syncplay-server
# (installed with apt-get when missing and running as root) on a free port from 18990, driven by
# SyncplayBench with the same harness. Results in bench/results/fanout-<mode>-<stamp>/.
#
# Environment (defaults): DURATION (60 s, rooms) PATTERN (seek | round-robin, rooms) INTERVAL_MS
#   (50, round-robin) RAMP (500 connections/s) SETTLE (5 s) CONNECT_WAIT (600 s) JOIN_CONCURRENCY (32; 256 in one-room)
#   JOIN_SECONDS (10, one-room) SEEKS (20) SEEK_GAP_MS (500) WAVE (50) WAVE_GAP_MS (500)
#   POLL_MS (10) LOGIN_POLL_MS (1000; 0: none; a failed login costs ~0.1 s of CPU) SESSION_POLL_MS (250) (drop)
#   CHATTER (player: every listener sends what the player sends, 12 pings at 50 ms after its hello,
#     then a ping every PING_MS (3000) and a sync_ack every 2 s; none: silent listeners, as before
#     2026-12-08) — Syncplay's harness answers the server's State every second either way
#   SYNCPLAY (1: also run Syncplay in rooms/one-room; 0: do not) SYNCPLAY_OPTS (--isolate-rooms)
#   JAVA_OPTS       server JVM options (default -Xmx1g); a GC log is always written
#   LOAD_JAVA_OPTS  load generator JVM options (default -Xmx2g)
#   DUMPS=n         thread dumps of the server during the measured window (default 2; rooms only)
#   NO_BUILD=1      never build; SAMESONG_JAR=path benchmarks that jar instead
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root=$PWD
MODE=${MODE:-rooms}
case "$MODE" in
  rooms | restart) listeners=${1:-10000} sessions=${2:-1000} ;;
  one-room | join-storm | drop) listeners=${1:-1000} sessions=1 ;;
  *)
    echo "usage: [MODE=rooms|one-room|join-storm|drop|restart] $0 [listeners] [sessions]" >&2
    exit 64
    ;;
esac
DURATION=${DURATION:-60}
PATTERN=${PATTERN:-seek}
INTERVAL_MS=${INTERVAL_MS:-50}
RAMP=${RAMP:-500}
SETTLE=${SETTLE:-5}
CONNECT_WAIT=${CONNECT_WAIT:-600}
# one-room: people joining a party do not wait for each other, so the generator must not pace the joins
case "$MODE" in one-room) JOIN_CONCURRENCY=${JOIN_CONCURRENCY:-256} ;; *) JOIN_CONCURRENCY=${JOIN_CONCURRENCY:-32} ;; esac
JOIN_SECONDS=${JOIN_SECONDS:-10}
SEEKS=${SEEKS:-20}
SEEK_GAP_MS=${SEEK_GAP_MS:-500}
WAVE=${WAVE:-50}
WAVE_GAP_MS=${WAVE_GAP_MS:-500}
POLL_MS=${POLL_MS:-10}
LOGIN_POLL_MS=${LOGIN_POLL_MS:-1000}
SESSION_POLL_MS=${SESSION_POLL_MS:-250}
DUMPS=${DUMPS:-2}
CHATTER=${CHATTER:-player}
PING_MS=${PING_MS:-3000}
SYNCPLAY_OPTS=${SYNCPLAY_OPTS:---isolate-rooms}
case "$MODE" in rooms | one-room) SYNCPLAY=${SYNCPLAY:-1} ;; *) SYNCPLAY=0 ;; esac
server_java_opts=${JAVA_OPTS:--Xmx1g}
load_java_opts=${LOAD_JAVA_OPTS:--Xmx2g}
results_dir "fanout-$MODE-"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
echo "open files limit: $(ulimit -n)"

build_jars

sp_pid="" # syncplay-server
gen=""    # the load generator
tailer="" # what shows its output
stop_syncplay() {
  if [ -n "$sp_pid" ] && kill -0 "$sp_pid" 2>/dev/null; then
    kill "$sp_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$sp_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sp_pid" 2>/dev/null || true
  fi
  [ -z "$sp_pid" ] || wait "$sp_pid" 2>/dev/null || true
  sp_pid=""
}
cleanup_fanout() {
  stop_syncplay
  cleanup
}
trap cleanup_fanout EXIT

# run_load <output file> <class> <option ...>: the load generator in the background (its pid in gen,
# killed by cleanup), its output shown as it comes
run_load() {
  local file=$1 cls=$2
  shift 2
  # shellcheck disable=SC2086 # LOAD_JAVA_OPTS holds several options
  java $load_java_opts -cp "$work/samesong-load.jar" "$cls" "$@" >"$file" 2>&1 &
  gen=$!
  helpers+=("$gen")
  tail -n +1 -f --pid="$gen" "$file" &
  tailer=$!
  helpers+=("$tailer")
}

# wait_load: the generator's exit status (also when the script's own checks failed meanwhile)
wait_load() {
  local status=0
  wait "$gen" || status=$?
  sleep 0.3 # tail's last lines
  kill "$tailer" 2>/dev/null || true
  wait "$tailer" 2>/dev/null || true
  return $status
}

phase_has() { grep -qs "^$1" "$work/phase"; }

new_server fanout 18180
cp "$loadjar" "$work/samesong-load.jar" # a rebuild of bench/load during the run must not break the generator
: >"$work/phase"

echo "mode: $MODE; jar: $jar ($(date -r "$jar" -Is)); commit $(commit_desc)"
echo "machine: $(machine_desc)"
echo "load before: $(load_avg)"
echo "== Samesong, $MODE: $listeners listeners in $sessions session(s); server on 127.0.0.1:$port (admin $admin), JAVA_OPTS $server_java_opts"
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
start_server "$work/samesong.jar" "$work/server.log" "${server_env[@]}" -- \
  $server_java_opts "-Xlog:gc*:file=$root/$results/server-gc.log:uptime,level,tags"
wait_ready "$port" 0.2 || exit 1
echo "server up in $(($(ms) - server_t0)) ms, RSS $(proc_mb "$pid" VmRSS) MB, threads $(proc_kb "$pid" Threads)"

if [ "$MODE" = rooms ] && [ "$DUMPS" -gt 0 ]; then
  # thread dumps and load average during the measured window
  (
    wait_measuring "$work/phase" 0.2 || exit 0
    echo "load at the start of the window: $(load_avg)" >>"$root/$results/load.txt"
    for i in $(seq 1 "$DUMPS"); do
      sleep $((DURATION / (DUMPS + 1)))
      jcmd "$pid" Thread.print >"$root/$results/threads-$i.txt" 2>&1 || true
      echo "load during the window ($i): $(load_avg)" >>"$root/$results/load.txt"
    done
  ) &
  helpers+=($!)
fi

rc=0
run_load "$results/fanout.txt" org.samesong.bench.FanoutBench \
  --mode "$MODE" --base "http://127.0.0.1:$port" --admin-user bench --admin-password "$password" \
  --listeners "$listeners" --sessions "$sessions" --duration "$DURATION" --pattern "$PATTERN" --interval-ms "$INTERVAL_MS" \
  --ramp "$RAMP" --settle "$SETTLE" --connect-wait "$CONNECT_WAIT" --join-concurrency "$JOIN_CONCURRENCY" \
  --join-seconds "$JOIN_SECONDS" --seeks "$SEEKS" --seek-gap-ms "$SEEK_GAP_MS" --wave "$WAVE" --wave-gap-ms "$WAVE_GAP_MS" \
  --poll-ms "$POLL_MS" --login-poll-ms "$LOGIN_POLL_MS" --session-poll-ms "$SESSION_POLL_MS" \
  --chatter "$CHATTER" --ping-ms "$PING_MS" \
  --server-pid "$pid" --clk-tck "$(getconf CLK_TCK)" --phase-file "$work/phase" --json "$results/fanout.json"

if [ "$MODE" = restart ]; then
  # the generator asks for the restart once every socket has its hello and every session plays
  until phase_has restart || phase_has done; do
    kill -0 "$gen" 2>/dev/null || break
    kill -0 "$pid" 2>/dev/null || { echo "the server died before the restart" >&2; break; }
    sleep 0.05
  done
  if phase_has restart && kill -0 "$pid" 2>/dev/null; then
    before="$(server_memory)"
    cpu_before=$(proc_cpu_s "$pid")
    t_kill=$(ms)
    kill -TERM "$pid"
    echo "killed $t_kill" >>"$work/phase"
    forced=""
    for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      forced="; still running after 60 s: SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    exit_status=0
    wait "$pid" || exit_status=$?
    t_exit=$(ms)
    keep_server_log "$results/first-"
    first_problems=$(log_problem_count)
    # shellcheck disable=SC2086
    start_server "$work/samesong.jar" "$work/server-2.log" "${server_env[@]}" -- \
      $server_java_opts "-Xlog:gc*:file=$root/$results/server-gc-2.log:uptime,level,tags"
    if wait_ready "$port" 0.02; then
      t_ready=$(ms)
      echo "ready $t_ready" >>"$work/phase"
    else
      rc=1
    fi
    {
      echo
      echo "server before the restart: $before, CPU $cpu_before s; its log: $first_problems WARN/ERROR lines"
      echo "SIGTERM → exit $((t_exit - t_kill)) ms (status $exit_status$forced); start → answering $((t_ready - t_exit)) ms"
    } | tee -a "$results/restart.txt"
    until phase_has reconnected || phase_has done; do
      kill -0 "$gen" 2>/dev/null || break
      sleep 0.1
    done
    echo "server after every socket reconnected: $(server_memory)" | tee -a "$results/restart.txt"
  fi
fi
wait_load || rc=$?
helpers=()

{
  cat "$results/load.txt" 2>/dev/null || true
  echo "load after: $(load_avg)"
  if kill -0 "$pid" 2>/dev/null; then server_memory; else echo "the server is gone"; fi
  for gc_log in "$results"/server-gc*.log; do
    echo "GC pauses ($(basename "$gc_log")): $(grep -c 'Pause' "$gc_log" || true), longest $(grep -oE 'Pause.* ([0-9.]+)ms' "$gc_log" | grep -oE '[0-9.]+ms$' | sort -n | tail -1)"
  done
  echo "server log: $(log_problem_count) WARN/ERROR lines"
} | tee -a "$results/fanout.txt"
ours_rss=$(proc_mb "$pid" VmRSS 2>/dev/null || echo 0)
keep_server_log "$results/"
stop_server

# ---- Syncplay with the same harness
if [ "$SYNCPLAY" = 1 ]; then
  if ! command -v syncplay-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing syncplay-server (Debian) ..."
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq syncplay-server >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq syncplay-server >/dev/null; }
    fi
  fi
  if ! command -v syncplay-server >/dev/null 2>&1; then
    echo "syncplay-server is missing: apt-get install -y syncplay-server (or SYNCPLAY=0)" >&2
    exit 1
  fi
  sp_port=$(free_port 18990)
  # as ours: each room holds its listeners plus the one that seeks (our host), who is not counted as a receiver
  case "$MODE" in rooms) room_size=$(((listeners + sessions - 1) / sessions + 1)) ;; *) room_size=$((listeners + 1)) ;; esac
  sp_clients=$((listeners + sessions))
  echo
  echo "== Syncplay $(dpkg-query -W -f='${Version}' syncplay-server 2>/dev/null || echo '?'): $sp_clients clients in rooms of $room_size (one seeker each); syncplay-server $SYNCPLAY_OPTS on 127.0.0.1:$sp_port"
  # shellcheck disable=SC2086 # SYNCPLAY_OPTS holds several options
  PYTHONUNBUFFERED=1 syncplay-server --port "$sp_port" --salt bench $SYNCPLAY_OPTS >"$work/syncplay.log" 2>&1 &
  sp_pid=$!
  for _ in $(seq 1 100); do listening "$sp_port" && break; sleep 0.1; done
  listening "$sp_port" || { echo "syncplay-server did not listen; its log:" >&2; cat "$work/syncplay.log" >&2; exit 1; }
  echo "syncplay-server up, RSS $(proc_mb "$sp_pid" VmRSS) MB"
  : >"$work/phase-sp"
  sp_args=(--port "$sp_port" --clients "$sp_clients" --room-size "$room_size" --ramp "$RAMP" --settle "$SETTLE"
    --connect-wait "$CONNECT_WAIT" --server-pid "$sp_pid" --clk-tck "$(getconf CLK_TCK)" --json "$results/syncplay.json")
  if [ "$MODE" = rooms ]; then
    sp_args+=(--duration "$DURATION")
  else
    sp_args+=(--seeks "$SEEKS" --seek-gap-ms "$SEEK_GAP_MS" --connect-seconds "$JOIN_SECONDS")
  fi
  sp_rc=0
  run_load "$results/syncplay.txt" org.samesong.bench.SyncplayBench "${sp_args[@]}"
  wait_load || sp_rc=$?
  helpers=()
  sp_rss=$(proc_mb "$sp_pid" VmRSS)
  echo "syncplay-server RSS $sp_rss MB (peak $(proc_mb "$sp_pid" VmHWM) MB)" | tee -a "$results/syncplay.txt"
  cp "$work/syncplay.log" "$results/syncplay-server.log"
  stop_syncplay
  [ "$sp_rc" = 0 ] || { echo "the Syncplay run failed ($sp_rc)" >&2; rc=1; }

  # one table: ours and Syncplay's
  python3 - "$results/fanout.json" "$results/syncplay.json" "$ours_rss" "$sp_rss" <<'EOF' | tee "$results/summary.md"
import json, sys
try:
    a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
except Exception as e:
    print(f"(no comparison: {e})"); sys.exit(0)
rows = [("p50 ms", "p50_ms"), ("p95 ms", "p95_ms"), ("p99 ms", "p99_ms"), ("max ms", "max_ms"),
        ("deliveries measured / expected", None), ("server CPU (cores)", "server_cores")]
def f(x): return "–" if x is None else (f"{x:.2f}" if isinstance(x, float) else str(x))
def ratio(x, y):
    try: return f"{x / y:.2f}" if y else "–"
    except TypeError: return "–"
print(f"| {a.get('mode')} | Samesong | Syncplay | Samesong / Syncplay |")
print("|---|---|---|---|")
for label, key in rows:
    if key is None:
        print(f"| {label} | {a.get('deliveries_measured')} / {a.get('deliveries_expected')} | {b.get('deliveries_measured')} / {b.get('deliveries_expected')} | |")
        continue
    x, y = a.get(key), b.get(key)
    print(f"| {label} | {f(x)} | {f(y)} | {ratio(x, y)} |")
x, y = int(sys.argv[3] or 0), int(sys.argv[4] or 0)
print(f"| server RSS MB (after the run) | {x} | {y} | {ratio(float(x), float(y))} |")
EOF
fi

cleanup_fanout
echo "results in $results/"
exit $rc
