#!/usr/bin/env bash
# Library scan: generates a library of tagged WAV/MP3/FLAC files (pure Java, the tests' fixtures),
# starts samesong.jar on a fresh H2 data folder with that library, and times through the admin
# task: the first scan (every file new: tags read, tracks inserted), a rescan with nothing changed
# (no file opened), and a rescan after every file's time changed (every file read again, tracks
# updated). Figures come from the server's "library scan done in N ms" log lines.
# Usage: bench/run-scan.sh [files] [seconds per file]   (defaults 1500 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
files=${1:-1500}
seconds=${2:-5}
jar=server/target/samesong.jar
tests=service/target/samesong-service-0.1.0-SNAPSHOT-tests.jar
[ -f "$jar" ] && [ -f "$tests" ] || ./mvnw -B -q install -DskipTests -Dspotless.check.skip=true
port=${SAMESONG_HTTP_PORT:-18080}
admin=${SAMESONG_ADMIN_PORT:-18081}
mkdir -p bench/results
out=bench/results/scan-$(date -u +%Y%m%dT%H%M%SZ).txt
work=$(mktemp -d)

mkdir -p "$work/library" "$work/data"
started=$(ms)
java -cp "$jar:$tests" bench/scan/MakeLibrary.java "$work/library" "$files" "$seconds"
echo "generated $files files of ${seconds} s ($(du -sh "$work/library" | cut -f1)) in $(( $(ms) - started )) ms" | tee "$out"

# the library is configured but empty at start: the start-up scan finds nothing, so the first
# real scan below runs on a started, idle server
mv "$work/library" "$work/library.full"; mkdir "$work/library"
start_server "$jar" "$work/log" SAMESONG_DATA_DIR="$work/data" SAMESONG_LIBRARY="$work/library" \
  SAMESONG_HTTP_PORT="$port" SAMESONG_ADMIN_PORT="$admin"
wait_ready "$port" 0.5 60 || exit 1
rmdir "$work/library"; mv "$work/library.full" "$work/library"

scan() {
  curl -sf -X POST "http://127.0.0.1:$admin/tasks/library-scan?wait" >/dev/null
  grep 'library scan done' "$work/log" | tail -1 | sed 's/.*library scan done/done/'
}
echo "first scan:          $(scan)" | tee -a "$out"
echo "rescan, unchanged:   $(scan)" | tee -a "$out"
find "$work/library" -type f -exec touch {} +
echo "rescan, all touched: $(scan)" | tee -a "$out"
echo "server: $(grep -c 'library scan: skipped' "$work/log" || true) skip warnings; cores $(nproc); $(java -version 2>&1 | head -1)" | tee -a "$out"
stop_server
echo "written to $out"
