#!/usr/bin/env bash
# Track changes as heard (issue 18): the real SyncEngine, drift controller and Web Audio track start
# (boundary-start.js, web-audio-graph.js) in one headless Chromium page, against an in-page server
# (no network: the schedule is the page's clock) and a playlist of TRACKS white-noise WAVs of 6 s
# each, so TRACKS − 1 track changes. An AudioWorklet records the graph's output (both <audio>
# elements and the buffer pass through it) and the page locates the scheduled track's samples in it
# by cross-correlation: the error of what is heard against the schedule, every 10 ms for the new
# track's first 300 ms and every 100 ms to 4 s, the old track's in the 400 ms before the boundary,
# and silence (2-ms windows below RMS 0.05) from 300 ms before to 300 ms after.
#
#   bench/run-track-change.sh          # MODE=buffer (Web Audio start) and MODE=swap (the <audio> alone)
#
# Environment: MODES ("buffer swap") TRACKS (11) FORMAT (wav; mp3, ogg: encoded from the WAVs, and the
#   page's reference is decoded from the same files). Needs Debian's chromium and chromedriver, node,
# ffmpeg and python3 (a static file server). Results in bench/results/track-change-<date>/.
set -euo pipefail
cd "$(dirname "$0")/.."
MODES=${MODES:-buffer swap}
TRACKS=${TRACKS:-11}
FORMAT=${FORMAT:-wav}
stamp=$(date +%Y%m%d-%H%M%S)
results=bench/results/track-change-$stamp
mkdir -p "$results"
site=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$site"; }
trap cleanup EXIT
ln -s "$PWD/vaadin-ui/src/main/resources/META-INF/resources/sync-audio" "$site/sync-audio"
cp bench/track-change/page.html bench/track-change/recorder.js "$site/"
for i in $(seq 0 $((TRACKS - 1))); do
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "anoisesrc=d=6:c=white:r=44100:a=0.3:seed=$((i + 11))" -ac 2 "$site/t$i.wav"
  if [ "$FORMAT" != wav ]; then ffmpeg -hide_banner -loglevel error -y -i "$site/t$i.wav" "$site/t$i.$FORMAT"; fi
done
port=$((18790 + RANDOM % 100))
driver=$((port + 100))
(cd "$site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) & pids+=($!)
/usr/bin/chromedriver --port="$driver" >"$results/chromedriver.log" 2>&1 & pids+=($!)
sleep 1
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- vaadin-ui || echo ' + local changes')"
  echo "$(/usr/bin/chromium --version 2>/dev/null | head -1); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/machine.txt"
for mode in $MODES; do
  nice -n 10 node bench/track-change/drive.mjs "$driver" "http://127.0.0.1:$port/page.html?mode=$mode&tracks=$TRACKS&ext=$FORMAT" "$results/$mode.json" 240 >/dev/null
  python3 bench/track-change/summarize.py "$results/$mode.json" | tee "$results/$mode.txt"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/machine.txt"
echo "results in $results/"
