#!/usr/bin/env bash
# System calls, context switches and CPU per request of HTTPBench under wrk (keep-alive GET
# /runs/demo, the peers' 597-byte body), for one or more builds side by side.
# Usage: Benchmarks/http-profile.sh [LABEL=HTTPBENCH_BINARY ...]
#   Without arguments: this checkout's release HTTPBench (built first).
# Env: CONNS=64 DURATION=5 ROUNDS=3 EXECUTION=ioQueue QUEUES=(HTTPBench's default: cores)
#      PERF_RECORD=1 also writes a perf profile per build (perf-LABEL.data in RESULTS_DIR)
# Needs perf with access to the syscalls tracepoints (root, or kernel.perf_event_paranoid <= -1).
# Rounds are interleaved; each cell is the median over rounds. Run under `flock BENCH_LOCK` (the machine's benchmark lock, if it has one)
# on a shared machine, and report `uptime` with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS="${CONNS:-64}" DURATION="${DURATION:-5}" ROUNDS="${ROUNDS:-3}" EXECUTION="${EXECUTION:-ioQueue}"
RES="${RESULTS_DIR:-$(mktemp -d /tmp/http-profile-XXXXXX)}"
BODY="$PWD/../shared/peers/body.json"
for tool in wrk perf python3; do command -v $tool >/dev/null || { echo "$tool missing" >&2; exit 1; }; done
builds=("$@")
if [ ${#builds[@]} -eq 0 ]; then
  swift build -c release --product HTTPBench >&2
  builds=("this=$PWD/.build/release/HTTPBench")
fi
echo "load before: $(uptime)"
echo "results in $RES"
CLK_TCK=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
  for build in "${builds[@]}"; do
    label="${build%%=*}" binary="${build#*=}"
    port=$((20000 + RANDOM % 20000))
    args=(--port "$port" --body "$BODY" --execution "$EXECUTION")
    [ -n "${QUEUES:-}" ] && args+=(--queues "$QUEUES")
    # The server runs under perf stat from its start, so every thread Dispatch creates is counted;
    # requests are counted over the warm-up and the measured run together.
    perf stat -x, -e 'syscalls:sys_enter_*' -e context-switches -o "$RES/$label-$round.perf" -- \
      "$binary" "${args[@]}" 2>"$RES/$label-server.log" &
    perfpid=$!
    pid=""
    for _ in $(seq 200); do
      pid=$(pgrep -P "$perfpid" || true)
      [ -n "$pid" ] && curl -sf "http://127.0.0.1:$port/runs/demo" -o /dev/null && break
      sleep 0.05
    done
    wrk -t2 -c"$CONNS" -d2s "http://127.0.0.1:$port/runs/demo" > "$RES/$label-$round.warmup"
    ticks0=$(awk '{sub(/^.*\) /,""); print $12+$13}' /proc/$pid/stat)
    if [ "${PERF_RECORD:-0}" = 1 ] && [ "$round" = 1 ]; then
      perf record -F 999 -g -p "$pid" -o "$RES/perf-$label.data" -- sleep "$DURATION" >/dev/null 2>&1 &
    fi
    wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/runs/demo" > "$RES/$label-$round.wrk"
    ticks1=$(awk '{sub(/^.*\) /,""); print $12+$13}' /proc/$pid/stat)
    echo "$((ticks1 - ticks0))" > "$RES/$label-$round.ticks"
    kill -TERM "$pid"; wait "$perfpid" 2>/dev/null || true
    wait 2>/dev/null || true
  done
done
python3 - "$RES" "$CLK_TCK" "$ROUNDS" "${builds[@]}" <<'EOF'
import re, statistics, sys
res, clk, rounds, builds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
rows = {}
for build in builds:
    label = build.split("=", 1)[0]
    per_round = []
    for r in range(1, rounds + 1):
        wrk = open(f"{res}/{label}-{r}.wrk").read()
        requests = int(re.search(r"(\d+) requests in", wrk).group(1))
        warmup = int(re.search(r"(\d+) requests in", open(f"{res}/{label}-{r}.warmup").read()).group(1))
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", wrk)
        p99ms = float(p99.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[p99.group(2)]
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
        ticks = int(open(f"{res}/{label}-{r}.ticks").read())
        counts = {}
        for line in open(f"{res}/{label}-{r}.perf"):
            parts = line.strip().split(",")
            if len(parts) > 2 and parts[0].replace(".", "").isdigit():
                name = parts[2].replace("syscalls:sys_enter_", "")
                counts[name] = int(float(parts[0]))
        per_round.append((rps, p99ms, ticks / clk * 1e6 / requests, {k: v / (requests + warmup) for k, v in counts.items()}))
    rows[label] = per_round
med = statistics.median
print(f"\nkeep-alive GET, {rounds} rounds, medians; per request:")
names = sorted({k for rs in rows.values() for r in rs for k, v in r[3].items() if v >= 0.01 and k != "context-switches"},
               key=lambda k: -max(r[3].get(k, 0) for rs in rows.values() for r in rs))
print("| build | req/s | p99 ms | CPU µs/req | system calls/req | context switches/req | " + " | ".join(names) + " |")
print("|" + "---|" * (6 + len(names)))
for label, rs in rows.items():
    total = med([sum(v for k, v in r[3].items() if k != "context-switches") for r in rs])
    cells = [f"{med([r[0] for r in rs]):,.0f}", f"{med([r[1] for r in rs]):.2f}", f"{med([r[2] for r in rs]):.1f}",
             f"{total:.2f}", f"{med([r[3].get('context-switches', 0) for r in rs]):.2f}"]
    cells += [f"{med([r[3].get(n, 0) for r in rs]):.2f}" for n in names]
    print(f"| {label} | " + " | ".join(cells) + " |")
EOF
echo "load after: $(uptime)"
