#!/usr/bin/env bash
# Builds the HTTP parser with libFuzzer and runs it for a while (default 60 s).
# The parser's files are pure Swift, so swiftc builds them directly with the fuzzer.
#   Tests/Fuzz/run.sh [seconds] [extra libFuzzer flags]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build/fuzz"
mkdir -p "$out/corpus"
cd "$root"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
  Sources/HTTPServer/HTTPParser.swift Sources/HTTPServer/HeadParser.swift Sources/HTTPServer/HTTPRequest.swift \
  Sources/HTTPServer/HTTPParseError.swift Sources/HTTPServer/HTTPStatus.swift Tests/Fuzz/HTTPParserFuzzer.swift \
  -o "$out/http-parser-fuzzer"
# Seeds: a few well-formed and malformed requests.
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' > "$out/corpus/get"
printf 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' > "$out/corpus/post"
printf 'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n' > "$out/corpus/chunked"
printf 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n' > "$out/corpus/smuggle"
seconds="${1:-60}"
shift || true
"$out/http-parser-fuzzer" -max_total_time="$seconds" -max_len=4096 "$@" "$out/corpus"
