#!/usr/bin/env bash
# Ingestion while retention prunes (issue 16): the p99 of deploys with serve pruning a
# backlog of old events, against the same store with retention off, alternated.
#
#   Tests/Benchmarks/prune_ingest.sh [DEPLOYS] [ROUNDS]     # default 200000 deploys, 3 rounds
#
# Fills a state with StoreBenchmark (each deploy with its event, a delivered delivery and an
# attempt), then per round starts serve on a fresh copy twice: `--retention forever`, and
# `--retention 1s --prune-interval 1s`, which starts removing every filled event, delivery and
# attempt a second after start and is still at it when wrk ends (its log says how long the
# pass took). Needs wrk and ../shared/bench.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${BENCH_DIR:-$root/../shared/bench}"
deploys="${1:-200000}"
rounds="${2:-3}"
cd "$root"
swift build -c release --product reactions >/dev/null
swift build -c release --product StoreBenchmark >/dev/null
filled="$(STORE_BENCH_KEEP=1 .build/release/StoreBenchmark "$deploys" | sed -n 's/^kept: //p')"
[[ -f "$filled" ]] || { echo "StoreBenchmark kept no state" >&2; exit 1; }
work="$(mktemp -d -t reactions-prune-ingest.XXXXXX)"
trap 'rm -rf "$work" "$(dirname "$filled")"' EXIT
cat > "$work/bench.json" <<JSON
{
  "version": 1,
  "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
  "endpoints": [{"name": "bench", "kind": "deploy", "id": "5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11"}]
}
JSON
# run-peer.sh execs the command it is given, so the copy happens in a launcher.
cat > "$work/serve.sh" <<SH
#!/usr/bin/env bash
cp "$filled" "\$BENCH_RUN_DIR/state.db"
# Everything flushed before serve starts: otherwise its first checkpoint's fsync waits for the copy
# out while deploys wait for theirs (p99 25-30 ms instead of 8 ms, an artifact of the copy).
sync
exec "$root/.build/release/reactions" serve --config "$work" --state "\$BENCH_RUN_DIR/state.db" --listen 127.0.0.1:\$PORT \\
  --no-request-log --retention "\$1" --prune-interval 1s
SH
chmod +x "$work/serve.sh"
for round in $(seq "$rounds"); do
  for retention in forever 1s; do
    "$bench/run-peer.sh" -n "retention-$retention" -p 8093 -l "$work/logs" -- "'$work/serve.sh' $retention"
  done
done
echo
echo "prune passes logged (a pass still running when serve stopped is not):"
grep -h '"msg":"pruned"' "$work"/logs/*.server.log || echo "(none finished within a run)"
grep -h '"msg":"stopped"\|prune failed' "$work"/logs/*.server.log | head -3 || true
