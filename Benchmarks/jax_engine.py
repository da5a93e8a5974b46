#!/usr/bin/env python3
"""JAX peer for EngineBench: the engine benchmark's three cases, float64, jit-compiled,
compile time excluded, on one thread.

usage: jax_engine.py CASE [--reps N] [--check]
  CASE: a    the notebook's sweep, hidden 4 (xor, 7 alphas x 60000 iterations, seed 1)
        b    the same, hidden 32
        c    numpy_scale.py's case: 256 samples x 16 inputs, hidden 64, 2000 iterations, alpha 0.01
  Sweeps run the 7 alphas as one vmapped program ("vmap") and one after another ("loop").
Prints one line per rep and variant: `jax CASE VARIANT seconds=S`; with --check, also the final
error of each trial (to compare with `backpropd train`).

The algorithm is the notebook's, operation for operation (forward, error every 10000 iterations,
deltas, updates, direction counts from iteration 1, weights += alpha * update). Single-threaded:
set XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" (the bench
does), and OPENBLAS_NUM_THREADS=1.
"""
import argparse
import os
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)

ALPHAS = [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0]


def notebook_data():
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return x, y


def scale_data():
    np.random.seed(2)
    bits = (np.random.random((256, 15)) < 0.5).astype(np.float64)
    x = np.hstack([bits, np.ones((256, 1))])
    y = (bits[:, 0:1].astype(int) ^ bits[:, 1:2].astype(int) ^ bits[:, 2:3].astype(int)).astype(np.float64)
    return x, y


def initial_weights(inputs, hidden, outputs):
    np.random.seed(1)
    s0 = 2 * np.random.random((inputs, hidden)) - 1
    s1 = 2 * np.random.random((hidden, outputs)) - 1
    return s0, s1


def make_train(iterations, every):
    points = (iterations - 1) // every + 1

    def sigmoid(v):
        return 1 / (1 + jnp.exp(-v))

    def train(x, y, s0, s1, alpha):
        def step(j, state):
            s0, s1, p0, p1, c0, c1, curve = state
            l1 = sigmoid(x @ s0)
            l2 = sigmoid(l1 @ s1)
            e2 = y - l2
            curve = jax.lax.cond(j % every == 0, lambda c: c.at[j // every].set(jnp.mean(jnp.abs(e2))), lambda c: c, curve)
            d2 = e2 * (l2 * (1 - l2))
            d1 = (d2 @ s1.T) * (l1 * (1 - l1))
            u1 = l1.T @ d2
            u0 = x.T @ d1
            counting = (j > 0).astype(jnp.float64)
            c0 = c0 + counting * jnp.abs((u0 > 0).astype(jnp.float64) - (p0 > 0).astype(jnp.float64))
            c1 = c1 + counting * jnp.abs((u1 > 0).astype(jnp.float64) - (p1 > 0).astype(jnp.float64))
            return (s0 + alpha * u0, s1 + alpha * u1, u0, u1, c0, c1, curve)

        zeros0, zeros1 = jnp.zeros_like(s0), jnp.zeros_like(s1)
        state = (s0, s1, zeros0, zeros1, zeros0, zeros1, jnp.zeros(points))
        s0, s1, _, _, c0, c1, curve = jax.lax.fori_loop(0, iterations, step, state)
        final = jnp.mean(jnp.abs(y - sigmoid(sigmoid(x @ s0) @ s1)))
        return s0, s1, c0, c1, curve, final

    return train


def compiled_variants(case):
    """(name, compiled function, its arguments) for the case; compilation happens here."""
    if case == "c":
        x, y = scale_data()
        s0, s1 = initial_weights(16, 64, 1)
        train = jax.jit(make_train(2000, 10000))
        args = (x, y, s0, s1, 0.01)
        return [("jit", train.lower(*args).compile(), args)]
    hidden = 4 if case == "a" else 32
    x, y = notebook_data()
    s0, s1 = initial_weights(3, hidden, 1)
    train = make_train(60000, 10000)
    alphas = jnp.array(ALPHAS)
    vmapped = jax.jit(jax.vmap(train, in_axes=(None, None, None, None, 0)))
    vmap_args = (x, y, s0, s1, alphas)
    single = jax.jit(train)
    single_compiled = single.lower(x, y, s0, s1, 0.001).compile()

    class Loop:
        """The alphas one after another through one compiled program."""

        def __call__(self, *args):
            return [single_compiled(x, y, s0, s1, alpha) for alpha in ALPHAS]

    return [("vmap", vmapped.lower(*vmap_args).compile(), vmap_args), ("loop", Loop(), ())]


def finals(result):
    if isinstance(result, list):
        return [float(r[-1]) for r in result]
    final = np.asarray(result[-1])
    return [float(v) for v in np.atleast_1d(final)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", choices=["a", "b", "c"])
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--variant", default=None, help="only this variant (vmap, loop, jit)")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    variants = [v for v in compiled_variants(options.case) if options.variant in (None, v[0])]
    for _ in range(options.reps):
        for name, function, args in variants:
            started = time.perf_counter()
            result = jax.block_until_ready(function(*args))
            seconds = time.perf_counter() - started
            print(f"jax {options.case} {name} seconds={seconds:.6f}", flush=True)
            if options.check:
                print(f"jax {options.case} {name} final_errors={finals(result)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
