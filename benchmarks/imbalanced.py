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

    python -m benchmarks.imbalanced                              # 13 sets x 5 splits
    python -m benchmarks.imbalanced --datasets glass2 ecoli4 --repeats 2
    python -m benchmarks.imbalanced --sampler '{"n_iter": 3000}' --tag imbalanced_n3000
"""

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import joblib
import numpy as np
from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, TunedThresholdClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm.auto import tqdm

from sk_activegan import ActiveGANOverSampler, OverSampledClassifierCV

from . import harness
from .protocols.pipelines import (DATA, DATASETS, PIPELINES, SHARES, against,
                                  against_markdown, critical_difference_figure, cv_rule_markdown,
                                  cv_rule_study, markdown_table,
                                  rank_statistics, set_properties, shares_table,
                                  statistics_markdown, summarize, targets, where_it_pays,
                                  where_it_pays_markdown, whole_splits)

HGB_GRID = {"min_samples_leaf": [5, 20]}  # 20 (the default) can hide a minority of 8 rows
HGB_FOLDS = 3
LR_C_GRID = [0.1, 1.0, 10.0]


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


def smote(categorical, n_minority, seed, n_features=None):
    """SMOTE (SMOTENC with categorical columns, SMOTEN when every one of the
    ``n_features`` columns is), k as the minority allows (at most 5)."""
    k = int(max(1, min(5, n_minority - 1)))
    if categorical and n_features is not None and len(categorical) == n_features:
        return SMOTEN(k_neighbors=k, random_state=seed)
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
            self.X, self.y, scoring="f1_macro", class_weight=class_weight))

    def classifier(self, family):
        """The classifier ``family`` ("SVM" or "HGB") with its own chosen parameters."""
        if family == "SVM":
            return harness.svm(*self.svm_params())
        return hgb(**self.memo("hgb", lambda: tune(hgb(), HGB_GRID, self.X, self.y,
                                                   HGB_FOLDS)))

    def sampler(self, kind):
        if kind == "SMOTE":
            # the inner folds of OverSampledClassifierCV hold about 2/3 of the minority
            return smote(self.categorical, self.n_minority * 2 // 3, self.seed,
                         self.X.shape[1])
        params = {"random_state": self.seed, **self.args.sampler}
        if self.categorical:
            params["categorical_features"] = self.categorical
            if len(self.categorical) == self.X.shape[1]:  # the anchored family refuses
                params.setdefault("generator", "paper")  # rows of categories only
        return CachedSampler(ActiveGANOverSampler(**params),
                             Path(self.args.cache_dir) / "resamples")

    def resampled(self, kind):
        if kind == "SMOTE":
            sampler = smote(self.categorical, self.n_minority, self.seed, self.X.shape[1])
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
        results = model.cv_results_
        n_splits = sum(key.startswith("split") for key in results)
        row.update(share=model.share_, cv_scores=results["mean_test_score"].tolist(),
                   cv_split_scores=[[float(results[f"split{k}_test_score"][i])
                                     for k in range(n_splits)]
                                    for i in range(len(results["shares"]))])
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


def ranks_region(statistics, pays):
    """The page's filled region, from the results' JSON: the ranks and the tests, then
    where the over-sampler pays (by kind of set)."""
    return "\n".join([*statistics_markdown(statistics), "",
                      where_it_pays_markdown(pays) if pays else ""]).strip()


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
    parser.add_argument("--restore", metavar="JSON",
                        help="first put the rows of a committed results JSON (say "
                             "results/imbalanced40.json) into the cache: the cache is "
                             "outside git, the rows are not")
    parser.add_argument("--against", metavar="TAG",
                        help="compare the over-sampler's gains with the committed run TAG "
                             "(results/TAG.json) on the splits both hold, by kind of set")
    parser.add_argument("--docs", action="store_true",
                        help="fill the ranks and tests into docs/imbalanced.md between "
                             "<!-- imbalanced.py: TAG --> markers")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    cache = harness.ResultCache(args.cache_dir)
    settings = harness.settings_hash(args.sampler) if args.sampler else ""
    started = time.perf_counter()
    if args.restore:
        for row in json.loads(Path(args.restore).read_text())["rows"]:
            key = (row["dataset"], None, row["seed"], row["pipeline"])
            if cache.get(*key, settings=settings) is None:
                cache.put(row, *key, settings=settings)
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
    statistics = rank_statistics(summary) if rows else None
    pays = {}
    if statistics is not None and "wilcoxon" in statistics:
        pair = (statistics["wilcoxon"]["with"], statistics["wilcoxon"]["without"])
        pays = where_it_pays(summary, set_properties(datasets, args.data_dir), pair)
    where_pays = where_it_pays_markdown(pays) if pays else ""
    report = [f"# {args.tag} run", "", harness.provenance(meta), "",
              "## Macro F1 (points), mean over the splits; best per set in bold", "",
              markdown_table(summary, datasets), "",
              "## Minority-class F1 (points)", "", markdown_table(summary, datasets,
                                                                 "minority_f1"), "",
              "## Ranks over the sets, and the tests", "",
              *statistics_markdown(statistics), "",
              "## Where the over-sampler pays", "", where_pays, "",
              "## Targets", "", *[f"- {'met' if ok else '**not met**'}: {text}"
                                  for text, ok in targets(summary, rows)], ""]
    compared = {}
    if args.against:
        labels = (args.tag, args.against)
        compared = against(rows, harness.load_results(args.against, args.output_dir)["rows"],
                           set_properties(datasets, args.data_dir), labels)
        report += [f"## The over-sampler's gain: {labels[0]} against {labels[1]}", "",
                   against_markdown(compared, labels), ""]
    rules = (cv_rule_study(rows) if any("cv_split_scores" in r for r in rows) else {})
    if rules:
        report += ["## The data-chosen amount under other rules (after the fact)", "",
                   cv_rule_markdown(rules), ""]
    if any("share_test" in r for r in rows):
        report += ["## The share of balancing: chosen by inner CV, and each share's test F1",
                   "", shares_table(rows, datasets), ""]
    harness.write_results(args.output_dir, args.tag,
                          {"meta": meta, "rows": rows, "summary": summary,
                           "statistics": statistics, "where_it_pays": pays,
                           "cv_rules": rules, "against": compared}, report)
    if args.docs and compared:  # a comparison fills its own region only
        print("filled", harness.fill_page(
            "imbalanced", f"imbalanced.py: {args.tag} against {args.against}",
            against_markdown(compared, (args.tag, args.against))))
    elif args.docs:
        print("filled", harness.fill_page("imbalanced", f"imbalanced.py: {args.tag}",
                                          ranks_region(statistics, pays)))
        if rules:
            print("filled", harness.fill_page("imbalanced", f"imbalanced.py: {args.tag} rules",
                                              cv_rule_markdown(rules)))
        if statistics is not None and "critical_difference" in statistics:
            print("drew", critical_difference_figure(
                statistics, harness.DOCS / "img" / f"{args.tag}_cd.png"))
    print("\n".join(report))


if __name__ == "__main__":
    main()
