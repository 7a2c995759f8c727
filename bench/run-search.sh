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
. bench/lib.sh
mode=$(db_mode bench/run-search.sh "${1:-both}")
TRACKS=${TRACKS:-100000}
ROUNDS=${ROUNDS:-100}
WARMUP=${WARMUP:-20}
CLIENTS=${CLIENTS:-1}
FILL_THREADS=${FILL_THREADS:-2}
server_java_opts=${JAVA_OPTS:--Xmx1g}
results_dir search-

build_jars --rebuild pom.xml ./*/pom.xml ./*/src/main

# ---- one run: $1 = h2 | postgres
run_one() {
  local kind=$1
  local port admin password url=""
  local -a target
  if [ "$kind" = postgres ]; then
    if ! have_postgres; then
      echo "== postgres: skipped, no PostgreSQL at $PG_HOST:$PG_PORT (user $PG_USER)"
      return 0
    fi
    create_db "samesong_search_$$"
    url="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"
    target=(--url "$url" --user "$PG_USER")
  fi
  new_server search 18280 ${url:+"$url" "$PG_USER"}
  if [ "$kind" = h2 ]; then
    mkdir -p "$work/data"
    target=(--h2 "$work/data")
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
    echo "== $label: starting samesong.jar on 127.0.0.1:$port (admin $admin), load $(load_avg)"
    # shellcheck disable=SC2086 # the options of this run
    start_server "$work/samesong.jar" "$work/server.log" "${server_env[@]}" -- $opts
    wait_ready "$port" 0.1 || { cleanup; return 1; }
    echo "up in $(($(ms) - server_t0)) ms"

    java -Xmx512m -cp "$loadjar" org.samesong.bench.SearchBench --base "http://127.0.0.1:$port" \
      --admin-user bench --admin-password "$password" --queries "$results/$kind-queries.tsv" \
      --clients "$CLIENTS" --warmup "$WARMUP" --rounds "$ROUNDS" --label "$label" --json "$results/$kind.json" |
      tee -a "$results/$kind.txt" || rc=$?
    if kill -0 "$pid" 2>/dev/null; then
      echo "server RSS after the run: $(proc_mb "$pid" VmRSS) MB" | tee -a "$results/$kind.txt"
    else
      echo "THE SERVER PROCESS IS GONE; the end of its log:" | tee -a "$results/$kind.txt"
      tail -20 "$server_log" | tee -a "$results/$kind.txt"
    fi
    keep_server_log "$results/$kind-" 20 200 100
    stop_server
  done
  cleanup
  return $rc
}

echo "jar: $jar (built $(date -r "$jar" -Is)); sources at commit $(commit_desc)"
echo "machine: $(machine_desc); load $(load_avg)"
status=0
on_databases "$mode" || status=$?
echo
echo "results in $results/ ($(date -Is)); load after: $(load_avg)"
exit $status
