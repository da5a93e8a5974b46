#!/usr/bin/env bash
# schemathesis against a real `backpropd serve`: every operation of the served /openapi.json, in
# every phase (examples, coverage, fuzzing, stateful via the document's links), with every check
# (no 5xx, status codes, content types, headers and bodies conforming to the document, negative
# data rejected, unknown methods 405 with Allow, deleted runs gone, …). The server must still
# answer /healthz afterwards, log no crash and exit 0 on SIGTERM. Prints the operations, test
# cases and the statuses the server sent.
#
# Usage:
#   scripts/api-fuzz.sh [EXAMPLES=30] [extra `schemathesis run` flags…]
#       The CI gate (scripts/ci-reliability): a fixed seed (API_FUZZ_SEED, default 20261207), a
#       fixed budget of EXAMPLES test cases per operation and no example database, so every run
#       draws the same cases. A failure here is a real regression, never bad luck.
#   scripts/api-fuzz.sh --random [MINUTES=10] [extra flags…]
#       Exploration, outside CI: a new seed each run (printed), fuzzing and stateful testing
#       repeated for MINUTES. What it finds is reproduced with the printed
#       `API_FUZZ_SEED=… scripts/api-fuzz.sh …` line and becomes a pinned regression test
#       (Tests/BackpropServiceTests/SchemaAgreementTests.swift and the suite of the code at fault);
#       schemathesis also writes a pytest file reproducing each failure into the kept directory.
#
# Configuration, with why each setting is what it is: scripts/api-fuzz.toml. The server is the
# debug build scripts/test makes (same flags, so nothing is rebuilt after it); its data dir, log
# and schemathesis's reports are in a temporary directory, kept and named when the run fails.
# SCHEMATHESIS=path runs another schemathesis (e.g. a newer release in its own virtualenv).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/require-packages.sh
SCHEMATHESIS_VERSION=4.32.5

mode=gate
if [ "${1:-}" = --random ]; then
  mode=random; shift
  minutes=10
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then minutes=$1; shift; fi
  seed=${API_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
  # The example database keeps what earlier explorations found and replays it first.
  budget=(--max-time "$((minutes * 60))" --generation-database "$PWD/.build-schemathesis-examples")
else
  examples=30
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then examples=$1; shift; fi
  seed=${API_FUZZ_SEED:-20261207}
  budget=(--max-examples "$examples" --generation-database none)
fi

# schemathesis: $SCHEMATHESIS, else the one on PATH, else the pinned version in .build-schemathesis.
schemathesis=${SCHEMATHESIS:-$(command -v schemathesis || true)}
if [ -z "$schemathesis" ]; then
  schemathesis=.build-schemathesis/bin/schemathesis
  if [ ! -x "$schemathesis" ]; then
    require_packages python3:python3 python3-venv:python3-venv
    python3 -m venv .build-schemathesis
    .build-schemathesis/bin/pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
  fi
fi
require_packages curl:curl

swift build --product backpropd -Xswiftc -warnings-as-errors
binary="$(swift build --show-bin-path)/backpropd"
work=$(mktemp -d /tmp/api-fuzz.XXXXXX)
server=
finish() {
  local status=$?
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -9 "$server" 2>/dev/null || true; fi
  if [ "$status" = 0 ]; then rm -rf "$work"; else
    echo "api-fuzz: FAILED; server log, data and reports (a pytest file reproducing each failure) in $work" >&2
    echo "api-fuzz: rerun the same cases: API_FUZZ_SEED=$seed scripts/api-fuzz.sh${minutes:+ --random $minutes}" >&2
  fi
}
trap finish EXIT

# Small limits keep every generated run cheap (the served document states them, so schemathesis
# generates within them): a sweep at the limits trains in well under a second, long-polls last at
# most 2 s, and the queue fills (429) rather than the CPU. Set in the environment, where the hooks
# (scripts/api-fuzz-hooks.py) read them too.
export BACKPROPD_WORKERS=1 BACKPROPD_MAX_ITERATIONS=2000 BACKPROPD_MAX_ALPHAS=8 BACKPROPD_MAX_HIDDEN_SIZE=16 \
  BACKPROPD_MAX_HIDDEN_SIZES=4 BACKPROPD_MAX_SAMPLES=32 BACKPROPD_MAX_INPUTS=8 BACKPROPD_MAX_OUTPUTS=4 \
  BACKPROPD_MAX_CURVE_POINTS=1000 BACKPROPD_MAX_WORK=100000000 BACKPROPD_MAX_RUN_WEIGHTS=3000 \
  BACKPROPD_MAX_DATASET_VALUES=200 BACKPROPD_MAX_WAIT=2 BACKPROPD_QUEUE_LIMIT=200 BACKPROPD_MAX_RUNS=500
"$binary" serve --port 0 --data-dir "$work/data" --log-format json >"$work/log" 2>&1 &
server=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/log" >&2; echo "api-fuzz: backpropd did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

echo "api-fuzz: $mode mode, seed $seed, $("$schemathesis" --version)"
status=0
"$schemathesis" --config-file scripts/api-fuzz.toml run "$base/openapi.json" --seed "$seed" "${budget[@]}" \
  --report junit,ndjson,pytest --report-dir "$work/report" "$@" | tee "$work/schemathesis.out" || status=$?

alive=yes
curl -sf --max-time 5 "$base/healthz" >/dev/null || alive=no
kill -TERM "$server"
exit_status=0
for _ in $(seq 1 150); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server" 2>/dev/null; then exit_status=hung; else wait "$server" || exit_status=$?; fi
server=

server_errors=0
python3 - "$work/log" <<'EOF' || server_errors=$?
import collections, json, sys
statuses, methods, errors, lines = collections.Counter(), collections.Counter(), [], 0
for line in open(sys.argv[1], errors="replace"):
    try: record = json.loads(line)
    except ValueError: continue
    if record.get("message") == "http" or record.get("msg") == "http":
        lines += 1
        statuses[str(record.get("status"))] += 1
        methods[record.get("method")] += 1
        # 503 from /readyz is its documented "not ready"; any other 5xx is a server error.
        if str(record.get("status")).startswith("5") and record.get("path") != "/readyz":
            errors.append(f'{record.get("method")} {record.get("path")} → {record.get("status")}')
print(f"api-fuzz: server answered {lines} requests; statuses: "
      + ", ".join(f"{code} ×{count}" for code, count in sorted(statuses.items())))
print("api-fuzz: methods: " + ", ".join(f"{method} ×{count}" for method, count in sorted(methods.items(), key=lambda item: str(item[0]))))
if errors:
    sys.exit("api-fuzz: the server answered 5xx: " + "; ".join(errors[:20]))
EOF
crashes=$(grep -ciE "fatal error|sanitizer|segmentation|backtrace" "$work/log" || true)
echo "api-fuzz: schemathesis exit $status; server 5xx: $([ "$server_errors" = 0 ] && echo none || echo yes); server alive after: $alive; SIGTERM exit: $exit_status; crash lines in log: $crashes"
[ "$status" = 0 ] && [ "$server_errors" = 0 ] && [ "$alive" = yes ] && [ "$exit_status" = 0 ] && [ "$crashes" = 0 ]
