#!/usr/bin/env bash
# Times reading a large POST /runs body (an inline dataset of 1,024 × 96 inputs, 1.6 MB) with the
# service's JSONParser, and with the Foundation JSONDecoder reader it replaced (commit d543b31's
# JSONValue.parse, taken from git), best of 15 each. Builds the two modules with swiftc -O.
# Usage: Benchmarks/json-body-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build-json-bench
mkdir -p "$OUT"
git show d543b31:Sources/BackpropService/JSONValue.swift | sed 's/JSONValue/OldJSONValue/g; s/JSONSyntaxError/OldJSONSyntaxError/g' > "$OUT/Old.swift"
engine=(Matrix Dataset TrialSpec Sweep TrainingLimits ValidationIssue)
service=(JSONParser JSONDocument JSONValue JSONWriter RunRequest RunRequest+Validation RunSizeBound Problem ServiceLimits)
swiftc -O -parse-as-library -emit-library -static -emit-module -module-name Backprop -emit-module-path "$OUT/Backprop.swiftmodule" \
  $(printf 'Sources/Backprop/%s.swift ' "${engine[@]}") -o "$OUT/libBackprop.a"
swiftc -O -module-name JSONBodyBench -I "$OUT" -L "$OUT" -lBackprop $(printf 'Sources/BackpropService/%s.swift ' "${service[@]}") \
  "$OUT/Old.swift" Benchmarks/JSONBodyBench/main.swift -o "$OUT/json-body-bench"
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/json-body-bench"
