#!/usr/bin/env python3
"""Plan/apply benchmark for the reconciler (issue 2).

Generates configs of N reactions (plus services, endpoints and integrations in
proportion), then times, on the release binary:
  plan      — first plan against an empty state
  apply     — first apply (--auto-approve) into an empty state
  noop-plan — plan again after the apply (nothing to change)
  change    — plan after editing 1% of the reactions
and reports wall time (best of --repeat) and peak RSS of each run.

Usage: python3 Tests/Benchmarks/plan_apply.py [--sizes 1000,10000,50000] [--repeat 3]
Build first: swift build -c release
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def generate(directory, reactions, files=10):
    """N reactions spread over `files` documents, in the shapes users write."""
    services = max(10, reactions // 20)
    os.makedirs(os.path.join(directory, "scripts"), exist_ok=True)
    with open(os.path.join(directory, "scripts", "notify.sh"), "w") as f:
        f.write("#!/bin/sh\necho \"$1\"\n")
    docs = [{"version": 1} for _ in range(files)]
    docs[0]["services"] = [{"name": f"svc-{i}", "aliases": [f"svc_{i}"], "owner": f"team-{i % 17}"} for i in range(services)]
    docs[0]["endpoints"] = [{"name": "ci", "kind": "deploy"},
                            {"name": "hook", "kind": "webhook", "path": "/triggers/hook", "auth": {"api_key": {"secret": "HOOK_KEY"}}}]
    docs[0]["integrations"] = [{"name": "nr", "template": "newrelic-deployment",
                                "settings": {"application_id": "1", "api_key": {"secret": "NR_KEY"}}}]
    for i in range(reactions):
        kind = i % 4
        if kind == 0:
            then = {"http": {"url": f"https://monitor.example.com/api/annotations/{i}",
                             "headers": {"Authorization": "Bearer #{secret.MONITOR_TOKEN}"},
                             "body": {"text": "#{deploy.service} #{deploy.deploy_number}", "tags": ["#{deploy.environment}"]}}}
            when = {"events": ["deploy.succeeded", "deploy.failed"], "filter": {"service": f"svc-{i % services}", "environment": "Production"}}
        elif kind == 1:
            then = {"integration": "nr", "overrides": {"revision": "#{deploy.commit.sha | default: \"x\"}"}}
            when = {"events": ["deploy.succeeded"], "filter": {"service": f"svc-{i % services}"}}
        elif kind == 2:
            then = {"script": {"path": "scripts/notify.sh", "args": ["#{payload.PackageIdentifier}"], "timeout": "30s"}}
            when = {"endpoint": "hook", "filter": {"payload.PackageIdentifier": {"glob": f"Pkg{i}.*"}}}
        else:
            then = {"http": {"method": "PUT", "url": f"https://hooks.example.com/r/{i}?env=#{{deploy.environment | url}}", "timeout": "5s"}}
            when = {"events": ["deploy.*"], "filter": {"deploy.commit.branch": {"prefix": "release/"}}}
        docs[1 + i % (files - 1)].setdefault("reactions", []).append({"name": f"reaction-{i}", "when": when, "then": then})
    for n, doc in enumerate(docs):
        with open(os.path.join(directory, f"part-{n:02}.json"), "w") as f:
            json.dump(doc, f, indent=2)


def run(binary, args, env):
    """Runs one command; returns (seconds, peak RSS in MiB of that child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    # Each run is a separate child; ru_maxrss of children is the max over all of them,
    # so measure through a fresh helper process to isolate this child's peak.
    wrapper = [sys.executable, "-c",
               "import resource,subprocess,sys;"
               "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
               "sys.stderr.write(r.stderr.decode()[-2000:]);"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
               "sys.exit(r.returncode)", binary] + args
    result = subprocess.run(wrapper, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 2):
        sys.exit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    _ = before
    return elapsed, int(result.stdout.strip() or 0) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "reactions"))
    opts = parser.parse_args()
    if not os.access(opts.binary, os.X_OK):
        sys.exit(f"no binary at {opts.binary}; run `swift build -c release` first")
    env = dict(os.environ, NO_COLOR="1", REACTIONS_ACTOR="bench")
    rows = []
    for size in [int(s) for s in opts.sizes.split(",")]:
        work = tempfile.mkdtemp(prefix=f"reactions-bench-{size}-")
        config = os.path.join(work, "config")
        generate(config, size)
        results = {}
        for step in ["plan", "apply", "noop-plan", "change-plan"]:
            best = None
            for _ in range(opts.repeat):
                state = os.path.join(work, "state.db")
                if step in ("plan", "apply"):
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(state + suffix):
                            os.remove(state + suffix)
                args = {"plan": ["plan", "--config", config, "--state", state],
                        "apply": ["apply", "--config", config, "--state", state, "--auto-approve"],
                        "noop-plan": ["plan", "--config", config, "--state", state, "--detailed-exitcode"],
                        "change-plan": ["plan", "--config", config + "-changed", "--state", state]}[step]
                if step == "change-plan" and not os.path.exists(config + "-changed"):
                    shutil.copytree(config, config + "-changed")
                    for name in os.listdir(config + "-changed"):
                        path = os.path.join(config + "-changed", name)
                        if name.endswith(".json"):
                            text = open(path).read().replace('"timeout": "5s"', '"timeout": "6s"', max(1, size // 400))
                            open(path, "w").write(text)
                seconds, rss = run(opts.binary, args, env)
                if best is None or seconds < best[0]:
                    best = (seconds, rss)
            results[step] = best
        size_on_disk = sum(os.path.getsize(os.path.join(config, f)) for f in os.listdir(config) if f.endswith(".json"))
        rows.append((size, size_on_disk, results))
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'reactions':>10} {'config':>9} | " + " | ".join(f"{s:>20}" for s in ["plan", "apply", "noop-plan", "change-plan"]))
    for size, disk, results in rows:
        cells = [f"{results[s][0]:7.3f}s {results[s][1]:7.1f}MiB" for s in ["plan", "apply", "noop-plan", "change-plan"]]
        print(f"{size:>10} {disk / 1e6:7.1f}MB | " + " | ".join(f"{c:>20}" for c in cells))
    if len(rows) > 1:
        base = next((r for r in rows if r[0] == 10000), rows[0])
        for size, _, results in rows:
            ratio = results["plan"][0] / base[2]["plan"][0]
            print(f"plan time at {size} reactions = {ratio:.2f}x the time at {base[0]}")


if __name__ == "__main__":
    main()
