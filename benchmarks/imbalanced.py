"""Imbalanced classes: the pipelines practitioners pick, with and without ActiveGANOverSampler.

On each data set and each of ``--repeats`` stratified 50/50 splits, every pipeline
is fitted on the training half only and scored on the test half (macro F1, the
minority class's F1). Every hyper-parameter is chosen on the training half by
inner stratified cross-validation (macro F1; as many folds as the minority allows,
at most 5):

- ``SVM``: RBF SVM on standardized features, grid over C and gamma;
  ``SVM balanced``: the same grid searched with ``class_weight="balanced"``;
- ``HGB``: ``HistGradientBoostingClassifier``, ``min_samples_leaf`` 5 or 20 (3 folds);
  ``HGB balanced``: the same choice with
  ``class_weight="balanced"``; ``HGB threshold``: ``HGB``'s choice inside
  ``TunedThresholdClassifierCV(scoring="f1_macro")``;
- ``LR threshold``: logistic regression (C grid-searched) inside
  ``TunedThresholdClassifierCV(scoring="f1_macro")``;
- ``X + SMOTE`` / ``X + ActiveGAN``: classifier X with its own choice of
  hyper-parameters (above), fitted on the training half balanced by SMOTE (SMOTENC
  with categorical columns) or by the default ``ActiveGANOverSampler``;
- ``X + ActiveGAN (CV)`` / ``X + SMOTE (CV)``: ``OverSampledClassifierCV`` — the
  share of the sampler's balancing (0, 25, 50 or 100 %) chosen by 3-fold inner
  cross-validation on the training half.

One ``ActiveGANOverSampler.fit_resample`` per split (and one per inner fold) serves
every classifier: resamples are cached on disk (``--cache-dir``/resamples), keyed by
the rows and the sampler's parameters. Rows are cached per (data set, split,
pipeline), so an interrupted run resumes. The test score of every share of the
split's balancing is recorded too (``share_test``), so that a selection rule can be
judged after the fact.

    python benchmarks/imbalanced.py                              # 13 sets x 5 splits
    python benchmarks/imbalanced.py --datasets glass2 ecoli4 --repeats 2
    python benchmarks/imbalanced.py --sampler '{"n_iter": 3000}' --tag imbalanced_n3000
"""

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import harness
import joblib
import numpy as np
from imblearn.over_sampling import SMOTE, SMOTENC
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, TunedThresholdClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm.auto import tqdm

from sk_activegan import ActiveGANOverSampler, OverSampledClassifierCV

DATA = harness.SHARED_DATA / "imbalanced"
DATASETS = ["glass1", "pima", "haberman", "vehicle1", "new-thyroid1", "segment0", "yeast3",
            "glass2", "yeast-1_vs_7", "ecoli4", "yeast6", "winequality-white-3_vs_7",
            "abalone19"]
PIPELINES = ["SVM", "SVM balanced", "SVM + SMOTE", "SVM + SMOTE (CV)", "SVM + ActiveGAN",
             "SVM + ActiveGAN (CV)", "HGB", "HGB balanced", "HGB threshold", "HGB + SMOTE",
             "HGB + ActiveGAN", "HGB + ActiveGAN (CV)", "LR threshold"]
#: The pipelines that use ActiveGANOverSampler (the rest is "without").
WITH_OVER_SAMPLER = [p for p in PIPELINES if "ActiveGAN" in p]
METRICS = ("macro_f1", "minority_f1")
C_GRID = [1.0, 10.0, 100.0]
GAMMA_FACTORS = [0.3, 1.0, 3.0]
HGB_GRID = {"min_samples_leaf": [5, 20]}  # 20 (the default) can hide a minority of 8 rows
HGB_FOLDS = 3
LR_C_GRID = [0.1, 1.0, 10.0]
SHARES = (0.0, 0.25, 0.5, 1.0)


class CachedSampler(BaseEstimator):
    """``sampler.fit_resample`` read back from ``cache_dir`` when the same sampler
    (same parameters) already resampled the same rows; a benchmark device, so that
    the pipelines of a split and the inner folds of ``OverSampledClassifierCV``
    share one fit per set of rows. The fit's seconds are kept beside the rows."""

    def __init__(self, sampler=None, cache_dir=None):
        self.sampler = sampler
        self.cache_dir = cache_dir

    def path(self, X, y):
        key = joblib.hash((np.asarray(X), np.asarray(y), self.sampler.get_params()))
        return Path(self.cache_dir) / f"{key}.npz"

    def fit_resample(self, X, y):
        path = self.path(X, y)
        if not path.exists():
            start = time.perf_counter()
            X_res, y_res = clone(self.sampler).fit_resample(X, y)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, X=np.asarray(X_res), y=np.asarray(y_res),
                     seconds=time.perf_counter() - start)
            os.replace(tmp, path)
        data = np.load(path)
        return data["X"], data["y"]

    def seconds(self, X, y):
        return float(np.load(self.path(X, y))["seconds"])


