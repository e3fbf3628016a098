#!/usr/bin/env bash
# Replay benchmark through the binary (issue 14): `reactions plan --replay` over a million
# recorded events against a 1,000-reaction config, locally and with --server, reporting
# wall time, events/s and peak RSS (of plan locally; of serve, which does the matching,
# remotely). ReplayBenchmark gives the in-process stage split.
#
#   swift build -c release --product reactions --product StoreBenchmark --product ReplayBenchmark
#   Tests/Benchmarks/replay.sh [DEPLOYS]          # default 1000000; STATE=path reuses a filled state
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${REACTIONS_BIN:-$root/.build/release/reactions}"
deploys="${1:-1000000}"
work="$(mktemp -d -t reactions-replay-bench.XXXXXX)"
trap 'kill "${serve_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

state="${STATE:-}"
if [[ -z "$state" ]]; then
  echo "filling a state with $deploys deploys (StoreBenchmark)…"
  STORE_BENCH_KEEP=1 STORE_BENCH_DIR="$work" "$root/.build/release/StoreBenchmark" "$deploys" > "$work/fill.txt"
  state="$(sed -n 's/^kept: //p' "$work/fill.txt")"
fi
"$root/.build/release/ReplayBenchmark" "$state" "$work/configs"
"$bin" apply --config "$work/configs/before" --state "$state" --auto-approve > /dev/null

measure() {  # label, then the command; prints wall s and peak RSS MB of the command
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out.json"
  read -r wall rss < "$work/time"
  events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["replay"]["window"]["events"])' "$work/out.json")
  python3 -c 'import sys; l,w,r,e=sys.argv[1:]; print(f"| {l} | {int(e):,} | {float(w):.2f} s | {int(e)/float(w):,.0f} | {int(r)//1024} MB |")' "$label" "$wall" "$rss" "$events"
}

echo
echo "| run | events | wall | events/s | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
measure "plan --replay (local)" "$bin" plan --config "$work/configs/after" --state "$state" --replay 3650d --format json

port=$((20000 + RANDOM % 20000))
REACTIONS_PLAN_TOKEN=bench-plan "$bin" serve --state "$state" --listen "127.0.0.1:$port" --no-request-log --retention forever > "$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
before_rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$serve_pid/status")
REACTIONS_TOKEN=bench-plan measure "plan --replay --server (client)" "$bin" plan --config "$work/configs/after" --server "http://127.0.0.1:$port" --replay 3650d --format json
after_rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$serve_pid/status")
echo
echo "serve's peak RSS: $before_rss MB before the replay, $after_rss MB after it (the matching ran there)"
