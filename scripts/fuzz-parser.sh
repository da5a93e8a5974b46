#!/usr/bin/env bash
# Builds the libFuzzer target for HTTPServer's request parser and runs it.
# Usage: scripts/fuzz-parser.sh [SECONDS=60] [extra libFuzzer flags...]
#   Seeds: Fuzz/corpus/request-parser (committed). The working corpus grows in
#   .build-fuzz/corpus; crashes land in .build-fuzz/crash-* (turn each into a regression test in
#   Tests/HTTPServerTests/RequestParserRegressionTests.swift). Prints libFuzzer's exec count.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"; shift || true
OUT=.build-fuzz
mkdir -p "$OUT/corpus"
SOURCES=(RequestParser.swift RequestParser+Head.swift RequestParser+Chunked.swift RequestError.swift RequestBodyFraming.swift HTTPRequestHead.swift
         HTTPHeaders.swift HTTPMethod.swift HTTPVersion.swift HTTPStatus.swift HTTPQueryItem.swift HTTPLimits.swift)
swiftc -O -sanitize=fuzzer,address -use-ld=lld -parse-as-library -module-name HTTPServerFuzz \
  "${SOURCES[@]/#/Sources/HTTPServer/}" Fuzz/RequestParser/FuzzRequestParser.swift -o "$OUT/fuzz-request-parser"
cd "$OUT"
./fuzz-request-parser -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=./ "$@" corpus ../Fuzz/corpus/request-parser 2>&1 | tee fuzz.log | grep -E "^(#[0-9]+ +(DONE|INITED)|Done|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
grep -q "stat::number_of_executed_units" fuzz.log || { echo "fuzzer did not finish cleanly: see $OUT/fuzz.log" >&2; exit 1; }
