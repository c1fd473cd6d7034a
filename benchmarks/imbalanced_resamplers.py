"""Over-sampling on the 13 KEEL imbalanced sets: ActiveGANOverSampler vs the SMOTE family.

For each data set and repeat: a stratified 50/50 split; an RBF SVM grid-searched on
the training half (C, gamma; macro F1); every method resamples the training half
and the SVM is refitted with those hyper-parameters (``class_weight="balanced"``
refits it with balanced class weights instead of resampling); scores on the test
half: macro F1, the minority class's F1 and the G-mean. The same resampled sets
also train a second classifier (5-nearest neighbours on standardized features).
Diagnostics of each method's synthetic minority rows come from the library's
``synthetic_diagnostics`` under a calibrated SVM with the baseline's settings.
Uses the library's public API only. Rows are cached per (data set, repeat,
method), so an interrupted run resumes.

    python -m benchmarks.imbalanced_resamplers            # 13 sets x 5 repeats
    python -m benchmarks.imbalanced_resamplers --datasets glass2 ecoli4 --repeats 2
"""

import argparse
import time
import warnings

import numpy as np
from imblearn.metrics import geometric_mean_score
from imblearn.over_sampling import (ADASYN, SMOTE, SMOTENC, SVMSMOTE, BorderlineSMOTE,
                                    RandomOverSampler)
from sklearn.metrics import f1_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm.auto import tqdm

from sk_activegan import ActiveGANOverSampler, make_reward_model, synthetic_diagnostics

from . import harness
from .protocols.resamplers import (CLASSIFIERS, DATA, DATASETS, METHODS, METRICS,
                                   diagnostics_table, markdown, summarize)


def resample(method, X, y, categorical, seed, args):
    """The training half after ``method``; None for the methods that do not resample."""
    if method in ("none", "class_weight"):
        return None
    ratio = 0.5 if method.endswith("[0.5]") else "auto"
    name = method.split("[")[0]
    k = int(min(5, np.bincount(y).min() - 1))
    if name == "ActiveGAN":
        params = {"sampling_strategy": ratio, **args.variants.get(method, {})}
        sampler = ActiveGANOverSampler(n_iter=args.n_iter, random_state=seed, **params)
        if categorical and "categorical_features" in sampler.get_params():
            sampler.set_params(categorical_features=categorical)
    elif name == "RandomOverSampler":
        sampler = RandomOverSampler(random_state=seed)
    elif name == "SMOTE" and categorical:
        sampler = SMOTENC(categorical, sampling_strategy=ratio, k_neighbors=k,
                          random_state=seed)
    elif name == "ADASYN":
        sampler = ADASYN(n_neighbors=k, random_state=seed)
    else:
        sampler = {"SMOTE": SMOTE, "BorderlineSMOTE": BorderlineSMOTE,
                   "SVMSMOTE": SVMSMOTE}[name](sampling_strategy=ratio, k_neighbors=k,
                                               random_state=seed)
        if name != "SMOTE":
            sampler.set_params(m_neighbors=int(min(10, len(X) - 1)))
    return sampler.fit_resample(X, y)


def scores(model, X, y):
    predicted = model.predict(X)
    return {"macro_f1": 100 * f1_score(y, predicted, average="macro"),
            "minority_f1": 100 * f1_score(y, predicted, pos_label=1),
            "g_mean": 100 * geometric_mean_score(y, predicted)}


