# The libFuzzer runs of scripts/fuzz-parser.sh and scripts/fuzz-json.sh. A script sets
#   NAME (for messages), OUT (its build directory), SEEDS (its committed corpus, from the repository
#   root), BINARY (the target's file name in OUT), DEFAULT_RUNS (the CI budget), and defines
#   build_target (compiles OUT/BINARY; runs from the repository root),
# then calls `fuzz_run "$@"` with its own arguments:
#   --ci [libFuzzer flags…]    the CI gate: a fixed seed (FUZZ_SEED, default 1) and a fixed number
#       of inputs (FUZZ_RUNS, default DEFAULT_RUNS) from the committed corpus alone, in a fresh
#       working directory, without corpus reloads: the same inputs on every run and machine, and
#       the same final `DONE cov: … ft: … corp: …` line.
#   [SECONDS=60] [libFuzzer flags…]    exploration, outside CI: a new seed each run (printed;
#       FUZZ_SEED=N repeats one), for SECONDS, growing OUT/corpus.
# Crashes land in OUT/crash-*. Exits non-zero on a crash, a sanitizer report, a leak, a timeout or
# an out-of-memory, or when the run does not finish. Needs only the Swift toolchain (its clang
# runtime ships libFuzzer and ASan) and ld.lld (installed from Debian when missing).
. scripts/lib/require-packages.sh

fuzz_run() {
  local mode seed corpus seconds=60 budget status=0 artifacts
  if [ "${1:-}" = --ci ]; then
    shift
    mode=ci
    seed=${FUZZ_SEED:-1}
    # -reload=0: libFuzzer otherwise rereads its corpus directory every second, and what it finds
    # there depends on timing (two runs with one seed parted after ~50,000 inputs without it).
    budget=(-runs="${FUZZ_RUNS:-$DEFAULT_RUNS}" -reload=0)
    corpus=ci-corpus
  else
    mode=explore
    if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
    seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
    budget=(-max_total_time="$seconds")
    corpus=corpus
  fi
  command -v swiftc >/dev/null || { echo "$NAME: swiftc not on PATH (install the Swift toolchain)" >&2; exit 1; }
  local toolchain_bin
  toolchain_bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
  [ -x "$toolchain_bin/ld.lld" ] || require_packages ld.lld:lld
  mkdir -p "$OUT/corpus"
  rm -rf "$OUT/ci-corpus" && mkdir "$OUT/ci-corpus"
  rm -f "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-*
  build_target
  # One seed replays the same inputs only if the code under test behaves the same on every run:
  # Swift seeds Dictionary/Set hashing per process (SWIFT_DETERMINISTIC_HASHING fixes it), and
  # with address randomization the pointer comparisons libFuzzer traces differ (setarch -R turns
  # it off where the sandbox allows). Without these, two runs of one seed differed already in the
  # coverage of the committed seeds.
  local norandom=(setarch "$(uname -m)" -R)
  "${norandom[@]}" true 2>/dev/null || { norandom=(); echo "$NAME: setarch -R refused here: runs of one seed may diverge"; }
  echo "$NAME: $mode mode, seed $seed, ${budget[*]}, from $(ls "$SEEDS" | wc -l) committed seeds + $(ls "$OUT/$corpus" | wc -l) inputs in $OUT/$corpus"
  (cd "$OUT" && SWIFT_DETERMINISTIC_HASHING=1 "${norandom[@]}" "./$BINARY" -seed="$seed" "${budget[@]}" -max_len=4096 -timeout=10 \
     -print_final_stats=1 -artifact_prefix=./ "$@" "$corpus" "../$SEEDS" >fuzz.log 2>&1) || status=$?
  grep -E "^(#[0-9]+[[:space:]]+(DONE|INITED)|Done|stat::number_of_executed_units|==[0-9]+== ?ERROR|SUMMARY)" "$OUT/fuzz.log" || true
  artifacts=$(cd "$OUT" && ls crash-* leak-* timeout-* oom-* 2>/dev/null || true)
  if [ "$status" != 0 ] || [ -n "$artifacts" ]; then
    echo "$NAME: FAILED (exit $status); see $OUT/fuzz.log${artifacts:+ and, in $OUT: $artifacts}" >&2
    echo "$NAME: repeat this run: FUZZ_SEED=$seed $0 $([ $mode = ci ] && echo --ci || echo "$seconds")" >&2
    grep -m1 -A30 -E "==[0-9]+== ?ERROR|Fatal error|Precondition failed|deadly signal" "$OUT/fuzz.log" >&2 || tail -30 "$OUT/fuzz.log" >&2
    exit 1
  fi
  grep -q "stat::number_of_executed_units" "$OUT/fuzz.log" || { echo "$NAME: did not finish cleanly: see $OUT/fuzz.log" >&2; exit 1; }
  echo "$NAME: $(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz.log") inputs run, working corpus now $(ls "$OUT/$corpus" | wc -l) inputs"
}
