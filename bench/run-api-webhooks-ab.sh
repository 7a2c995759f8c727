#!/usr/bin/env bash
# Does webhook delivery slow the API? Runs bench/run-api.sh without and with WEBHOOKS=1 in turns
# (A B A B …: the machine is shared, so what else runs falls on both alike), then compares the
# medians of cycles/s and of server CPU per cycle.
#
#   bench/run-api-webhooks-ab.sh [h2|postgres] [pairs]      (default: h2, 3 pairs)
#
# Environment: as bench/run-api.sh (USERS, SESSIONS, WARMUP, DURATION …; CATCHUP_MAX applies to the
# last run with webhooks, the others do not wait for the receivers to catch up). The jars are
# built once, before the first run, when missing. Each run's files stay in bench/results/<stamp>/;
# the table goes to bench/results/ab-<stamp>.md as well.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-h2}
pairs=${2:-3}
stamp=$(date -u +%Y%m%d-%H%M%S)
table=bench/results/ab-$stamp.md
mkdir -p bench/results
rows=()
run() { # $1 = without | with
  local log dir
  log=$(mktemp)
  if [ "$1" = with ]; then
    WEBHOOKS=1 bench/run-api.sh "$db" | tee "$log" >&2
  else
    env -u WEBHOOKS bench/run-api.sh "$db" | tee "$log" >&2
  fi
  dir=$(sed -n 's/^results in \(bench\/results\/[^ ]*\)\/ .*/\1/p' "$log" | tail -1)
  local caught
  caught=$(sed -n 's/^webhooks caught up in \([0-9]*\) s.*/\1/p' "$log" | tail -1)
  rm -f "$log"
  python3 - "$dir/$db.json" "$1" "${caught:--}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
per_cycle = 1000 * d["server_cpu_s"] / max(1, d["cycles"])
print(f'{sys.argv[2]}\t{d["cycles_per_s"]}\t{per_cycle:.1f}\t{d["other_processes_cores"]}\t{d["loadavg_before"]}\t{sys.argv[3]}')
PY
}
for i in $(seq 1 "$pairs"); do
  rows+=("$(run without)")
  # the catch-up after the load is waited for in the last run only (CATCHUP_MAX=0 before)
  if [ "$i" = "$pairs" ]; then
    rows+=("$(run with)")
  else
    rows+=("$(CATCHUP_MAX=0 run with)")
  fi
done
{
  echo "| run | webhooks | cycles/s | server ms CPU/cycle | other processes (cores) | load avg before | caught up (s) |"
  echo "|---|---|---|---|---|---|---|"
  n=0
  for r in "${rows[@]}"; do
    n=$((n + 1))
    IFS=$'\t' read -r w c p o l k <<<"$r"
    echo "| $n | $w | $c | $p | $o | $l | $k |"
  done
  printf '%s\n' "${rows[@]}" | python3 -c '
import sys, statistics as st
rows = [l.split("\t") for l in sys.stdin.read().splitlines() if l]
def med(kind, i): return st.median(float(r[i]) for r in rows if r[0] == kind)
a, b = med("without", 1), med("with", 1)
pa, pb = med("without", 2), med("with", 2)
print()
print(f"medians: without {a:.1f} cycles/s, {pa:.1f} ms CPU/cycle; with webhooks {b:.1f} cycles/s, {pb:.1f} ms CPU/cycle")
print(f"throughput with webhooks: {100 * (b - a) / a:+.1f} %; server CPU per cycle: {100 * (pb - pa) / pa:+.1f} %")
'
} | tee "$table"