def smote(categorical, n_minority, seed):
    """SMOTE (SMOTENC with categorical columns), k as the minority allows (at most 5)."""
    k = int(max(1, min(5, n_minority - 1)))
    if categorical:
        return SMOTENC(categorical, k_neighbors=k, random_state=seed)
    return SMOTE(k_neighbors=k, random_state=seed)


def scores(model, X, y):
    predicted = model.predict(X)
    return {"macro_f1": 100 * f1_score(y, predicted, average="macro"),
            "minority_f1": 100 * f1_score(y, predicted, pos_label=1)}


def hgb(**params):
    return HistGradientBoostingClassifier(random_state=0, **params)


def tune(estimator, grid, X, y, max_folds=5):
    """The best parameters of ``estimator`` on ``grid`` (macro F1, inner folds)."""
    search = GridSearchCV(estimator, grid, scoring="f1_macro",
                          cv=harness.inner_folds(y, max_folds))
    return search.fit(X, y).best_params_


class Split:
    """One split of one data set: the training and test halves, and what its
    pipelines share (the classifiers' chosen hyper-parameters, the over-sampler's
    resample), each computed once when first asked for."""

    def __init__(self, name, seed, args):
        self.name, self.seed, self.args = name, seed, args
        data = harness.load(name, args.data_dir)
        self.categorical = list(data.categorical)
        self.X, self.X_test, self.y, self.y_test = data.split(0.5, seed)
        self.n_minority = int(np.sum(self.y == 1))
        self._memo = {}

    def memo(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def svm_params(self, class_weight=None):
        return self.memo(("svm", class_weight), lambda: harness.tune_svm(
            self.X, self.y, C_grid=C_GRID, gamma_factors=GAMMA_FACTORS, scoring="f1_macro",
            class_weight=class_weight))

    def classifier(self, family):
        """The classifier ``family`` ("SVM" or "HGB") with its own chosen parameters."""
        if family == "SVM":
            return harness.svm(*self.svm_params())
        return hgb(**self.memo("hgb", lambda: tune(hgb(), HGB_GRID, self.X, self.y,
                                                   HGB_FOLDS)))

    def sampler(self, kind):
        if kind == "SMOTE":
            # the inner folds of OverSampledClassifierCV hold about 2/3 of the minority
            return smote(self.categorical, self.n_minority * 2 // 3, self.seed)
        params = {"random_state": self.seed, **self.args.sampler}
        if self.categorical:
            params["categorical_features"] = self.categorical
        return CachedSampler(ActiveGANOverSampler(**params),
                             Path(self.args.cache_dir) / "resamples")

    def resampled(self, kind):
        if kind == "SMOTE":
            sampler = smote(self.categorical, self.n_minority, self.seed)
        else:
            sampler = self.sampler(kind)
        return self.memo(("resampled", kind), lambda: sampler.fit_resample(self.X, self.y))


def share_scores(model, split, X_res, y_res):
    """Test scores of ``model`` fitted with every share of the split's balancing."""
    n = len(split.y)
    added = int(len(y_res) - n)
    out = {}
    for share in SHARES:
        keep = n + int(np.round(share * added))  # binary: the synthetic rows are one class
        out[str(share)] = scores(clone(model).fit(X_res[:keep], y_res[:keep]), split.X_test,
                                 split.y_test)["macro_f1"]
    return out


def run_pipeline(split, pipeline):
    """The row of one pipeline on one split."""
    row = {"dataset": split.name, "seed": split.seed, "pipeline": pipeline,
           "n_train": len(split.y), "n_minority_train": split.n_minority}
    start = time.perf_counter()
    family, _, rest = pipeline.partition(" ")
    if pipeline == "SVM balanced":
        model = harness.svm(*split.svm_params("balanced"), class_weight="balanced")
        model.fit(split.X, split.y)
    elif pipeline == "HGB balanced":
        model = hgb(class_weight="balanced", **tune(hgb(class_weight="balanced"), HGB_GRID,
                                                    split.X, split.y, HGB_FOLDS))
        model.fit(split.X, split.y)
    elif pipeline == "HGB threshold":
        model = TunedThresholdClassifierCV(split.classifier("HGB"), scoring="f1_macro",
                                           cv=harness.inner_folds(split.y, HGB_FOLDS))
        model.fit(split.X, split.y)
        row["threshold"] = float(model.best_threshold_)
    elif pipeline == "LR threshold":
        base = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        C = tune(base, {"logisticregression__C": LR_C_GRID}, split.X,
                 split.y)["logisticregression__C"]
        model = TunedThresholdClassifierCV(base.set_params(logisticregression__C=C),
                                           scoring="f1_macro", cv=harness.inner_folds(split.y))
        model.fit(split.X, split.y)
        row.update(C=C, threshold=float(model.best_threshold_))
    elif rest == "":  # the classifier alone
        model = split.classifier(family).fit(split.X, split.y)
    elif rest.endswith("(CV)"):
        kind = rest.split()[1]
        model = OverSampledClassifierCV(split.classifier(family), split.sampler(kind),
                                        shares=SHARES, cv=3, scoring="f1_macro")
        model.fit(split.X, split.y)
        row.update(share=model.share_, cv_scores=model.cv_results_["mean_test_score"].tolist())
    else:
        kind = rest.split()[1]
        X_res, y_res = split.resampled(kind)
        model = split.classifier(family).fit(X_res, y_res)
        row["n_synthetic"] = int(len(y_res) - len(split.y))
        if kind == "ActiveGAN":
            row["sampler_seconds"] = split.sampler(kind).seconds(split.X, split.y)
            row["share_test"] = share_scores(split.classifier(family), split, X_res, y_res)
    row["seconds"] = time.perf_counter() - start
    row.update(scores(model, split.X_test, split.y_test))
    return row


# ----------------------------------------------------------------------------- summaries

def whole_splits(rows, pipelines):
    """The rows of the splits that hold a row of every pipeline."""
    count = {}
    for r in rows:
        if r["pipeline"] in pipelines:
            count[r["dataset"], r["seed"]] = count.get((r["dataset"], r["seed"]), 0) + 1
    return [r for r in rows if count.get((r["dataset"], r["seed"])) == len(pipelines)]


def per_set(rows, pipeline, metric="macro_f1", datasets=None):
    """``{data set: mean over its splits}`` of ``pipeline``."""
    values = {}
    for r in rows:
        if r["pipeline"] == pipeline and (datasets is None or r["dataset"] in datasets):
            values.setdefault(r["dataset"], []).append(r[metric])
    return {d: float(np.mean(v)) for d, v in values.items()}


def summarize(rows, pipelines, datasets):
    """Per pipeline: per-set means of both metrics and their means over the sets
    that every pipeline covers."""
    covered = [d for d in datasets
               if all(d in per_set(rows, p) for p in pipelines)]
    summary = {}
    for p in pipelines:
        entry = {"covered": covered}
        for metric in METRICS:
            values = per_set(rows, p, metric)
            entry[metric] = values
            entry[f"mean_{metric}"] = (float(np.mean([values[d] for d in covered]))
                                       if covered else float("nan"))
        summary[p] = entry
    return summary


def best_of(summary, pipelines, dataset=None):
    """The pipeline of ``pipelines`` with the highest mean macro F1 (over the covered
    sets, or on ``dataset``)."""
    if dataset is None:
        return max(pipelines, key=lambda p: summary[p]["mean_macro_f1"])
    return max(pipelines, key=lambda p: summary[p]["macro_f1"].get(dataset, -1))


def targets(summary, rows):
    """The issue's targets, as (text, met) pairs."""
    pipelines = list(summary)
    covered = summary[pipelines[0]]["covered"]
    mine = [p for p in pipelines if p in WITH_OVER_SAMPLER]
    others = [p for p in pipelines if p not in WITH_OVER_SAMPLER]
    if not covered or not mine or not others:
        return []
    out = []
    best_mine, best_other = best_of(summary, mine), best_of(summary, others)
    m, o = summary[best_mine]["mean_macro_f1"], summary[best_other]["mean_macro_f1"]
    out.append((f"best pipeline with the over-sampler ({best_mine}, {m:.2f}) ≥ the best "
                f"without it ({best_other}, {o:.2f}) in mean macro F1", m >= o))
    wins = [d for d in covered if max(summary[p]["macro_f1"][d] for p in mine)
            >= max(summary[p]["macro_f1"][d] for p in others)]
    out.append((f"the best pipeline with the over-sampler ≥ the best without it on "
                f"{len(wins)} of {len(covered)} sets (target ≥ 7)", len(wins) >= 7))
    if "HGB + ActiveGAN" in summary and "HGB balanced" in summary:
        a, b = (summary[p]["mean_macro_f1"] for p in ("HGB + ActiveGAN", "HGB balanced"))
        out.append((f"HGB + ActiveGAN ({a:.2f}) ≥ HGB balanced ({b:.2f}) on average", a >= b))
    for family in ("SVM", "HGB"):
        cv = f"{family} + ActiveGAN (CV)"
        if cv in summary and family in summary:
            gaps = {d: summary[cv]["macro_f1"][d] - summary[family]["macro_f1"][d]
                    for d in covered}
            worst = min(gaps, key=gaps.get)
            out.append((f"{cv}: worst set {worst} {gaps[worst]:+.2f} against {family} alone "
                        f"(target ≥ -1.00)", gaps[worst] >= -1.0))
    return out


def markdown_table(summary, datasets, metric="macro_f1"):
    pipelines = list(summary)
    covered = summary[pipelines[0]]["covered"]
    lines = []
    for d in datasets:
        values = {p: summary[p][metric].get(d) for p in pipelines}
        top = max(v for v in values.values() if v is not None) if any(
            v is not None for v in values.values()) else None
        lines.append([d, *("" if v is None else (f"**{v:.1f}**" if v == top else f"{v:.1f}")
                           for v in values.values())])
    means = [summary[p][f"mean_{metric}"] for p in pipelines]
    lines.append([f"**mean ({len(covered)} sets)**",
                  *(f"**{v:.2f}**" for v in means)])
    return harness.md_table(["data", *pipelines], lines)


def shares_table(rows, datasets):
    """Per set: how often each share was chosen, and the test macro F1 of each share
    (SVM and HGB)."""
    lines = []
    for d in datasets:
        cells = [d]
        for family in ("SVM", "HGB"):
            chosen = [r["share"] for r in rows
                      if r["dataset"] == d and r["pipeline"] == f"{family} + ActiveGAN (CV)"]
            tests = [r["share_test"] for r in rows
                     if r["dataset"] == d and r["pipeline"] == f"{family} + ActiveGAN"]
            cells.append(" ".join(f"{s:g}" for s in chosen))
            cells.append(" / ".join(f"{np.mean([t[str(s)] for t in tests]):.1f}"
                                    for s in SHARES) if tests else "")
        lines.append(cells)
    shares = " / ".join(f"{s:g}" for s in SHARES)
    return harness.md_table(["data", "SVM: shares chosen", f"SVM test F1 at {shares}",
                             "HGB: shares chosen", f"HGB test F1 at {shares}"], lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pipelines", nargs="+", default=PIPELINES)
    parser.add_argument("--sampler", default="{}", type=json.loads,
                        help="ActiveGANOverSampler parameters over its defaults (JSON)")
    parser.add_argument("--data-dir", default=str(DATA))
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_imbalanced_pipelines"))
    parser.add_argument("--output-dir", default=str(harness.RESULTS))
    parser.add_argument("--tag", default="imbalanced_pipelines")
    parser.add_argument("--cached-only", action="store_true",
                        help="report the splits the cache holds whole; compute nothing")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    cache = harness.ResultCache(args.cache_dir)
    settings = harness.settings_hash(args.sampler) if args.sampler else ""
    started = time.perf_counter()
    rows = []
    # split by split over all the sets: an interrupted run has every set's first splits
    jobs = [(d, s) for s in range(args.repeats) for d in args.datasets]
    with tqdm(total=len(jobs) * len(args.pipelines), desc="imbalanced") as progress:
        for name, seed in jobs:
            split = None
            for pipeline in args.pipelines:
                key = (name, None, seed, pipeline)
                row = cache.get(*key, settings=settings)
                if row is None and args.cached_only:
                    continue
                if row is None:
                    split = split or Split(name, seed, args)
                    row = cache.put(run_pipeline(split, pipeline), *key, settings=settings)
                rows.append(row)
                progress.update(1)
                progress.set_postfix_str(f"{name} seed={seed} {pipeline}")
    rows = whole_splits(rows, args.pipelines)
    datasets = [d for d in args.datasets if any(r["dataset"] == d for r in rows)]
    summary = summarize(rows, args.pipelines, datasets)
    meta = harness.run_meta("imbalanced.py", argv, started, repeats=args.repeats,
                            sampler=args.sampler)
    report = [f"# {args.tag} run", "", harness.provenance(meta), "",
              "## Macro F1 (points), mean over the splits; best per set in bold", "",
              markdown_table(summary, datasets), "",
              "## Minority-class F1 (points)", "", markdown_table(summary, datasets,
                                                                 "minority_f1"), "",
              "## Targets", "", *[f"- {'met' if ok else '**not met**'}: {text}"
                                  for text, ok in targets(summary, rows)], ""]
    if any("share_test" in r for r in rows):
        report += ["## The share of balancing: chosen by inner CV, and each share's test F1",
                   "", shares_table(rows, datasets), ""]
    harness.write_results(args.output_dir, args.tag,
                          {"meta": meta, "rows": rows, "summary": summary}, report)
    print("\n".join(report))


if __name__ == "__main__":
    main()
