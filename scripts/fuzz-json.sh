#!/usr/bin/env bash
# Builds the libFuzzer target for a POST /runs body — BackpropService's JSON reader and the run
# request's validation (Fuzz/JSONBody/FuzzJSONBody.swift says what it checks) — and runs it.
# Usage:
#   scripts/fuzz-json.sh --ci [extra libFuzzer flags…]
#       The CI gate (scripts/ci-reliability): a fixed seed (FUZZ_SEED, default 1) and a fixed
#       number of inputs (FUZZ_RUNS, default 600000: 40–65 s on the 2-core Xeon here, busy or not) from the committed corpus
#       alone, in a fresh working directory, no corpus reloads: the same inputs on every run.
#   scripts/fuzz-json.sh [SECONDS=60] [extra libFuzzer flags…]
#       Exploration, outside CI: a new seed each run (printed; FUZZ_SEED=N repeats one), growing
#       the working corpus in .build-fuzz-json/corpus. Merge what it found into the committed
#       seeds with `-merge=1` (README) and turn every crash into a test in
#       Tests/BackpropServiceTests (JSONParserTests, RunRequestValidationTests).
# Crashes land in .build-fuzz-json/crash-*. Exits non-zero when the fuzzer finds a crash, a
# sanitizer report, a leak, a timeout or an out-of-memory, or does not finish its run. Needs only
# the Swift toolchain (its clang runtime ships libFuzzer and ASan) and ld.lld.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/require-packages.sh
OUT=.build-fuzz-json
SEEDS=../Fuzz/corpus/json-body
if [ "${1:-}" = --ci ]; then
  shift
  mode=ci
  seed=${FUZZ_SEED:-1}
  # -reload=0: libFuzzer otherwise rereads its corpus directory every second, and what it finds
  # there depends on timing.
  budget=(-runs="${FUZZ_RUNS:-600000}" -reload=0)
  corpus=ci-corpus
else
  mode=explore
  SECONDS_TO_RUN=60
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then SECONDS_TO_RUN=$1; shift; fi
  seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
  budget=(-max_total_time="$SECONDS_TO_RUN")
  corpus=corpus
fi
command -v swiftc >/dev/null || { echo "fuzz-json: swiftc not on PATH (install the Swift toolchain)" >&2; exit 1; }
toolchain_bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
[ -x "$toolchain_bin/ld.lld" ] || require_packages ld.lld:lld
mkdir -p "$OUT/corpus"
rm -rf "$OUT/ci-corpus" && mkdir "$OUT/ci-corpus"
rm -f "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-*
# Two modules, as in the package: the engine types a request is described with, then the
# service's reader, validation and problems (no HTTPServer, no training).
ENGINE=(Matrix Dataset TrialSpec Sweep TrainingLimits ValidationIssue)
SERVICE=(JSONParser JSONDocument JSONValue JSONWriter RunRequest RunRequest+Validation Problem ServiceLimits)
flags=(-O -sanitize=fuzzer,address -parse-as-library)
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name Backprop -emit-module-path "$OUT/Backprop.swiftmodule" \
  $(printf 'Sources/Backprop/%s.swift ' "${ENGINE[@]}") -o "$OUT/libBackprop.a"
swiftc "${flags[@]}" -use-ld=lld -module-name BackpropServiceFuzz -I "$OUT" -L "$OUT" -lBackprop \
  $(printf 'Sources/BackpropService/%s.swift ' "${SERVICE[@]}") Fuzz/JSONBody/FuzzJSONBody.swift -o "$OUT/fuzz-json-body"
cd "$OUT"
echo "fuzz-json: $mode mode, seed $seed, ${budget[*]}, from $(ls $SEEDS | wc -l) committed seeds + $(ls $corpus | wc -l) inputs in $OUT/$corpus"
status=0
# The same seed replays the same inputs only if the code under test behaves the same: Swift seeds
# Dictionary/Set hashing per process (fixed by SWIFT_DETERMINISTIC_HASHING), and with address
# randomization the pointer comparisons libFuzzer traces differ between runs (setarch -R turns it
# off, where the sandbox allows; two runs with one seed then end on the same DONE line).
norandom=(setarch "$(uname -m)" -R)
"${norandom[@]}" true 2>/dev/null || { norandom=(); echo "fuzz-json: setarch -R refused here: runs with one seed may diverge"; }
SWIFT_DETERMINISTIC_HASHING=1 "${norandom[@]}" ./fuzz-json-body -seed="$seed" "${budget[@]}" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -artifact_prefix=./ "$@" "$corpus" $SEEDS >fuzz.log 2>&1 || status=$?
grep -E "^(#[0-9]+[[:space:]]+(DONE|INITED)|Done|stat::number_of_executed_units|==[0-9]+== ?ERROR|SUMMARY)" fuzz.log || true
artifacts=$(ls crash-* leak-* timeout-* oom-* 2>/dev/null || true)
if [ "$status" != 0 ] || [ -n "$artifacts" ]; then
  echo "fuzz-json: FAILED (exit $status); see $OUT/fuzz.log${artifacts:+ and: $artifacts}" >&2
  echo "fuzz-json: repeat this run: FUZZ_SEED=$seed scripts/fuzz-json.sh $([ $mode = ci ] && echo --ci || echo "$SECONDS_TO_RUN")" >&2
  grep -m1 -A30 -E "==[0-9]+== ?ERROR|Fatal error|Precondition failed|deadly signal" fuzz.log >&2 || tail -30 fuzz.log >&2
  exit 1
fi
grep -q "stat::number_of_executed_units" fuzz.log || { echo "fuzz-json: did not finish cleanly: see $OUT/fuzz.log" >&2; exit 1; }
echo "fuzz-json: $(sed -n 's/^stat::number_of_executed_units: *//p' fuzz.log) inputs run, working corpus now $(ls $corpus | wc -l) inputs"
