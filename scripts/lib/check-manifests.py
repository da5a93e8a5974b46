#!/usr/bin/env python3
"""Checks every pod template in deploy/k8s against the Pod Security Standards "restricted"
profile, point by point (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
and against the deployment rules of issue 16: no service-account token, probes, pinned images,
no namespace written down, the token Secret required, a NetworkPolicy selecting every pod, the
replicas' headless Service publishing not-ready pods, and the router's map in step with the
StatefulSet's replicas. Prints one line per check; exits 1 if any fails."""
import glob, re, sys
import yaml

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


documents = []
for path in sorted(glob.glob("deploy/k8s/**/*.yaml", recursive=True)):
    if path.endswith("kustomization.yaml"):
        continue
    text = open(path).read()
    for document in yaml.safe_load_all(text):
        if document:
            documents.append((path, document))
    check(not re.search(r"\.default\.svc|namespace:\s*\S", text), f"{path}: names no namespace")

ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
pods = [(path, doc) for path, doc in documents if doc["kind"] in WORKLOADS]
check(len(pods) >= 3, f"{len(pods)} pod templates found (Deployment, StatefulSet, router)")
policies = [doc for _, doc in documents if doc["kind"] == "NetworkPolicy"]

for path, workload in pods:
    name = f"{path} {workload['kind']}/{workload['metadata']['name']}"
    template = workload["spec"]["template"]
    spec = template["spec"]
    labels = template["metadata"].get("labels", {})
    pod_context = spec.get("securityContext", {})
    containers = spec.get("containers", []) + spec.get("initContainers", []) + spec.get("ephemeralContainers", [])
    context = lambda container: container.get("securityContext", {})
    # Baseline profile (restricted includes it).
    check(not any(spec.get(key) for key in ("hostNetwork", "hostPID", "hostIPC")), f"{name}: baseline: no host namespaces")
    check(all(not context(c).get("privileged") for c in containers), f"{name}: baseline: no privileged container")
    check(all(not any(p.get("hostPort") for p in c.get("ports", [])) for c in containers), f"{name}: baseline: no hostPort")
    check(all("hostPath" not in v for v in spec.get("volumes", [])), f"{name}: baseline: no hostPath volume")
    check(all(context(c).get("procMount", "Default") == "Default" for c in containers), f"{name}: baseline: default /proc mount")
    check(not pod_context.get("sysctls"), f"{name}: baseline: no sysctls")
    # Restricted profile, point by point.
    volumes = [next(iter(set(v) - {"name"})) for v in spec.get("volumes", [])]
    check(all(v in ALLOWED_VOLUMES for v in volumes), f"{name}: restricted 1/6: volume types {sorted(set(volumes))} allowed")
    check(all(context(c).get("allowPrivilegeEscalation") is False for c in containers),
          f"{name}: restricted 2/6: allowPrivilegeEscalation false in every container")
    check(all(context(c).get("runAsNonRoot", pod_context.get("runAsNonRoot")) is True for c in containers),
          f"{name}: restricted 3/6: runAsNonRoot true")
    check(all(context(c).get("runAsUser", pod_context.get("runAsUser", 1)) != 0 for c in containers),
          f"{name}: restricted 4/6: runAsUser not 0")
    seccomp = lambda c: context(c).get("seccompProfile", pod_context.get("seccompProfile", {})).get("type")
    check(all(seccomp(c) in ("RuntimeDefault", "Localhost") for c in containers),
          f"{name}: restricted 5/6: seccompProfile RuntimeDefault")
    check(all("ALL" in context(c).get("capabilities", {}).get("drop", []) and
              set(context(c).get("capabilities", {}).get("add", [])) <= {"NET_BIND_SERVICE"} for c in containers),
          f"{name}: restricted 6/6: capabilities drop ALL, add nothing but NET_BIND_SERVICE")
    # Issue 16's rules.
    check(all(context(c).get("readOnlyRootFilesystem") is True for c in containers), f"{name}: read-only root filesystem")
    check(spec.get("automountServiceAccountToken") is False, f"{name}: automountServiceAccountToken false")
    check(all(c.get("livenessProbe") and c.get("readinessProbe") for c in spec["containers"]), f"{name}: liveness and readiness probes")
    images = [c["image"] for c in containers]
    check(all(re.search(r"@sha256:[0-9a-f]{64}$", i) or re.search(r":\d+\.\d+\.\d+[\w.-]*$", i) for i in images),
          f"{name}: images pinned to a release or digest ({', '.join(images)})")
    check(any(all(labels.get(k) == v for k, v in p["spec"]["podSelector"].get("matchLabels", {}).items())
              and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"} for p in policies),
          f"{name}: a NetworkPolicy selects its pods, for ingress and egress")
    if labels.get("app.kubernetes.io/name") == "backpropd":
        container = spec["containers"][0]
        env = {e["name"]: e for e in container.get("env", [])}
        check("startupProbe" in container and container["startupProbe"]["httpGet"]["path"] == "/readyz",
              f"{name}: startupProbe on /readyz (sized from the measured load rate)")
        check(all(container[p]["httpGet"]["port"] == "admin" for p in ("livenessProbe", "readinessProbe", "startupProbe"))
              and "BACKPROPD_ADMIN_PORT" in env, f"{name}: probes on the admin port")
        secret_volumes = [v["secret"] for v in spec.get("volumes", []) if "secret" in v]
        check("BACKPROPD_API_TOKEN_FILE" in env and any(s["secretName"] == "backpropd" and not s.get("optional") for s in secret_volumes)
              and "BACKPROPD_ALLOW_UNAUTHENTICATED" not in env, f"{name}: the token Secret is required (not optional), read from a file")

text = "".join(open(p).read() for p in glob.glob("deploy/k8s/**/*.yaml", recursive=True))
check("optional: true" not in text, "no Secret or ConfigMap reference is optional")
headless = [doc for _, doc in documents if doc["kind"] == "Service" and doc["spec"].get("clusterIP") == "None"]
check(all(doc["spec"].get("publishNotReadyAddresses") is True for doc in headless) and headless,
      "the replicas' headless Service publishes not-ready addresses")
statefulset = next(doc for _, doc in documents if doc["kind"] == "StatefulSet")
router = next(doc for _, doc in documents if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "backpropd-router")
config = router["data"]["default.conf.template"]
ordinal_map = re.search(r"map \$owner \$ordinal \{(.*?)\}", config, re.S).group(1)
owned = sorted(int(line.split()[0], 16) for line in ordinal_map.strip().splitlines()
               if line.strip() and not line.strip().startswith(("default", "#")))
check(owned == list(range(statefulset["spec"]["replicas"])),
      f"the router maps prefixes {owned} to ordinals: one per StatefulSet replica ({statefulset['spec']['replicas']})")

print(f"\n{len(failures)} failed" if failures else "\nall checks passed")
sys.exit(1 if failures else 0)
