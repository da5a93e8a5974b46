#!/usr/bin/env bash
# Builds the libFuzzer target for HTTPServer's request parser and runs it.
# Usage:
#   scripts/fuzz-parser.sh --ci [extra libFuzzer flags…]
#       The CI gate (scripts/ci-reliability): a fixed seed (FUZZ_SEED, default 1) and a fixed
#       number of inputs (FUZZ_RUNS, default 300000) from the committed corpus alone, in a fresh
#       working directory, no corpus reloads: the same inputs on every run and every machine,
#       whatever its speed (the final `DONE cov: … ft: … corp: …` line is the same each time).
#   scripts/fuzz-parser.sh [SECONDS=60] [extra libFuzzer flags…]
#       Exploration, outside CI: a new seed each run (printed; FUZZ_SEED=N repeats one), for
#       SECONDS, growing the working corpus in .build-fuzz/corpus. Merge what it found into the
#       committed seeds with `-merge=1` (see README) and turn every crash into a regression test
#       in Tests/HTTPServerTests/RequestParserRegressionTests.swift.
# Crashes land in .build-fuzz/crash-*. Exits non-zero when the fuzzer finds a crash, a sanitizer
# report, a leak, a timeout or an out-of-memory, or does not finish its run. Needs only the Swift
# toolchain: its clang runtime ships libFuzzer and ASan, and its bin directory ld.lld (installed
# from Debian when a toolchain lacks it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/require-packages.sh
OUT=.build-fuzz
SEEDS=../Fuzz/corpus/request-parser
if [ "${1:-}" = --ci ]; then
  shift
  mode=ci
  seed=${FUZZ_SEED:-1}
  # -reload=0: libFuzzer otherwise rereads its corpus directory every second, and what it finds
  # there depends on timing (two runs with one seed parted after ~50,000 inputs; with it, 120,000
  # inputs gave identical progress lines).
  budget=(-runs="${FUZZ_RUNS:-300000}" -reload=0)
  corpus=ci-corpus
else
  mode=explore
  SECONDS_TO_RUN=60
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then SECONDS_TO_RUN=$1; shift; fi
  seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
  budget=(-max_total_time="$SECONDS_TO_RUN")
  corpus=corpus
fi
command -v swiftc >/dev/null || { echo "fuzz-parser: swiftc not on PATH (install the Swift toolchain)" >&2; exit 1; }
toolchain_bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
[ -x "$toolchain_bin/ld.lld" ] || require_packages ld.lld:lld
mkdir -p "$OUT/corpus"
rm -rf "$OUT/ci-corpus" && mkdir "$OUT/ci-corpus"
rm -f "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-*
SOURCES=(RequestParser.swift RequestParser+Head.swift RequestParser+Chunked.swift RequestError.swift RequestBodyFraming.swift HTTPRequestHead.swift
         HTTPHeaders.swift HTTPMethod.swift HTTPVersion.swift HTTPStatus.swift HTTPQueryItem.swift HTTPLimits.swift)
swiftc -O -sanitize=fuzzer,address -use-ld=lld -parse-as-library -module-name HTTPServerFuzz \
  "${SOURCES[@]/#/Sources/HTTPServer/}" Fuzz/RequestParser/FuzzRequestParser.swift -o "$OUT/fuzz-request-parser"
cd "$OUT"
echo "fuzz-parser: $mode mode, seed $seed, ${budget[*]}, from $(ls $SEEDS | wc -l) committed seeds + $(ls $corpus | wc -l) inputs in $OUT/$corpus"
status=0
./fuzz-request-parser -seed="$seed" "${budget[@]}" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -artifact_prefix=./ "$@" "$corpus" $SEEDS >fuzz.log 2>&1 || status=$?
grep -E "^(#[0-9]+ +(DONE|INITED)|Done|stat::number_of_executed_units|==[0-9]+== ?ERROR|SUMMARY)" fuzz.log || true
artifacts=$(ls crash-* leak-* timeout-* oom-* 2>/dev/null || true)
if [ "$status" != 0 ] || [ -n "$artifacts" ]; then
  echo "fuzz-parser: FAILED (exit $status); see $OUT/fuzz.log${artifacts:+ and: $artifacts}" >&2
  echo "fuzz-parser: repeat this run: FUZZ_SEED=$seed scripts/fuzz-parser.sh $([ $mode = ci ] && echo --ci || echo "$SECONDS_TO_RUN")" >&2
  grep -m1 -A30 -E "==[0-9]+== ?ERROR|Fatal error|Precondition failed|deadly signal" fuzz.log >&2 || tail -30 fuzz.log >&2
  exit 1
fi
grep -q "stat::number_of_executed_units" fuzz.log || { echo "fuzzer did not finish cleanly: see $OUT/fuzz.log" >&2; exit 1; }
echo "fuzz-parser: $(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log) inputs run, working corpus now $(ls $corpus | wc -l) inputs"
