#!/bin/sh
# Runs with no shell in between: arguments arrive as they are, the event JSON on stdin.
set -eu
printf '%s deployed %s #%s to %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "$3" >> "${DEPLOY_LOG:-/tmp/reactions-deploys.log}"
