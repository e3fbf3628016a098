#!/usr/bin/env python3
"""What one hostile client costs everyone else (issue 11), measured on a release build.

For each binary given (to compare builds side by side), on a fresh state:

  regex    the 202 latency of ordinary deploys while 20 webhooks whose payloads are
           catastrophic for a backtracking regex engine ((a+)+$, ^(a|aa)+$, ^.*a.*a.*a.*a.*!)
           arrive at the same time
  rss      serve's resident memory before and after 50 clients each pipeline up to
           60,000 GET /metrics (400 per write) without ever reading an answer
  pipeline 100,000 pipelined GET /healthz in one write: answered, and the time taken

    swift build -c release
    python3 Tests/Benchmarks/hostile.py .build/release/reactions [OTHER_BINARY ...]
"""
import json, os, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

CONFIG = {
    "version": 1,
    "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
    "endpoints": [{"name": "ci", "kind": "deploy", "id": "5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11"},
                  {"name": "hooks", "kind": "webhook", "path": "/hooks", "auth": "none"}],
    "reactions": [
        {"name": f"redos-{i}", "when": {"endpoint": "hooks", "filter": {"payload.value": {"regex": pattern}}},
         "then": {"script": {"path": "run.sh"}}}
        for i, pattern in enumerate(["(a+)+$", "^(a|aa)+$", "^.*a.*a.*a.*a.*!"])
    ],
}
DEPLOY = json.dumps({"service": "shopping_cart", "description": "d", "deployed_at": "2019-02-01 13:28:33",
                     "deployer": {"email": "a@example.com"}, "environment": "Production"}).encode()


def start(binary, directory):
    os.makedirs(f"{directory}/config", exist_ok=True)
    json.dump(CONFIG, open(f"{directory}/config/main.json", "w"))
    open(f"{directory}/config/run.sh", "w").write("#!/bin/sh\nexit 0\n")
    process = subprocess.Popen([binary, "serve", "--config", f"{directory}/config", "--state", f"{directory}/state.db",
                                "--listen", "127.0.0.1:0", "--no-request-log"], stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if '"address"' in line:
            port = int(line.split("127.0.0.1:")[1].split('"')[0])
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
            return process, port
    raise SystemExit(f"{binary} did not start")


def post(port, path, body, content_type="application/json"):
    started = time.perf_counter()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0  # timed out or refused: counted at the time it took to give up
    return status, time.perf_counter() - started


def regex(port):
    deploy_path = "/integrations/deploy/5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11"
    quiet = sorted(post(port, deploy_path, DEPLOY)[1] for _ in range(50))
    hostile = json.dumps({"value": "a" * 200 + "!"}).encode()
    webhooks = [threading.Thread(target=post, args=(port, "/hooks", hostile)) for _ in range(20)]
    for thread in webhooks:
        thread.start()
    during = []
    started = time.perf_counter()
    # A build that matches by backtracking inside the writer can stall every deploy for good:
    # stop after 60 s, each stalled deploy counted at the 30 s its client waited.
    while any(thread.is_alive() for thread in webhooks) or len(during) < 50:
        during.append(post(port, deploy_path, DEPLOY)[1])
        if len(during) > 5000 or time.perf_counter() - started > 60:
            break
    for thread in webhooks:
        thread.join()
    during.sort()
    return {"deploy 202 p50 quiet ms": round(quiet[len(quiet) // 2] * 1000, 2),
            "deploys answered during": len(during),
            "deploy 202 max during 20 ReDoS webhooks ms": round(during[-1] * 1000, 2),
            "deploy 202 p50 during ms": round(during[len(during) // 2] * 1000, 2)}


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
    return 0


def memory(port, pid):
    # Batches of 400: builds before issue 11 crash on ~435 pipelined requests read at once.
    warm = socket.create_connection(("127.0.0.1", port))
    for _ in range(5):
        warm.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 400)
        received = 0
        while received < 400:
            received += warm.recv(1 << 20).count(b"HTTP/1.1 ")
    before = rss_kb(pid)
    request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 400
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]

    def push(client):
        client.settimeout(0.2)
        for _ in range(150):
            try:
                client.send(request)
            except OSError:
                return

    threads = [threading.Thread(target=push, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = rss_kb(pid)
    peak = 0
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            peak = int(line.split()[1])
    for client in clients:
        client.close()
    return {"RSS before MB": round(before / 1024, 1), "RSS after 50 clients MB": round(after / 1024, 1),
            "peak RSS MB": round(peak / 1024, 1)}


def pipeline(port, process):
    client = socket.create_connection(("127.0.0.1", port))
    client.settimeout(60)
    started = time.perf_counter()
    threading.Thread(target=lambda: client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 100_000), daemon=True).start()
    answered = 0
    try:
        while answered < 100_000:
            chunk = client.recv(1 << 20)
            if not chunk:
                break
            answered += chunk.count(b"HTTP/1.1 ")
    except OSError:
        pass
    time.sleep(0.2)
    return {"pipelined answered": answered, "pipelined seconds": round(time.perf_counter() - started, 2),
            "serve alive": process.poll() is None}


def main():
    binaries = sys.argv[1:] or [".build/release/reactions"]
    results = {}
    for binary in binaries:
        row = {}
        for name in ["regex", "rss", "pipeline"]:
            with tempfile.TemporaryDirectory() as directory:
                process, port = start(binary, directory)
                try:
                    if name == "regex":
                        row.update(regex(port))
                    elif name == "rss":
                        row.update(memory(port, process.pid))
                    else:
                        row.update(pipeline(port, process))
                finally:
                    process.kill()
                    process.wait()
        results[binary] = row
    keys = list(dict.fromkeys(k for row in results.values() for k in row))
    print("| measure | " + " | ".join(results) + " |")
    print("| --- |" + " ---: |" * len(results))
    for key in keys:
        print(f"| {key} | " + " | ".join(str(row.get(key, "")) for row in results.values()) + " |")


if __name__ == "__main__":
    main()
