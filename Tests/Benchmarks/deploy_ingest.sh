#!/usr/bin/env bash
# Deploy ingestion benchmark (issue 3): `reactions serve` against the peers in
# ../shared/bench (nginx = the HTTP ceiling on this box; Hummingbird + SQLite = what a
# Swift user would build), side by side, with wrk and ../shared/bench/wrk/deploy.lua.
#
#   Tests/Benchmarks/deploy_ingest.sh                        # nginx-2w, hummingbird, product at 64 conns, 2 rounds
#   PEERS="product" CONNS="16 64 256" REPEAT=3 Tests/Benchmarks/deploy_ingest.sh
#
# Needs: wrk and nginx (apt-get install wrk nginx), a release build of reactions
# (swift build -c release), and ../shared/bench next to this repository.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${BENCH_DIR:-$root/../shared/bench}"
bin="${REACTIONS_BIN:-$root/.build/release/reactions}"   # another build, to compare side by side
[[ -x "$bin" ]] || (cd "$root" && swift build -c release)

# A config whose deploy endpoint has the id deploy.lua posts to, and whose service
# matches the payload's "shopping_cart" by alias, so every answer is {"result":"ok"}. Its
# reaction listens to deploy.succeeded for Staging: every Production deploy here is matched
# (the envelope parsed, the filter evaluated) but queues no delivery; the delivery path has
# its own benchmark (delivery_latency.py).
config="$(mktemp -d -t reactions-bench-config.XXXXXX)"
trap 'rm -rf "$config"' EXIT
cat > "$config/bench.json" <<JSON
{
  "version": 1,
  "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
  "endpoints": [{"name": "bench", "kind": "deploy", "id": "${WRK_INTEGRATION:-5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11}"}],
  "reactions": [{"name": "on-deploy", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Staging"}},
                 "then": {"http": {"url": "https://monitor.example.com/api/annotations", "body": {"text": "#{deploy.service}"}}}}]
}
JSON

export PRODUCT_PORT="${PRODUCT_PORT:-8090}"
export PRODUCT_CMD="'$bin' serve --config '$config' --state \"\$BENCH_RUN_DIR/state.db\" --listen 127.0.0.1:\$PORT"
export PEERS="${PEERS:-nginx-2w hummingbird product}"
export CONNS="${CONNS:-64}"
export REPEAT="${REPEAT:-2}"
export RESULTS="${RESULTS:-${TMPDIR:-/tmp}/deploy-ingest-$(date +%Y%m%d-%H%M%S).tsv}"
cd "$bench/.."
bench/run-matrix.sh
# Throughput on this shared 2-core box swings from minute to minute; the server's CPU time
# per request moves much less, so compare builds on both.
python3 - "$RESULTS" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("\nserver CPU per request (µs), by peer and round:")
for peer in dict.fromkeys(r["peer"] for r in rows):
    cells = [float(r["srv_cpu_pct"]) / 100 * float(r["dur"].rstrip("s")) / float(r["requests"]) * 1e6
             for r in rows if r["peer"] == peer and float(r["requests"]) > 0]
    print(f"  {peer}: " + " / ".join(f"{c:.1f}" for c in cells))
PY
