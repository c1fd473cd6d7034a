"""The raw-pixel image protocol (``python -m benchmarks.images``): the cells' data, the
baseline SVM on pixels, a cell's cached rows and their paired gains."""

import time

import numpy as np

from .. import harness

#: The cells' data sets: the harness's data set and the pixels' largest value.
DATASETS = {"mnist": ("mnist5k", 255.0), "digits": ("digits", 16.0),
            "optdigits": ("optdigits", 16.0), "mnist70k": ("mnist70k", 255.0),
            "fashion": ("fashion_mnist", 255.0)}
CELLS = {"mnist": [500, 1000], "digits": [500], "optdigits": [500],
         "mnist70k": [500, 1000], "fashion": [1000, 5000]}
SHAPES = {"mnist": (28, 28), "digits": (8, 8), "optdigits": (8, 8), "mnist70k": (28, 28),
          "fashion": (28, 28)}
#: Data sets with an official test split (the paper's protocol: n labeled images drawn
#: from the training split, every official test image is the test set): the ablation's.
OFFICIAL_SPLIT = ("mnist70k", "fashion")
#: ``n_synthetic="auto"`` for images: +800 % (8 rows per labeled image).
IMAGE_BUDGET = 8.0
#: Display names of the full data sets.
NAMES = {"mnist70k": "MNIST", "fashion": "Fashion-MNIST"}


def cell_data(name, n, seed):
    """``X_train, X_test, y_train, y_test`` of one cell, pixels in [0, 1]."""
    source, top = DATASETS[name]
    X_tr, X_te, y_tr, y_te = harness.load(source).split(n, seed)
    return X_tr / top, X_te / top, y_tr, y_te


def tune(X, y):
    """``{"C": ..., "gamma": ...}`` of the raw-pixel SVM, grid-searched on ``(X, y)``
    (the harness's grid, gamma as factors of ``gamma="scale"``'s value)."""
    C, gamma = harness.tune_svm(X, y, scoring="f1_macro", standardize=False)
    return {"C": float(C), "gamma": float(gamma)}


def pixel_svm(params):
    return harness.svm(params["C"], params["gamma"], standardize=False)


class Cell:
    """One (data set, n, seed): its split, the baseline SVM's (C, gamma) and the rows
    it records into ``cache`` (:class:`harness.ResultCache`)."""

    def __init__(self, name, n, seed, cache):
        self.name, self.n, self.seed, self.cache = name, n, seed, cache
        self.shape = SHAPES[name]
        self.X, self.X_test, self.y, self.y_test = cell_data(name, n, seed)
        self.params = tune(self.X, self.y)

    def record(self, method, X_syn, y_syn, info, seconds):
        """Score the SVM on real + synthetic images and store the row (with the
        SVM's refit time, ``svm_seconds``)."""
        start = time.perf_counter()
        model = harness.fit_augmented(pixel_svm(self.params), self.X, self.y, X_syn, y_syn)
        svm_seconds = time.perf_counter() - start
        f1 = harness.macro_f1(model, self.X_test, self.y_test)
        row = {"dataset": self.name, "n": self.n, "seed": self.seed, **self.params,
               "method": method, "f1": f1, "n_synthetic": int(len(X_syn)),
               "seconds": seconds, "svm_seconds": svm_seconds, **info}
        self.cache.put(row, self.name, self.n, self.seed, method)
        print(f"{self.name} n={self.n} seed={self.seed} {method:18s} F1 {f1:6.2f}  "
              f"(+{len(X_syn)} rows)", flush=True)


def todo(cache, name, n, seed, methods):
    """The rows of ``methods`` (and the baseline) the cache does not hold yet."""
    return [m for m in ["baseline", *methods] if cache.get(name, n, seed, m) is None]


def cell_order(cells, first="mnist"):
    return sorted(cells, key=lambda c: (c[0] != first, c))


def ablation(cache_dir):
    """{(dataset, n): {method: {seed: gain over the baseline}}} for the full data sets,
    and the baselines {(dataset, n): {seed: F1}}."""
    rows = [r for r in harness.ResultCache(cache_dir).rows() if r["dataset"] in OFFICIAL_SPLIT]
    base = {}
    for r in rows:
        if r["method"] == "baseline":
            base.setdefault((r["dataset"], r["n"]), {})[r["seed"]] = r["f1"]
    gains = {}
    for r in rows:
        cell = (r["dataset"], r["n"])
        if r["method"] != "baseline" and r["seed"] in base.get(cell, {}):
            gains.setdefault(cell, {}).setdefault(r["method"], {})[r["seed"]] = \
                r["f1"] - base[cell][r["seed"]]
    return gains, base


def paired_gains(gains, row, reference):
    """``(reference, {seed: row − reference}, harness.paired statistics)`` on the seeds
    both rows have; a reference of None is the best classical row of the cell (by mean
    gain). The statistics are None where the two share no seed."""
    if reference is None:
        classical_rows = {m: g for m, g in gains.items() if m in ("shift4", "VSV-shift8",
                                                                    "elastic")}
        if not classical_rows:
            return None, {}, None
        reference = max(classical_rows,
                        key=lambda m: np.mean(list(classical_rows[m].values())))
    if row not in gains or reference not in gains:
        return reference, {}, None
    seeds = sorted(set(gains[row]) & set(gains[reference]))
    if not seeds:
        return reference, {}, None
    stats = harness.paired([gains[row][s] for s in seeds], [gains[reference][s] for s in seeds])
    return reference, {s: gains[row][s] - gains[reference][s] for s in seeds}, stats


def signed(values):
    return ", ".join(f"{v:+.2f}" for v in values)
