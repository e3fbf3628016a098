#!/usr/bin/env python3
"""Event -> delivered latency (issue 4): deploys posted to `reactions serve` at a fixed
rate, each firing one `http` reaction to a loopback receiver; the latency of a deploy is
from the moment it was due to be sent (open loop, so a stall counts against us) to the
moment its rendered request reached the receiver.

    swift build -c release
    python3 Tests/Benchmarks/delivery_latency.py --rates 100,1000 --seconds 10
    python3 Tests/Benchmarks/delivery_latency.py --postgres --replicas 2    # issue 13

With --postgres the state is a database in a throwaway cluster (see pgcluster.py), and
--replicas N serves share it, the senders' connections spread over them; each event is
delivered once, by whichever replica claims it.

Prints one line per rate: sent, delivered, p50/p90/p99/max in ms, and the server's RSS.
"""
import argparse, asyncio, json, os, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENDPOINT_ID = "5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A minimal keep-alive HTTP/1.1 server that timestamps each request by its `seq`."""

    def __init__(self):
        self.arrivals = {}
        self.duplicates = 0

    async def handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                now = time.monotonic()
                try:
                    seq = int(json.loads(body)["seq"].split("-")[1])
                    if seq in self.arrivals:
                        self.duplicates += 1
                    self.arrivals.setdefault(seq, now)
                except Exception:
                    pass
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


def config(receiver_port):
    return {
        "version": 1,
        "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
        "endpoints": [{"name": "bench", "kind": "deploy", "id": ENDPOINT_ID}],
        "reactions": [{
            "name": "mark",
            "when": {"events": ["deploy.succeeded"], "filter": {"service": "shopping-cart"}},
            "then": {"http": {"method": "POST", "url": f"http://127.0.0.1:{receiver_port}/markers",
                              "body": {"seq": "#{deploy.description}", "service": "#{event.service}"}}},
        }],
    }


def deploy_body(seq):
    return json.dumps({"service": "shopping_cart", "description": f"seq-{seq}", "deployed_at": "2026-11-22 10:00:00",
                       "environment": "Production", "deployer": {"email": "ci@example.com"}, "dedup_id": f"bench-{seq}"}).encode()


async def sender(port, queue, sent, acked):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while True:
        item = await queue.get()
        if item is None:
            break
        seq, due = item
        body = deploy_body(seq)
        writer.write(b"POST /integrations/deploy/" + ENDPOINT_ID.encode() + b" HTTP/1.1\r\nHost: bench\r\n"
                     b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        sent[seq] = due
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        acked[seq] = time.monotonic()
        if not head.startswith(b"HTTP/1.1 202"):
            print("unexpected answer:", head.split(b"\r\n")[0], file=sys.stderr)
    writer.close()


async def run_rate(binary, rate, seconds, connections, offset, cluster=None, replicas=1):
    receiver = Receiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver_port = server.sockets[0].getsockname()[1]
    work = tempfile.mkdtemp(prefix="reactions-latency-")
    os.makedirs(os.path.join(work, "config"))
    with open(os.path.join(work, "config", "bench.json"), "w") as f:
        json.dump(config(receiver_port), f)
    state = cluster.database() if cluster else os.path.join(work, "state.db")
    procs, ports = [], []
    for n in range(replicas):
        port = free_port()
        procs.append(subprocess.Popen([binary, "serve", "--config", os.path.join(work, "config"), "--state", state,
                                       "--listen", f"127.0.0.1:{port}", "--no-request-log"],
                                      stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"serve-{n}.log"), "w")))
        ports.append(port)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    queue = asyncio.Queue()
    sent, acked = {}, {}
    tasks = [asyncio.create_task(sender(ports[i % replicas], queue, sent, acked)) for i in range(connections)]
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    for i in range(total):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((offset + i, due))
    for _ in tasks:
        queue.put_nowait(None)
    await asyncio.gather(*tasks)
    deadline = time.monotonic() + 10
    while len(receiver.arrivals) < total and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    rss = 0
    for proc in procs:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        rss = max(rss, int(line.split()[1]) / 1024)
        except OSError:
            pass
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    server.close()
    latencies = sorted((receiver.arrivals[s] - sent[s]) * 1000 for s in sent if s in receiver.arrivals)
    acks = sorted((acked[s] - sent[s]) * 1000 for s in acked)
    shutil.rmtree(work, ignore_errors=True)

    def pct(p, values=latencies):
        return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")

    duplicates = receiver.duplicates
    print(f"{'postgresql' if cluster else 'sqlite'} x{replicas}  rate {rate}/s  sent {len(sent)}  delivered {len(latencies)}  p50 {pct(0.50):.2f} ms  p90 {pct(0.90):.2f} ms  "
          f"p99 {pct(0.99):.2f} ms  max {latencies[-1] if latencies else float('nan'):.2f} ms  server peak RSS {rss:.0f} MB  "
          f"(202 answered: p50 {pct(0.5, acks):.2f} ms, p99 {pct(0.99, acks):.2f} ms)  delivered twice {duplicates}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "reactions"))
    parser.add_argument("--rates", default="100,1000")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgres", action="store_true", help="a PostgreSQL state (a throwaway cluster)")
    parser.add_argument("--replicas", type=int, default=1)
    args = parser.parse_args()
    cluster = None
    if args.postgres:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from pgcluster import Cluster
        cluster = Cluster()
    for n, rate in enumerate(int(r) for r in args.rates.split(",")):
        asyncio.run(run_rate(args.binary, rate, args.seconds, args.connections, n * 10_000_000, cluster, args.replicas))


if __name__ == "__main__":
    main()
