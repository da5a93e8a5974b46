"""Sweeps the reliability scripts submit: small to medium, deterministic, varied in shape."""
import random

SWEEPS = {
    "notebook": {"dataset": "xor", "alphas": [0.001, 0.01, 0.1, 1, 10, 100, 1000], "hidden_size": 4,
                 "iterations": 60000, "error_every": 600},
    "wide": {"dataset": "xor", "alphas": [0.1, 1, 10, 100], "hidden_size": 16, "iterations": 100000, "error_every": 1000},
    "two-layer": {"dataset": "first-column", "alphas": [0.1, 1, 10], "hidden_size": 0, "iterations": 200000, "error_every": 2000},
    "long": {"dataset": "xor", "alphas": [0.5, 1], "hidden_size": 32, "iterations": 300000, "error_every": 3000},
    "grid": {"dataset": "xor", "alphas": [1, 10], "hidden_sizes": [2, 8], "iterations": 50000, "error_every": 500, "seed": 7},
    "inline": {"dataset": {"inputs": [[(row >> bit) & 1 for bit in range(4)] + [1] for row in range(16)],
                           "targets": [[bin(row).count("1") % 2] for row in range(16)]},
               "alphas": [0.5, 2, 8], "hidden_size": 8, "iterations": 80000, "error_every": 800, "seed": 3,
               "name": "parity-4", "labels": {"suite": "reliability"}},
}


def pick(rng=random):
    name = rng.choice(sorted(SWEEPS))
    return name, SWEEPS[name]


def trial_outcome(trial):
    """The parts of a trial a restart must reproduce exactly (all but its wall time: the API's
    batch_duration_ms, `backpropd train`'s duration_ms)."""
    return {key: value for key, value in trial.items() if key not in ("duration_ms", "batch_duration_ms")}
