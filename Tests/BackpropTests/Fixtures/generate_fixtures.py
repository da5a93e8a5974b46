#!/usr/bin/env python3
"""Writes ../NumpyFixtures.swift: the notebook's printed figures (shared/seed/figures.json beside the
repository, or the path given as the first argument) and expected values computed here with numpy for other
seeds, datasets and hidden sizes. Run once; the generated file is committed.

The numpy reference trains exactly as the notebook's In [4] (sigmoid, error = y - out,
delta = error * out*(1-out), update = layer.T.dot(delta), weights += alpha*update, direction
counts from the second iteration on), records np.mean(np.abs(error)) at every multiple of
error_every and once more with the final weights, and stops at the first iteration whose weights
or outputs are not finite, reporting the state before it."""
import json, os, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# Default: ../shared/seed/figures.json beside the repository root (HERE is Tests/BackpropTests/Fixtures).
FIGURES = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, "../../../../shared/seed/figures.json"))

BUILT_IN = {
    "xor": (np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float), np.array([[0], [1], [1], [0]], dtype=float)),
    "first-column": (np.array([[0, 1], [0, 1], [1, 0], [1, 0]], dtype=float), np.array([[0], [0], [1], [1]], dtype=float)),
}


def random_bits(seed, samples, bits):
    """numpy_scale.py's recipe: random bits plus a bias column; targets parity(b0,b1,b2) and b0 AND b1."""
    np.random.seed(seed)
    b = (np.random.random((samples, bits)) < 0.5).astype(float)
    x = np.hstack([b, np.ones((samples, 1))])
    bi = b.astype(int)
    y = np.hstack([(bi[:, 0:1] ^ bi[:, 1:2] ^ bi[:, 2:3]), (bi[:, 0:1] & bi[:, 1:2])]).astype(float)
    return x, y


def sig(x):
    return 1 / (1 + np.exp(-x))


def forward(x, syn):
    out = x
    for s in syn:
        out = sig(out.dot(s))
    return out


def train(x, y, seed, hidden, alpha, iterations, error_every):
    np.random.seed(seed)
    shapes = [(x.shape[1], y.shape[1])] if hidden == 0 else [(x.shape[1], hidden), (hidden, y.shape[1])]
    syn = [2 * np.random.random(s) - 1 for s in shapes]
    prev = [np.zeros_like(s) for s in syn]
    counts = [np.zeros_like(s) for s in syn]
    curve = []
    last = None
    with np.errstate(all="ignore"):
        for j in range(iterations + 1):
            layers = [x]
            for s in syn:
                layers.append(sig(layers[-1].dot(s)))
            finite = all(np.all(np.isfinite(s)) for s in syn) and np.all(np.isfinite(layers[-1]))
            if not finite:
                done, syn, counts, out = last
                err = float(np.mean(np.abs(y - out)))
                if not curve or curve[-1][0] != done:
                    curve.append((done, err))
                return dict(status="diverged", diverged_at=j, iterations_done=done, curve=curve, synapses=syn,
                            counts=counts, outputs=out)
            last = (j, [s.copy() for s in syn], [c.copy() for c in counts], layers[-1])
            error = y - layers[-1]
            if j == iterations:
                curve.append((j, float(np.mean(np.abs(error)))))
                break
            if j % error_every == 0:
                curve.append((j, float(np.mean(np.abs(error)))))
            delta = error * (layers[-1] * (1 - layers[-1]))
            updates = [None] * len(syn)
            for k in range(len(syn) - 1, -1, -1):
                updates[k] = layers[k].T.dot(delta)
                if k > 0:
                    delta = delta.dot(syn[k].T) * (layers[k] * (1 - layers[k]))
            if j > 0:
                for k in range(len(syn)):
                    counts[k] += np.abs(((updates[k] > 0) + 0) - ((prev[k] > 0) + 0))
            for k in range(len(syn)):
                syn[k] += alpha * updates[k]
            prev = updates
    return dict(status="succeeded", diverged_at=None, iterations_done=iterations, curve=curve, synapses=syn,
                counts=counts, outputs=layers[-1])


