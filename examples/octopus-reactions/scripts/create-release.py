#!/usr/bin/env python3
"""Creates a release when MyGet publishes a package (seed 000's external trigger).

reactions runs this without a shell in between: argv[1] and argv[2] are the package id
and version exactly as the payload had them, the whole event is CloudEvents JSON on
stdin, and REACTIONS_QUERY_<NAME> holds each query-string parameter of the webhook call.
"""
import json
import os
import shutil
import subprocess
import sys
import urllib.request

package, version = sys.argv[1], sys.argv[2]
event = json.load(sys.stdin)
print(f"creating release {version} of {package} (event {event.get('id', 'unknown')})")

request = urllib.request.Request(
    "https://releases.example.com/api/releases",
    data=json.dumps({"package": package, "version": version}).encode(),
    headers={"Authorization": f"Bearer {os.environ['RELEASE_API_TOKEN']}", "Content-Type": "application/json"},
    method="POST",
)
with urllib.request.urlopen(request, timeout=30) as response:
    print(f"release API answered {response.status}")

# Tell everyone else through reactions itself (the bootstrapped API client).
if shutil.which("reactions") and os.environ.get("REACTIONS_API_URL"):
    subprocess.run(["reactions", "emit", "custom.release.created",
                    "--data", json.dumps({"package": package, "version": version})], check=True)
