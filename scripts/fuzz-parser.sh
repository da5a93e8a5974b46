#!/usr/bin/env bash
# Builds the libFuzzer target for HTTPServer's request parser (Fuzz/RequestParser) and runs it.
# Usage (see scripts/lib/libfuzzer.sh):
#   scripts/fuzz-parser.sh --ci [extra libFuzzer flags…]
#       The CI gate: seed FUZZ_SEED (1), FUZZ_RUNS (300000) inputs from Fuzz/corpus/request-parser.
#   scripts/fuzz-parser.sh [SECONDS=60] [extra libFuzzer flags…]
#       Exploration, outside CI: a new seed each run, growing .build-fuzz/corpus. Merge what it
#       found into the committed seeds with `-merge=1` (see docs/operations.md) and turn every crash into a
#       regression test in Tests/HTTPServerTests/RequestParserRegressionTests.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=fuzz-parser OUT=.build-fuzz SEEDS=Fuzz/corpus/request-parser BINARY=fuzz-request-parser DEFAULT_RUNS=300000
. scripts/lib/libfuzzer.sh

build_target() {
  local sources=(RequestParser RequestParser+Head RequestParser+Chunked RequestError RequestBodyFraming HTTPRequestHead
                 HTTPHeaders HTTPMethod HTTPVersion HTTPStatus HTTPQueryItem HTTPLimits)
  swiftc -O -sanitize=fuzzer,address -use-ld=lld -parse-as-library -module-name HTTPServerFuzz \
    $(printf 'Sources/HTTPServer/%s.swift ' "${sources[@]}") Fuzz/RequestParser/FuzzRequestParser.swift -o "$OUT/$BINARY"
}

fuzz_run "$@"
