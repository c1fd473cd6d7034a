"""The paper's protocol (Table 1) on real data: does augmentation beat the baseline SVM?

For each data set, labeled-set size n and seed: a stratified n-sample training set
(the rest is the test set); a baseline RBF SVM grid-searched on it; then, for every
method, the same synthetic budget (default +50 % of n, split over the classes like
the real data), the SVM retrained with the baseline's hyper-parameters on real +
synthetic rows, and the macro F-score on the whole test set. Uses the library's
public API only.

    python -m benchmarks.paper_protocol --quick                 # < 5 minutes on 2 cores
    python -m benchmarks.paper_protocol                          # the full run
    python -m benchmarks.paper_protocol --ablation digits:200    # eps, alpha, lambda sweeps

Results are cached per (data set, n, seed, method, settings) as JSON under
--cache-dir, so an interrupted run resumes where it stopped and a run with other
settings (--n-iter, --budget, --lambda-reward, a variant's parameters) computes its own.
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import harness
from .harness import fit_augmented, macro_f1, per_class_f1, svm
from .protocols.tabular import (CV_BUDGETS, DEFAULT_SIZES, METHODS, budget_per_class,
                                dataset_means, diagnostics, fit_cv_classifier, generate,
                                markdown, summarize, tune_baseline)


# --------------------------------------------------------------------------- runner

def settings(method, args):
    """The cache's settings suffix: what changes a method's rows (iterations, budget,
    λ, a variant's parameters); none for the baseline, which depends on the split."""
    if method == "baseline":
        return ""
    return harness.settings_hash({"n_iter": args.n_iter, "budget": args.budget,
                                  "lambda_reward": args.lambda_reward,
                                  "params": args.method_params.get(method, {})})


def run_split(dataset, n, seed, methods, args, cache, progress):
    cached = {m: cache.get(dataset, n, seed, m, settings=settings(m, args))
              for m in ["baseline", *methods]}
    rows = [row for row in cached.values() if row is not None]
    if all(row is not None for row in cached.values()):
        progress.update(len(cached))
        return rows
    X_train, X_test, y_train, y_test = harness.load(dataset, args.data_dir).split(n, seed)
    C, gamma = tune_baseline(X_train, y_train)
    key = {"dataset": Path(dataset).stem, "n": n, "seed": seed, "C": C, "gamma": gamma}
    if cached["baseline"] is None:
        model = svm(C, gamma).fit(X_train, y_train)
        row = {**key, "method": "baseline", "f1": macro_f1(model, X_test, y_test),
               "per_class_f1": per_class_f1(model, X_test, y_test), "n_synthetic": 0}
        cache.put(row, dataset, n, seed, "baseline")
        rows.append(row)
    progress.update(1)
    for method in methods:
        if cached[method] is None:
            start = time.perf_counter()
            if method == "ActiveGAN+CV":
                model = fit_cv_classifier(X_train, y_train, C, gamma, args, seed)
                info = {"chosen_budget": model.n_synthetic_,
                        "inner_cv_f1": dict(zip(map(str, CV_BUDGETS),
                                                model.cv_results_["mean_test_score"].tolist()))}
                X_syn, y_syn = X_train[:0], y_train[:0]
                if model.augmenter_ is not None:  # fresh rows of the final generator, for
                    X_syn, y_syn = model.augmenter_.sample(  # the diagnostics only
                        budget_per_class(y_train, model.n_synthetic_))
            else:
                X_syn, y_syn, info = generate(method, X_train, y_train, C, gamma, args, seed)
                model = fit_augmented(svm(C, gamma), X_train, y_train, X_syn, y_syn)
            row = {**key, "method": method, "f1": macro_f1(model, X_test, y_test),
                   "per_class_f1": per_class_f1(model, X_test, y_test),
                   "n_synthetic": int(len(X_syn)), "seconds": time.perf_counter() - start,
                   **info, **diagnostics(X_train, y_train, X_syn, y_syn, C, gamma)}
            cache.put(row, dataset, n, seed, method, settings=settings(method, args))
            rows.append(row)
        progress.update(1)
        progress.set_postfix_str(f"{Path(dataset).stem} n={n} seed={seed} {method}")
    return rows


def per_class_figure(rows, dataset, n, method, path):
    """The paper's Figure 2: per-class F1 gain of a method over the baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    base = {r["seed"]: np.array(r["per_class_f1"]) for r in rows
            if (r["dataset"], r["n"], r["method"]) == (dataset, n, "baseline")}
    gains = np.array([np.array(r["per_class_f1"]) - base[r["seed"]] for r in rows
                      if (r["dataset"], r["n"], r["method"]) == (dataset, n, method)])
    if len(gains) == 0:
        return
    fig, ax = plt.subplots(figsize=(7, 3.5))
    mean = gains.mean(axis=0)
    ax.bar(np.arange(len(mean)), mean, yerr=gains.std(axis=0), capsize=3,
           color=np.where(mean >= 0, "tab:green", "tab:red"))
    ax.axhline(0, color="black", lw=0.8)
    ax.set(xlabel="class", ylabel="F1 gain over baseline (points)",
           title=f"{method} vs baseline SVM, {dataset} n={n}, {len(gains)} seeds")
    ax.set_xticks(np.arange(len(mean)))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


ABLATIONS = {
    "epsilon": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1.0],  # the paper's Table 2
    "alpha": [0.0, 0.3, 0.5, 0.7, 1.0],
    "lambda_reward": [0.03, 0.1, 0.3, 1.0, 3.0],
}


def ablation_methods():
    """ActiveGAN variants named ``ActiveGAN[param=value]`` with their parameters."""
    variants = {}
    for param, values in ABLATIONS.items():
        for value in values:
            variants[f"ActiveGAN[paper,{param}={value}]"] = {"generator": "paper", param: value}
    return variants


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=list(DEFAULT_SIZES),
                        help="digits, names of .npz files in --data-dir, or .npz paths; "
                             "NAME:N runs only labeled-set size N")
    parser.add_argument("--sizes", nargs="+", type=int, default=None,
                        help="labeled-set sizes for every data set (default: per data set)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--methods", nargs="+", default=METHODS)
    parser.add_argument("--budget", type=float, default=0.5, help="synthetic rows, share of n")
    parser.add_argument("--n-iter", type=int, default=2000)
    parser.add_argument("--lambda-reward", type=float, default=0.1)
    parser.add_argument("--data-dir", default=str(harness.SHARED_DATA))
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache"))
    parser.add_argument("--output-dir", default=str(harness.RESULTS))
    parser.add_argument("--tag", default=None,
                        help="name of the output files (default: full, quick or ablation)")
    parser.add_argument("--quick", action="store_true",
                        help="digits n=200, 2 seeds, 600 iterations: under 5 minutes")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=JSON",
                        help='an ActiveGAN variant, e.g. pathwise=\'{"reward_gradient": '
                             '"pathwise"}\'; run as method "ActiveGAN[NAME]" (repeatable)')
    parser.add_argument("--ablation", default=None, metavar="DATASET:N",
                        help="sweep epsilon, alpha and lambda for ActiveGAN on one set")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.sizes, args.seeds, args.n_iter = ["digits"], [200], 2, 600
    args.method_params = harness.parse_variants(args.variant)
    args.methods = [*args.methods, *args.method_params]
    if args.ablation:
        dataset, n = harness.parse_entry(args.ablation)
        args.datasets, args.sizes = [dataset], [n]
        args.method_params = ablation_methods()
        args.methods = ["ActiveGAN[paper]", *args.method_params]

    # AC-GAN+F at a tight margin often finds too few samples and fills up with the
    # lowest-margin rest; the library warns each time, which would flood the log
    warnings.filterwarnings("ignore", message="Only .* had a margin")
    splits = []
    for entry in args.datasets:  # NAME, or NAME:N for one labeled-set size
        name, size = harness.parse_entry(entry)
        sizes = [size] if size is not None else (
            args.sizes or DEFAULT_SIZES.get(Path(name).stem, [200]))
        splits += [(name, n, s) for n in sizes for s in range(args.seeds)]
    cache = harness.ResultCache(args.cache_dir)
    started = time.perf_counter()
    rows = []
    with tqdm(total=len(splits) * (1 + len(args.methods)), desc="benchmark") as progress:
        for dataset, n, seed in splits:
            rows += run_split(dataset, n, seed, args.methods, args, cache, progress)
    table = summarize(rows, args.methods)

    tag = args.tag or ("ablation" if args.ablation else ("quick" if args.quick else "full"))
    meta = harness.run_meta(Path(__file__).name, argv, started, n_iter=args.n_iter,
                            budget=args.budget)
    report = [f"# {tag} run", "", harness.provenance(meta), "", markdown(table), "",
              "Gain per data set, averaged over its n values (relative error reduction):",
              "", dataset_means(table, args.methods)]
    harness.write_results(args.output_dir, tag, {"meta": meta, "rows": rows, "summary": table},
                          report)
    print("\n".join(report))
    output = Path(args.output_dir)
    first = splits[0]
    figure_method = next((m for m in ("ActiveGAN", "ActiveGAN[paper]") if m in args.methods),
                         args.methods[0])
    try:
        per_class_figure(rows, Path(first[0]).stem, first[1], figure_method,
                         output / f"{tag}_per_class_gain.png")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
