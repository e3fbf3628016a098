#!/usr/bin/env bash
# Builds a libFuzzer target (with AddressSanitizer) and runs it for a while.
#   Tests/Fuzz/run.sh [parser|request|config] [seconds] [extra libFuzzer flags]
#     parser   the HTTP parser alone: whole and split inputs must agree
#     request  the whole request path of serve: parser, router, handlers, the state file
#     config   the config loader: parse, decode, validate, read back from the state document
# The modules are compiled by swiftc directly (SwiftPM cannot link libFuzzer's main into
# an executable target), each entry point inside the module whose internals it drives.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="parser"
case "${1:-}" in parser|request|config) target="$1"; shift ;; esac
seconds="${1:-60}"
shift || true
out="$root/.build/fuzz"
mods="$out/modules"
mkdir -p "$mods/CSystem" "$out/corpus-$target"
cd "$root"
san=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6)
files() { find "Sources/$1" -name '*.swift' | sort; }
module() { # name, extra sources...
  local name="$1"; shift
  swiftc "${san[@]}" -wmo -c -module-name "$name" -emit-module-path "$mods/$name.swiftmodule" \
    -I "$mods" -I "$mods/CSystem" -I Sources/CSQLite $(files "$name") "$@" -o "$out/$name.o"
}

case "$target" in
parser)
  swiftc "${san[@]}" Sources/HTTPServer/HTTPParser.swift Sources/HTTPServer/HeadParser.swift Sources/HTTPServer/HTTPRequest.swift \
    Sources/HTTPServer/HTTPParseError.swift Sources/HTTPServer/HTTPStatus.swift Sources/HTTPServer/RequestLineCheck.swift \
    Tests/Fuzz/HTTPParserFuzzer.swift -o "$out/parser-fuzzer"
  printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' > "$out/corpus-parser/get"
  printf 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' > "$out/corpus-parser/post"
  printf 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n' > "$out/corpus-parser/chunked"
  printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n' > "$out/corpus-parser/smuggle"
  ;;
config)
  module ReactionsCore Tests/Fuzz/ConfigLoaderFuzzer.swift
  swiftc "${san[@]}" "$out/ReactionsCore.o" -o "$out/config-fuzzer"
  for f in $(find examples Tests/Fuzz/config -name '*.json'); do cp "$f" "$out/corpus-config/$(echo "$f" | tr / _)"; done
  ;;
request)
  clang -O1 -g -fsanitize=fuzzer-no-link,address -c Sources/CSystem/csystem.c -I Sources/CSystem/include -o "$out/csystem.o"
  printf 'module CSystem {\n  header "%s/Sources/CSystem/include/csystem.h"\n  export *\n}\n' "$root" > "$mods/CSystem/module.modulemap"
  module HTTPServer
  module ReactionsCore
  module ReactionsStore
  module ReactionsRuntime Tests/Fuzz/RequestPathFuzzer.swift
  swiftc "${san[@]}" "$out/csystem.o" "$out/HTTPServer.o" "$out/ReactionsCore.o" "$out/ReactionsStore.o" "$out/ReactionsRuntime.o" \
    -lsqlite3 -o "$out/request-fuzzer"
  # A state with the fuzz config applied, by the real binary.
  [[ -x .build/debug/reactions ]] || swift build --product reactions
  rm -rf "$out/request-state" && mkdir -p "$out/request-state"
  .build/debug/reactions apply --config Tests/Fuzz/config --state "$out/request-state/state.db" --auto-approve >/dev/null
  export REACTIONS_FUZZ_STATE="$out/request-state/state.db"
  c="$out/corpus-request"
  deploy='{"service":"shopping_cart","description":"aaaa","deployed_at":"2019-02-01 13:28:33","deployer":{"email":"a@b.c"},"environment":"Production","deploy_number":"7","commit":{"branch":"release/1"}}'
  printf 'POST /integrations/deploy/5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#deploy}" "$deploy" > "$c/deploy"
  printf 'POST /hooks/open HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 24\r\n\r\nref=refs/heads/main&a=1&a' > "$c/form"
  printf 'POST /hooks/open?x=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{"ref":"refs/tags/v1"}' > "$c/json"
  printf 'POST /hooks/keyed HTTP/1.1\r\nHost: x\r\nX-Api-Key: k-123\r\nContent-Length: 2\r\n\r\n{}' > "$c/keyed"
  printf 'GET /api/v1/deploys?limit=3&service=shopping_cart HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fuzz-admin\r\n\r\n' > "$c/admin"
  printf 'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fuzz-admin\r\nContent-Length: 35\r\n\r\n{"type":"custom.x","data":{"a":1}}' > "$c/emit"
  printf 'GET /readyz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n' > "$c/health"
  # The runtime lives for the whole run (threads, caches): what it holds at exit is no leak.
  # A stall of the shared disk under fsync is not a finding; a deadlock would be.
  set -- -detect_leaks=0 -timeout=90 "$@"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
  ;;
esac
"$out/$target-fuzzer" -max_total_time="$seconds" -timeout=20 -max_len=8192 -artifact_prefix="$out/$target-" "$@" "$out/corpus-$target"
