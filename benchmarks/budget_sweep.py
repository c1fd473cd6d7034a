"""Synthetic budget sweep: test-set gain of the default ActiveGAN and of SMOTE per budget.

Same protocol as paper_protocol.py (split, baseline SVM, retraining with its
hyper-parameters, macro F1 on the test set), but one trained augmenter per split
serves every budget: rows are sampled once for the largest budget and each smaller
budget takes the first rows of every class (budgets are nested, as in
AugmentedClassifierCV).

    python benchmarks/budget_sweep.py                    # the five data sets, smaller n
    python benchmarks/budget_sweep.py --datasets digits:200 --seeds 2 --n-iter 300
"""

import argparse
import copy
import importlib.util
import json
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("paper_protocol", HERE / "paper_protocol.py")
protocol = importlib.util.module_from_spec(spec)
spec.loader.exec_module(protocol)

BUDGETS = [0.1, 0.25, 0.5, 1.0, 2.0]
DATASETS = ["digits:200", "optdigits:500", "penbased:500", "satimage:500", "segment:200"]


def nested(X_syn, y_syn, counts):
    keep = np.zeros(len(y_syn), dtype=bool)
    for label, count in counts.items():
        keep[np.flatnonzero(y_syn == label)[:count]] = True
    return X_syn[keep], y_syn[keep]


def run_split(dataset, n, seed, args):
    X, y = protocol.load_dataset(dataset, args.data_dir)
    X_train, X_test, y_train, y_test = protocol.split(X, y, n, seed)
    C, gamma = protocol.tune_baseline(X_train, y_train)

    def score(X_add, y_add):
        model = protocol.svm(C, gamma).fit(np.vstack([X_train, X_add]),
                                           np.concatenate([y_train, y_add]))
        return protocol.macro_f1(model, X_test, y_test)

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
    lines = ["| data | n | method | " + " | ".join(f"+{b:.0%}" for b in budgets) + " |",
             "| --- | --- | --- |" + " --- |" * len(budgets)]
    for dataset, n in dict.fromkeys((r["dataset"], r["n"]) for r in rows):
        mine = [r for r in rows if (r["dataset"], r["n"]) == (dataset, n)]
        for method in ("ActiveGAN", "SMOTE"):
            cells = []
            for b in budgets:
                gains = np.array([r[method][str(b)] - r["baseline"] for r in mine])
                cells.append(f"{gains.mean():+.2f} ({int((gains > 0).sum())}/{len(gains)})")
            lines.append(f"| {dataset} | {n} | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS, help="NAME:N entries")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budgets", nargs="+", type=float, default=BUDGETS)
    parser.add_argument("--n-iter", type=int, default=2000)
    parser.add_argument("--lambda-reward", type=float, default=0.1)
    parser.add_argument("--data-dir", default=str(protocol.SHARED_DATA))
    parser.add_argument("--cache-dir", default=str(HERE / "results" / "cache_budget"))
    parser.add_argument("--output-dir", default=str(HERE / "results"))
    args = parser.parse_args(argv)
    args.method_params = {}
    cache = Path(args.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    splits = [(name, int(size), seed) for name, size in (d.split(":") for d in args.datasets)
              for seed in range(args.seeds)]
    started, rows = time.perf_counter(), []
    for dataset, n, seed in tqdm(splits, desc="budget sweep"):
        path = cache / (f"{Path(dataset).stem}__n{n}__seed{seed}__it{args.n_iter}"
                        f"__lambda{args.lambda_reward}.json")
        row = json.loads(path.read_text()) if path.exists() else None
        if row is None or set(row["ActiveGAN"]) != {str(b) for b in args.budgets}:
            row = run_split(dataset, n, seed, args)
            path.write_text(json.dumps(row))
        rows.append(row)
    meta = {"command": "python benchmarks/budget_sweep.py " + " ".join(
                argv if argv is not None else __import__("sys").argv[1:]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "n_iter": args.n_iter, "wall_seconds": time.perf_counter() - started}
    output = Path(args.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    (output / "budget.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    text = table(rows, args.budgets)
    (output / "budget.md").write_text(
        f"# Budget sweep\n\n`{meta['command']}` ({meta['date']}, "
        f"{meta['wall_seconds'] / 60:.1f} min)\n\nGain over the baseline SVM in macro-F1 "
        f"points (wins of {args.seeds} seeds) per synthetic budget:\n\n{text}\n")
    print(text)


if __name__ == "__main__":
    main()
