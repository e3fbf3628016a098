#!/usr/bin/env python3
"""Deploy ingestion on PostgreSQL with one and two `serve` replicas, next to SQLite (issue 13):
wrk with ../shared/bench/wrk/deploy.lua (a unique dedup_id per request) against each
replica at once, the connections split between them. Reports deploys/s, wrk's p99, and
the CPU time per deploy of the `serve` processes and of PostgreSQL's (all of the cluster's
processes), which says what a deploy costs more than a loaded 2-core box's throughput does.

    swift build -c release
    python3 Tests/Benchmarks/replicas.py [--seconds 10] [--connections 64] [--rounds 2]

Needs wrk and PostgreSQL (apt-get install wrk postgresql); starts its own cluster.
"""
import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgcluster import Cluster, cpu_seconds  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LUA = os.path.join(ROOT, "..", "shared", "bench", "wrk", "deploy.lua")
ENDPOINT_ID = "5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11"
CONFIG = {
    "version": 1,
    "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
    "endpoints": [{"name": "bench", "kind": "deploy", "id": ENDPOINT_ID}],
    # As deploy_ingest.sh: matched on every deploy, queues nothing (Production deploys).
    "reactions": [{"name": "on-deploy", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Staging"}},
                   "then": {"http": {"url": "https://monitor.example.com/api/annotations", "body": {"text": "#{deploy.service}"}}}}],
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(binary, state, work, name):
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--config", os.path.join(work, "config"), "--state", state,
                             "--listen", f"127.0.0.1:{port}", "--no-request-log"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"{name}.log"), "w"))
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"serve did not start: see {work}/{name}.log")


def wrk(port, connections, seconds):
    return subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", LUA, f"http://127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, text=True)


def parse(output):
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return requests, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def run(binary, label, state, replicas, cluster, args):
    work = tempfile.mkdtemp(prefix="reactions-replicas-")
    os.makedirs(os.path.join(work, "config"))
    with open(os.path.join(work, "config", "bench.json"), "w") as f:
        json.dump(CONFIG, f)
    # The first applies the config; the others find it applied.
    servers = [start_serve(binary, state, work, "serve-0")]
    servers += [start_serve(binary, state, work, f"serve-{i}") for i in range(1, replicas)]
    time.sleep(1)
    pids = [p.pid for p, _ in servers]
    db_pids = cluster.pids() if cluster else []
    serve_cpu, db_cpu = cpu_seconds(pids), cpu_seconds(db_pids)
    started = time.monotonic()
    runs = [wrk(port, max(1, args.connections // replicas), args.seconds) for _, port in servers]
    outputs = [r.communicate()[0] for r in runs]
    elapsed = time.monotonic() - started
    serve_cpu, db_cpu = cpu_seconds(pids) - serve_cpu, cpu_seconds(db_pids) - db_cpu
    results = [parse(o) for o in outputs]
    total = sum(r[0] for r in results)
    errors = sum(r[2] for r in results)
    p99 = max(r[1] for r in results)
    for p, _ in servers:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
    print(f"{label:<22} {total / elapsed:>9,.0f} deploys/s  p99 {p99:>7.2f} ms  serve {serve_cpu / total * 1e6:>6.1f} µs/deploy"
          f"  postgres {db_cpu / total * 1e6 if cluster else 0:>6.1f} µs/deploy  non-2xx {errors}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "reactions"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cluster = Cluster()
    for _ in range(args.rounds):
        scratch = tempfile.mkdtemp(prefix="reactions-replicas-state-")
        run(args.binary, "sqlite, 1 serve", os.path.join(scratch, "state.db"), 1, None, args)
        shutil.rmtree(scratch, ignore_errors=True)
        run(args.binary, "postgresql, 1 serve", cluster.database(), 1, cluster, args)
        run(args.binary, "postgresql, 2 serves", cluster.database(), 2, cluster, args)


if __name__ == "__main__":
    main()
