# start_backpropd WORKDIR [FLAGS…] — builds and starts a release backpropd ($BACKPROPD_BINARY
# instead, if set: to measure another build) on a free port with its
# data in WORKDIR/data and its log in WORKDIR/log; sets $base (http://127.0.0.1:PORT) and
# $server (the pid; kill it when done).
server=
start_backpropd() {
  local work=$1 binary port=
  shift
  if [ -n "${BACKPROPD_BINARY:-}" ]; then
    binary=$BACKPROPD_BINARY
  else
    swift build -c release --product backpropd >&2
    binary="$(swift build -c release --show-bin-path)/backpropd"
  fi
  : >"$work/log"
  "$binary" serve --port 0 --data-dir "$work/data" "$@" >>"$work/log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/log" >&2; echo "backpropd did not start" >&2; return 1; }
  base="http://127.0.0.1:$port"
}

# submit_run BODY — POSTs a run and prints its id.
submit_run() {
  curl -sf -X POST "$base/runs" -H 'Content-Type: application/json' -d "$1" | sed -E 's/^\{"id":"([0-9a-f]{32})".*/\1/'
}

# stop_backpropd — stops the server started by start_backpropd and waits for it.
stop_backpropd() {
  [ -n "$server" ] || return 0
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
