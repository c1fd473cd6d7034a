"""Synthetic budget sweep: test-set gain of the default ActiveGAN and of SMOTE per budget.

Same protocol as ``benchmarks.paper_protocol`` (:mod:`benchmarks.protocols.tabular`:
split, baseline SVM, retraining with its hyper-parameters, macro F1 on the test
set), but one trained augmenter per split
serves every budget: rows are sampled once for the largest budget and each smaller
budget takes the first rows of every class (budgets are nested, as in
AugmentedClassifierCV).

    python -m benchmarks.budget_sweep                    # the five data sets, smaller n
    python -m benchmarks.budget_sweep --datasets digits:200 --seeds 2 --n-iter 300
"""

import argparse
import copy
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import harness
from .protocols import tabular as protocol

BUDGETS = [0.1, 0.25, 0.5, 1.0, 2.0]
DATASETS = ["digits:200", "optdigits:500", "penbased:500", "satimage:500", "segment:200"]


def nested(X_syn, y_syn, counts):
    keep = np.zeros(len(y_syn), dtype=bool)
    for label, count in counts.items():
        keep[np.flatnonzero(y_syn == label)[:count]] = True
    return X_syn[keep], y_syn[keep]


def run_split(dataset, n, seed, args):
    X_train, X_test, y_train, y_test = harness.load(dataset, args.data_dir).split(n, seed)
    C, gamma = protocol.tune_baseline(X_train, y_train)

    def score(X_add, y_add):
        model = harness.fit_augmented(harness.svm(C, gamma), X_train, y_train, X_add, y_add)
        return harness.macro_f1(model, X_test, y_test)

    row = {"dataset": Path(dataset).stem, "n": n, "seed": seed, "C": C, "gamma": gamma,
           "baseline": score(X_train[:0], y_train[:0]), "ActiveGAN": {}, "SMOTE": {}}
    aug = protocol.augmenter("ActiveGAN", C, gamma, args, seed).fit(X_train, y_train)
    X_syn, y_syn = aug.sample(protocol.budget_per_class(y_train, max(args.budgets)))
    for budget in args.budgets:
        counts = protocol.budget_per_class(y_train, budget)
        row["ActiveGAN"][str(budget)] = score(*nested(X_syn, y_syn, counts))
        smote_args = copy.copy(args)
        smote_args.budget = budget
        X_s, y_s, _ = protocol.generate("SMOTE", X_train, y_train, C, gamma, smote_args, seed)
        row["SMOTE"][str(budget)] = score(X_s, y_s)
    return row


def table(rows, budgets):
    lines = []
    for dataset, n in dict.fromkeys((r["dataset"], r["n"]) for r in rows):
        mine = [r for r in rows if (r["dataset"], r["n"]) == (dataset, n)]
        for method in ("ActiveGAN", "SMOTE"):
            cells = []
            for b in budgets:
                stats = harness.paired([r[method][str(b)] for r in mine],
                                       [r["baseline"] for r in mine])
                cells.append(f"{stats['gain']:+.2f} ({stats['wins']}/{len(mine)})")
            lines.append([dataset, n, method, *cells])
    return harness.md_table(["data", "n", "method", *(f"+{b:.0%}" for b in budgets)], lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS, help="NAME:N entries")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budgets", nargs="+", type=float, default=BUDGETS)
    parser.add_argument("--n-iter", type=int, default=2000)
    parser.add_argument("--lambda-reward", type=float, default=0.1)
    parser.add_argument("--data-dir", default=str(harness.SHARED_DATA))
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_budget"))
    parser.add_argument("--output-dir", default=str(harness.RESULTS))
    args = parser.parse_args(argv)
    args.method_params = {}
    cache = harness.ResultCache(args.cache_dir)
    splits = [(name, size, seed) for name, size in map(harness.parse_entry, args.datasets)
              for seed in range(args.seeds)]
    started, rows = time.perf_counter(), []
    for dataset, n, seed in tqdm(splits, desc="budget sweep"):
        settings = f"__it{args.n_iter}__lambda{args.lambda_reward}"
        row = cache.get(dataset, n, seed, settings=settings)
        if row is None or set(row["ActiveGAN"]) != {str(b) for b in args.budgets}:
            row = cache.put(run_split(dataset, n, seed, args), dataset, n, seed,
                            settings=settings)
        rows.append(row)
    meta = harness.run_meta("budget_sweep.py", argv, started, machine=False,
                            n_iter=args.n_iter)
    text = table(rows, args.budgets)
    harness.write_results(args.output_dir, "budget", {"meta": meta, "rows": rows}, [
        "# Budget sweep", "", harness.provenance(meta), "",
        f"Gain over the baseline SVM in macro-F1 points (wins of {args.seeds} seeds) per "
        "synthetic budget:", "", text])
    print(text)


if __name__ == "__main__":
    main()
