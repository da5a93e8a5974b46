#!/usr/bin/env bash
# HTTPServer against the peers (nginx, Hummingbird 2, FlyingFox) with the peers' own harness.
# Usage: Benchmarks/http-compare.sh            (env passes through to compare.sh: DURATION, ROUNDS, PEERS…)
#   Builds HTTPBench in release, then runs ../shared/peers/compare.sh (beside the repository root;
#   PEERS_DIR=DIR for another place) with two extra columns:
#   httpserver-io   routes on HTTPHandlerExecution.ioQueue   (the non-blocking fast path)
#   httpserver-task routes on HTTPHandlerExecution.concurrent (the default: a task per request)
# Run it when `uptime` shows low load; report medians of ROUNDS interleaved rounds with the load.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS_DIR="${PEERS_DIR:-$PWD/../shared/peers}"
swift build -c release --product HTTPBench >&2
BIN="$PWD/.build/release/HTTPBench"
echo "load before: $(uptime)"
"$PEERS_DIR/compare.sh" \
  "httpserver-io::$BIN --port {PORT} --body {BODY} --execution ioQueue" \
  "httpserver-task::$BIN --port {PORT} --body {BODY} --execution concurrent"
echo "load after: $(uptime)"
