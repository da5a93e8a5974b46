#!/usr/bin/env bash
# HTTPServer against the peers (nginx, Hummingbird 2, FlyingFox) with the peers' own harness.
# Usage: Benchmarks/http-compare.sh            (env passes through to compare.sh: DURATION, ROUNDS, PEERS…)
#   Builds HTTPBench in release, then runs ../shared/peers/compare.sh (beside the repository root;
#   PEERS_DIR=DIR for another place) with two extra columns:
#   httpserver-io   routes on HTTPHandlerExecution.ioQueue   (the non-blocking fast path)
#   httpserver-task routes on HTTPHandlerExecution.concurrent (the default: a task per request)
#   ALSO="LABEL=HTTPBENCH_BINARY ..." adds other builds' HTTPBench (.ioQueue routes) as further
#   columns, e.g. the epoll loops of d543b31 (build it from `git archive d543b31` elsewhere).
#   HTTPBENCH=BINARY uses that release HTTPBench instead of building this checkout's.
# Run it when `uptime` shows low load; report medians of ROUNDS interleaved rounds with the load.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS_DIR="${PEERS_DIR:-$PWD/../shared/peers}"
if [ -n "${HTTPBENCH:-}" ]; then BIN="$HTTPBENCH"   # a release HTTPBench built elsewhere
else swift build -c release --product HTTPBench >&2; BIN="$PWD/.build/release/HTTPBench"; fi
echo "load before: $(uptime)"
columns=("httpserver-io::$BIN --port {PORT} --body {BODY} --execution ioQueue"
         "httpserver-task::$BIN --port {PORT} --body {BODY} --execution concurrent")
for build in ${ALSO:-}; do columns+=("${build%%=*}::${build#*=} --port {PORT} --body {BODY} --execution ioQueue"); done
"$PEERS_DIR/compare.sh" "${columns[@]}"
echo "load after: $(uptime)"