CASES = [
    # name, dataset, seed, hidden, alphas, iterations, error_every
    ("xorSeed0Hidden3", ("xor",), 0, 3, [0.5, 2.0], 3000, 500),
    ("firstColumnSeed7", ("first-column",), 7, 0, [1.0, 0.3], 2000, 250),
    ("xorSeed42Hidden8", ("xor",), 42, 8, [0.1, 5.0], 2500, 1000),
    ("bitsSeed3Hidden6", ("bits", 3, 40, 5), 123, 6, [0.05, 0.5], 1500, 300),
    ("bitsSeed9Hidden5", ("bits", 9, 300, 4), 4294967295, 5, [0.01], 300, 100),
    ("xorHugeTargetsDiverges", ("scaled-targets", 1e6), 1, 4, [1e303, 1.0], 50, 10),
]


def dataset(spec):
    if spec[0] == "bits":
        return random_bits(spec[1], spec[2], spec[3])
    if spec[0] == "scaled-targets":
        x, y = BUILT_IN["xor"]
        return x, y * spec[1]
    return BUILT_IN[spec[0]]


def swift_double(v):
    r = repr(float(v))
    return r if ("e" in r or "." in r or "inf" in r or "nan" in r) else r + ".0"


def swift_list(values, fmt=swift_double):
    return "[" + ", ".join(fmt(v) for v in values) + "]"


def swift_dataset(spec):
    if spec[0] == "bits":
        return f".randomBits(seed: {spec[1]}, samples: {spec[2]}, bits: {spec[3]})"
    if spec[0] == "scaled-targets":
        return f".xorWithTargetsScaled(by: {swift_double(spec[1])})"
    return f".builtIn({json.dumps(spec[0])})"


def main():
    out = ["// swift-format-ignore-file", "// Generated by Fixtures/generate_fixtures.py — do not edit; re-run the script instead.", "",
           "import Backprop", "",
           "/// The figures the notebook printed (shared/seed/figures.json).",
           "let notebookFigures: [NotebookFigure] = ["]
    for f in json.load(open(FIGURES)):
        alpha = swift_double(f["alpha"]) if "alpha" in f else "nil"
        index = f.get("iteration", f.get("row", 0))
        out.append(f"    NotebookFigure(case: {json.dumps(f['case'])}, alpha: {alpha}, what: {json.dumps(f['what'])}, "
                   f"iteration: {f.get('iteration', 'nil')}, layer: {f.get('layer', 0)}, row: {f.get('row', 0)}, "
                   f"column: {f.get('col', 0)}, value: {swift_double(f['value'])}),")
    out += ["]", "", "/// Trained with numpy " + np.__version__ + " by the generator's reference loop.",
            "let numpyCases: [NumpyCase] = ["]
    for name, spec, seed, hidden, alphas, iterations, every in CASES:
        x, y = dataset(spec)
        out.append(f"    NumpyCase(name: {json.dumps(name)}, dataset: {swift_dataset(spec)}, seed: {seed}, hidden: {hidden}, "
                   f"iterations: {iterations}, errorEvery: {every}, trials: [")
        for alpha in alphas:
            r = train(x, y, seed, hidden, alpha, iterations, every)
            out.append(f"        NumpyTrial(alpha: {swift_double(alpha)}, status: .{r['status']}, "
                       f"divergedAt: {r['diverged_at'] if r['diverged_at'] is not None else 'nil'}, "
                       f"iterationsDone: {r['iterations_done']},")
            out.append(f"            curve: [{', '.join(f'({i}, {swift_double(e)})' for i, e in r['curve'])}],")
            out.append(f"            synapses: [{', '.join(swift_list(s.ravel()) for s in r['synapses'])}],")
            out.append(f"            directionChanges: [{', '.join(swift_list(c.ravel(), lambda v: str(int(v))) for c in r['counts'])}],")
            out.append(f"            outputs: {swift_list(r['outputs'].ravel())}),")
        out.append("    ]),")
    out.append("]")
    with open(os.path.join(HERE, "..", "NumpyFixtures.swift"), "w") as f:
        f.write("\n".join(out) + "\n")


main()
