"""schemathesis hooks for scripts/api-fuzz.sh.

POST /runs has rules the OpenAPI document states in prose because JSON Schema cannot express them:
rows of equal length and as many target rows as input rows, error_every ≤ iterations, at most
--max-curve-points points per trial, the run's work and weight budgets, --max-dataset-values, and
an Idempotency-Key reused with another body. A schema-valid body that breaks one gets 422, which
schemathesis's positive_data_acceptance would report. scripts/api-fuzz.toml turns that check off
for this one operation and this check takes its place: it computes, independently of the server,
which of those rules a body breaks, and fails unless a schema-valid body is accepted (2xx, or 429
when the queue is full) or gets 422 naming only fields of rules it does break.
"""
import json
import os
import threading

import schemathesis

LIMITS = {name: float(os.environ["BACKPROPD_" + name.upper()]) for name in (
    "max_iterations", "max_hidden_size", "max_curve_points", "max_work", "max_run_weights", "max_dataset_values")}
KEY_HEADER = "idempotency-key"
_sent_keys: dict[str, set[str]] = {}   # Idempotency-Key → the bodies sent with it (any outcome)
_lock = threading.Lock()


def _header(case, name):
    return next((value for key, value in (case.headers or {}).items() if key.lower() == name), None)


def _canonical(body):
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def broken_rules(body, key, earlier_bodies):
    """The pointers a 422 may name for this schema-valid body, one per rule it breaks."""
    rules = set()
    dataset = body.get("dataset")
    samples, inputs, outputs = 4, 3, 1          # xor and first-column: 4 rows, 3 inputs, 1 target
    if isinstance(dataset, dict):
        rows = {"inputs": dataset["inputs"], "targets": dataset["targets"]}
        for name, matrix in rows.items():
            if any(len(row) != len(matrix[0]) for row in matrix):
                rules.add(f"/dataset/{name}")
        if len(rows["inputs"]) != len(rows["targets"]):
            rules.add("/dataset/targets")
        if sum(map(len, rows["inputs"])) + sum(map(len, rows["targets"])) > LIMITS["max_dataset_values"]:
            rules.add("/dataset")
        samples, inputs, outputs = len(rows["inputs"]), len(rows["inputs"][0]), len(rows["targets"][0])
    iterations = body.get("iterations", min(60000, LIMITS["max_iterations"]))
    error_every = body.get("error_every", max(1, iterations // 1000))
    if error_every > iterations or iterations // error_every > LIMITS["max_curve_points"]:
        rules.add("/error_every")
    hidden_sizes = body.get("hidden_sizes", [body.get("hidden_size", min(4, LIMITS["max_hidden_size"]))])
    trials = len(body["alphas"])
    per_trial = [inputs * outputs if hidden == 0 else inputs * hidden + hidden * outputs for hidden in hidden_sizes]
    if sum(samples * weights * iterations * trials for weights in per_trial) > LIMITS["max_work"]:
        rules.add("/iterations")
    if sum(weights * trials for weights in per_trial) > LIMITS["max_run_weights"]:
        rules.add("/hidden_sizes")
    if key is not None and earlier_bodies - {_canonical(body)}:
        rules.add("header:Idempotency-Key")
    return rules


def _covered(pointer, rules):
    return any(pointer == rule or pointer.startswith(rule + "/") for rule in rules)


@schemathesis.hook
def before_call(context, case, kwargs):
    """Records every Idempotency-Key sent to POST /runs with its body, before it is sent, so that
    a 422 for a key another worker is sending at the same moment is explained too."""
    key = _header(case, KEY_HEADER)
    if case.operation.label == "POST /runs" and key is not None and isinstance(case.body, dict):
        with _lock:
            _sent_keys.setdefault(key, set()).add(_canonical(case.body))


@schemathesis.check
def create_run_acceptance(ctx, response, case):
    if case.operation.label != "POST /runs" or case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    body = case.body if isinstance(case.body, dict) else None
    key = _header(case, KEY_HEADER)
    with _lock:
        earlier = set(_sent_keys.get(key, ())) if key is not None else set()
    status = response.status_code
    if 200 <= status < 300 or status == 429:
        return None
    assert status == 422 and body is not None, f"a schema-valid body got {status}: {response.text[:500]}"
    rules = broken_rules(body, key, earlier)
    named = [error.get("pointer", "") for error in response.json().get("errors", [])]
    assert rules, f"a schema-valid body breaking none of the prose rules got 422: {response.text[:500]}"
    stray = [pointer for pointer in named if not _covered(pointer, rules)]
    assert named and not stray, f"422 names {stray or 'no field'}, but the body only breaks the rules at {sorted(rules)}: {response.text[:500]}"
    return None
