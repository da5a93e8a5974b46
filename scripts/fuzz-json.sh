#!/usr/bin/env bash
# Builds the libFuzzer target for a POST /runs body — BackpropService's JSON reader and the run
# request's validation (Fuzz/JSONBody/FuzzJSONBody.swift says what it checks) — and runs it.
# Usage (see scripts/lib/libfuzzer.sh):
#   scripts/fuzz-json.sh --ci [extra libFuzzer flags…]
#       The CI gate: seed FUZZ_SEED (1), FUZZ_RUNS (600000) inputs from Fuzz/corpus/json-body.
#   scripts/fuzz-json.sh [SECONDS=60] [extra libFuzzer flags…]
#       Exploration, outside CI: a new seed each run, growing .build-fuzz-json/corpus. Merge what
#       it found into the committed seeds with `-merge=1` (see docs/operations.md) and turn every crash into a
#       test in Tests/BackpropServiceTests (JSONParserTests, RunRequestValidationTests).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=fuzz-json OUT=.build-fuzz-json SEEDS=Fuzz/corpus/json-body BINARY=fuzz-json-body DEFAULT_RUNS=600000
. scripts/lib/libfuzzer.sh

# Two modules, as in the package: the engine types a request is described with, then the
# service's reader, validation and problems (no HTTPServer, no training).
build_target() {
  local engine=(Matrix Dataset TrialSpec Sweep TrainingLimits ValidationIssue)
  local service=(JSONParser JSONDocument JSONValue JSONWriter RunRequest RunRequest+Validation RunSizeBound Problem ServiceLimits)
  local flags=(-O -sanitize=fuzzer,address -parse-as-library)
  swiftc "${flags[@]}" -emit-library -static -emit-module -module-name Backprop -emit-module-path "$OUT/Backprop.swiftmodule" \
    $(printf 'Sources/Backprop/%s.swift ' "${engine[@]}") -o "$OUT/libBackprop.a"
  swiftc "${flags[@]}" -use-ld=lld -module-name BackpropServiceFuzz -I "$OUT" -L "$OUT" -lBackprop \
    $(printf 'Sources/BackpropService/%s.swift ' "${service[@]}") Fuzz/JSONBody/FuzzJSONBody.swift -o "$OUT/$BINARY"
}

fuzz_run "$@"
