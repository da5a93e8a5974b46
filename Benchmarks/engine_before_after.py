#!/usr/bin/env python3
"""Two builds of the engine bench side by side: each round runs one round of the old build's
bench, then one of the new build's, and the medians of every table row are printed together.

usage: engine_before_after.py OLD_BACKPROPD NEW_ENGINEBENCH [--rounds N] [--cases a,b] [-- NEW_ARGS…]

OLD_BACKPROPD is a `backpropd` binary from before issue 17 (its bench is `backpropd bench`);
NEW_ENGINEBENCH is `.build/release/EngineBench` (the bench's own executable since issue 17).

The old build is one from before issue 18 (e.g. main at d543b31, built with
`swift build -c release`); its table has the engine's default and its fixed code paths
("7-trial sweep, hidden 4, avx512×8"). The new build's has the calibrated default and its
variants. Both run with --numpy-rounds 0; the new one without JAX (time JAX with the new bench
itself). Run from a checkout (the benches find Benchmarks/plain_c_loop.c there). Set
BACKPROPD_ISA=avx2 to cap the new build; the old one has no cap, compare its avx2 rows.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROW = re.compile(r"^\| ([^|]+?) \| ([0-9.]+) s \|")


def rows(output):
    """{label: seconds} for every table row whose second cell is a time."""
    found = {}
    for line in output.splitlines():
        match = ROW.match(line)
        if match:
            found[match.group(1)] = float(match.group(2))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", default="a,b")
    parser.add_argument("extra", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    extra = [a for a in options.extra if a != "--"]
    old_env = {k: v for k, v in os.environ.items() if k != "BACKPROPD_ISA"}
    samples = {"old": {}, "new": {}}
    for _ in range(options.rounds):
        for name, command, env in [
            ("old", [options.old, "bench", "--rounds", "1", "--numpy-rounds", "0"], old_env),
            ("new", [options.new, "--rounds", "1", "--numpy-rounds", "0", "--no-jax", "--cases", options.cases] + extra,
             dict(os.environ)),
        ]:
            output = subprocess.run(command, capture_output=True, text=True, env=env).stdout
            for label, seconds in rows(output).items():
                samples[name].setdefault(label, []).append(seconds)
    with open("/proc/loadavg") as load:
        print(f"rounds {options.rounds}, medians; load after: {' '.join(load.read().split()[:3])}")
    for name in ["old", "new"]:
        print(f"\n| {name} build row | median |\n|---|---|")
        for label, values in samples[name].items():
            print(f"| {label} | {statistics.median(values):.4f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