def run_one(name, seed, method, args):
    data = harness.load(name, args.data_dir)
    categorical = list(data.categorical)
    X_train, X_test, y_train, y_test = data.split(0.5, seed)
    C, gamma = harness.tune_svm(X_train, y_train, scoring="f1_macro")
    row = {"dataset": name, "seed": seed, "method": method, "C": C, "gamma": gamma,
           "n_train": len(y_train), "n_minority_train": int(np.sum(y_train == 1))}
    start = time.perf_counter()
    try:
        resampled = resample(method, X_train, y_train, categorical, seed, args)
    except (ValueError, RuntimeError) as exc:  # e.g. ADASYN finds no neighbours to use
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row
    row["seconds"] = time.perf_counter() - start
    X_fit, y_fit = (X_train, y_train) if resampled is None else resampled
    X_fit, y_fit = np.asarray(X_fit), np.asarray(y_fit)
    row["n_synthetic"] = int(len(y_fit) - len(y_train))
    weight = "balanced" if method == "class_weight" else None
    svm = harness.svm(C, gamma, class_weight=weight)
    row["svm"] = scores(svm.fit(X_fit, y_fit), X_test, y_test)
    if method != "class_weight":  # k-NN has no class weights
        knn = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5))
        row["knn"] = scores(knn.fit(X_fit, y_fit), X_test, y_test)
    if row["n_synthetic"] > 0:
        X_syn, y_syn = X_fit[len(y_train):], y_fit[len(y_train):]
        minority = y_syn == 1
        if minority.any():
            reward_model = make_reward_model(C=C, gamma=gamma).fit(X_train, y_train)
            row["diagnostics"] = synthetic_diagnostics(X_train, y_train, X_syn[minority],
                                                       y_syn[minority], reward_model)[1]
            if categorical:
                valid = np.isin(X_syn[minority][:, categorical], np.unique(
                    X_train[:, categorical])).all(axis=1)
                row["diagnostics"]["share_valid_categories"] = float(valid.mean())
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--methods", nargs="+", default=METHODS)
    parser.add_argument("--n-iter", type=int, default=3000)
    parser.add_argument("--data-dir", default=str(DATA))
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_imbalanced"))
    parser.add_argument("--output-dir", default=str(harness.RESULTS))
    parser.add_argument("--tag", default="imbalanced")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=JSON",
                        help='an over-sampler variant, e.g. r1=\'{"anchor_radius": 1.0}\'; '
                             'run as method "ActiveGAN[NAME]" (repeatable)')
    args = parser.parse_args(argv)
    args.variants = harness.parse_variants(args.variant)
    args.methods = [*args.methods, *args.variants]
    warnings.filterwarnings("ignore", category=UserWarning)
    cache = harness.ResultCache(args.cache_dir)
    started = time.perf_counter()
    rows = []
    jobs = [(d, s, m) for d in args.datasets for s in range(args.repeats) for m in args.methods]
    with tqdm(total=len(jobs), desc="imbalanced") as progress:
        for name, seed, method in jobs:
            settings = f"__it{args.n_iter}" + (harness.settings_hash(args.variants[method])
                                               if method in args.variants else "")
            row = cache.get(name, None, seed, method, settings=settings)
            if row is None:
                row = cache.put(run_one(name, seed, method, args), name, None, seed, method,
                                settings=settings)
            rows.append(row)
            progress.update(1)
            progress.set_postfix_str(f"{name} seed={seed} {method}")
    table = summarize(rows, args.methods)
    meta = harness.run_meta("imbalanced_resamplers.py", argv, started, n_iter=args.n_iter,
                            repeats=args.repeats)
    errors = [f"{r['dataset']} seed {r['seed']} {r['method']}: {r['error']}" for r in rows
              if "error" in r]
    report = [f"# {args.tag} run", "",
              harness.provenance({**meta, "command": meta["command"].strip()}), ""]
    for clf in CLASSIFIERS:
        for metric in METRICS:
            report += [f"## {clf}: {metric} gain over no resampling (points)", "",
                       markdown(table, args.datasets, clf, metric), ""]
    report += ["## Synthetic minority rows", "", diagnostics_table(rows, args.methods), ""]
    if errors:
        report += ["## Failed runs", "", *[f"- {e}" for e in errors], ""]
    harness.write_results(args.output_dir, args.tag,
                          {"meta": meta, "rows": rows, "summary": table}, report)
    print("\n".join(report))


if __name__ == "__main__":
    main()
