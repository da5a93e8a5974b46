#!/usr/bin/env bash
# Builds the libFuzzer target for HTTPServer's request parser and runs it.
# Usage: scripts/fuzz-parser.sh [SECONDS=60] [extra libFuzzer flags...]
#   Seeds: Fuzz/corpus/request-parser (committed). The working corpus grows in
#   .build-fuzz/corpus; crashes land in .build-fuzz/crash-* (turn each into a regression test in
#   Tests/HTTPServerTests/RequestParserRegressionTests.swift). Prints libFuzzer's exec count.
# Exits non-zero when the fuzzer finds a crash, a sanitizer report, a leak or a timeout, or does
# not finish its run. Needs only the Swift toolchain: its clang runtime ships libFuzzer and ASan,
# and its bin directory ld.lld (installed from Debian when a toolchain lacks it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/require-packages.sh
SECONDS_TO_RUN="${1:-60}"; shift || true
OUT=.build-fuzz
command -v swiftc >/dev/null || { echo "fuzz-parser: swiftc not on PATH (install the Swift toolchain)" >&2; exit 1; }
toolchain_bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
[ -x "$toolchain_bin/ld.lld" ] || require_packages ld.lld:lld
mkdir -p "$OUT/corpus"
rm -f "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-*
SOURCES=(RequestParser.swift RequestParser+Head.swift RequestParser+Chunked.swift RequestError.swift RequestBodyFraming.swift HTTPRequestHead.swift
         HTTPHeaders.swift HTTPMethod.swift HTTPVersion.swift HTTPStatus.swift HTTPQueryItem.swift HTTPLimits.swift)
swiftc -O -sanitize=fuzzer,address -use-ld=lld -parse-as-library -module-name HTTPServerFuzz \
  "${SOURCES[@]/#/Sources/HTTPServer/}" Fuzz/RequestParser/FuzzRequestParser.swift -o "$OUT/fuzz-request-parser"
cd "$OUT"
echo "fuzz-parser: ${SECONDS_TO_RUN}s from $(ls ../Fuzz/corpus/request-parser | wc -l) seeds + $(ls corpus | wc -l) inputs in $OUT/corpus"
status=0
./fuzz-request-parser -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -artifact_prefix=./ "$@" corpus ../Fuzz/corpus/request-parser >fuzz.log 2>&1 || status=$?
grep -E "^(#[0-9]+ +(DONE|INITED)|Done|stat::number_of_executed_units|==[0-9]+== ?ERROR|SUMMARY)" fuzz.log || true
artifacts=$(ls crash-* leak-* timeout-* oom-* 2>/dev/null || true)
if [ "$status" != 0 ] || [ -n "$artifacts" ]; then
  echo "fuzz-parser: FAILED (exit $status); see $OUT/fuzz.log${artifacts:+ and: $artifacts}" >&2
  grep -m1 -A30 -E "==[0-9]+== ?ERROR|Fatal error|Precondition failed|deadly signal" fuzz.log >&2 || tail -30 fuzz.log >&2
  exit 1
fi
grep -q "stat::number_of_executed_units" fuzz.log || { echo "fuzzer did not finish cleanly: see $OUT/fuzz.log" >&2; exit 1; }
echo "fuzz-parser: corpus now $(ls corpus | wc -l) inputs"
