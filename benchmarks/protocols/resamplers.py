"""Over-samplers before an SVM or k-NN (``python -m benchmarks.imbalanced_resamplers``):
the methods, the classifiers and metrics, and the tables of their paired gains."""

import numpy as np

from .. import harness
from . import pipelines

#: The KEEL sets, the pipelines' (:mod:`benchmarks.protocols.pipelines`).
DATA, DATASETS = pipelines.DATA, pipelines.DATASETS
METHODS = ["none", "class_weight", "RandomOverSampler", "SMOTE", "BorderlineSMOTE",
           "SVMSMOTE", "ADASYN", "ActiveGAN", "SMOTE[0.5]", "ActiveGAN[0.5]"]
CLASSIFIERS = ("svm", "knn")
METRICS = ("macro_f1", "minority_f1", "g_mean")


def summarize(rows, methods):
    """Per data set and classifier: mean gain over "none" per metric, paired by seed."""
    base = {(r["dataset"], r["seed"]): r for r in rows if r["method"] == "none"}
    table = []
    for clf in CLASSIFIERS:
        for metric in METRICS:
            for method in methods:
                if method == "none":
                    continue
                pairs = {}
                for r in rows:
                    if r["method"] == method and clf in r and (r["dataset"], r["seed"]) in base:
                        ours, theirs = pairs.setdefault(r["dataset"], ([], []))
                        ours.append(r[clf][metric])
                        theirs.append(base[(r["dataset"], r["seed"])][clf][metric])
                if pairs:
                    per_set = {d: harness.paired(*p)["gain"] for d, p in pairs.items()}
                    table.append({"classifier": clf, "metric": metric, "method": method,
                                  "per_set": per_set,
                                  "mean": float(np.mean(list(per_set.values())))})
    return table


def markdown(table, datasets, clf, metric):
    entries = [e for e in table if e["classifier"] == clf and e["metric"] == metric]
    rows = [[d, *(f"{e['per_set'][d]:+.2f}" if d in e["per_set"] else "" for e in entries)]
            for d in datasets]
    rows.append(["**mean**", *(f"**{e['mean']:+.2f}**" for e in entries)])
    return harness.md_table(["data", *(e["method"] for e in entries)], rows)


def diagnostics_table(rows, methods):
    lines = []
    for method in methods:
        mine = [r for r in rows if r["method"] == method and "diagnostics" in r]
        if not mine:
            continue
        means = [np.mean([r["diagnostics"][n] for r in mine]) for n in harness.DIAGNOSTICS]
        seconds = np.median([r["seconds"] for r in mine])
        lines.append([method, f"{means[0]:.3f}", f"{means[1]:.1%}", f"{means[2]:.1%}",
                      f"{means[3]:.2f}", f"{means[4]:.2f}", f"{seconds:.1f}"])
    return harness.md_table(["method", "mean reward", "margin ≤ ε", "on the minority's side",
                             "median margin", "NN ratio", "fit + resample s (median)"], lines)
