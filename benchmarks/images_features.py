"""Photos through the native extractor: CIFAR-10, n = 1,000, the SVM on
EfficientNet-Lite0's 224-px features.

For every seed: a stratified n-image training set drawn from the official training
split, the official 10,000 test images as the test set; every image (real or
synthetic) is read by :class:`sk_activegan.EfficientNetLite0Features` at 224 px
(features cached once per real image by :class:`harness.FeatureCache`); an RBF SVM
on standardized features, (C, gamma) grid-searched on the training set
(:func:`harness.tune_svm`); every row's synthetic images go through the same
extractor, the SVM is refitted with the baseline's (C, gamma) on real + synthetic
features and scored by macro F1 on the test features. Rows are cached one JSON per
(n, seed, row) with :class:`harness.ResultCache`, so an interrupted run resumes.

Rows (classical ones are baselines, no library):

- ``flips-crops``: eight draws of every image, mirrored with probability 1/2 and
  cropped from the image padded by 4 px (:func:`harness.flips_crops`).
- ``shift4``: the four 1-px translations of every image.
- ``trivialaugment``: kornia's TrivialAugment, eight draws of every image.
- ``untrained``: the warp generator with ``n_iter=0`` (random warps);
  ``default``: the warp generator trained with the reward (+800 %; the grey images'
  default, and the colour images' until 0.3), the reward model on the extractor's
  features; ``default-lambda0``: the same with λ = 0.
- ``augment``: ``generator="augment"`` (the augmentation policy over kornia's ops,
  every op of a colour image: the colour images' default since 0.3), trained with
  the reward on features;
  ``augment-untrained``: its untrained draw (uniform over ops and magnitudes,
  TrivialAugment's rule); ``@1``: the same fitted models sampled at +100 %.
- ``augment-CV``: the recipe the docs give for images, ``AugmentedClassifierCV``
  over the augmentation policy, the budget (0, +25 %, +100 %, +800 %) chosen by
  3-fold inner CV with the one-standard-error rule; the SVM inside reads the
  extractor's features.

    python -m benchmarks.images_features --seeds 0 1 --threads 1    # the cell
    python -m benchmarks.images_features --report --docs            # results + images page

Run the seeds as separate processes side by side, one thread each, once the test
features are cached (the first process computes them: about 5 minutes on one core).
"""

import argparse
import time
from types import SimpleNamespace

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import make_pipeline

from sk_activegan import ActiveGANAugmenter, AugmentedClassifierCV, synthetic_counts

from . import harness
from .protocols.features import CachedFeatures, Cell

DATASET = "cifar10"
#: ``n_synthetic="auto"`` for images: +800 % (8 rows per labeled image).
IMAGE_BUDGET = 8.0
#: The budgets the CV recipe chooses among (0: the classifier alone).
CV_BUDGETS = (0.0, 0.25, 1.0, IMAGE_BUDGET)
#: The augmenter the CV recipe searches over (the augmentation policy, trained).
CV_AUGMENTER = {"generator": "augment"}
#: Rows in the order they run (the cheapest and the baselines first).
ROWS = ["flips-crops", "shift4", "trivialaugment", "untrained", "default",
        "augment-untrained", "augment-untrained@1", "augment", "augment@1",
        "default-lambda0", "augment-CV", "augment-lambda0"]
#: Rows of a fitted augmenter: {kind: {row: budget}}, and the kind's settings.
FITTED = {"untrained": ({"generator": "warp", "n_iter": 0}, {"untrained": IMAGE_BUDGET}),
          "default": ({"generator": "warp"}, {"default": IMAGE_BUDGET}),
          "default-lambda0": ({"generator": "warp", "lambda_reward": 0.0},
                              {"default-lambda0": IMAGE_BUDGET}),
          "augment-untrained": ({"generator": "augment", "n_iter": 0},
                                {"augment-untrained": IMAGE_BUDGET,
                                 "augment-untrained@1": 1.0}),
          "augment": ({"generator": "augment"}, {"augment": IMAGE_BUDGET, "augment@1": 1.0}),
          "augment-lambda0": ({"generator": "augment", "lambda_reward": 0.0},
                              {"augment-lambda0": IMAGE_BUDGET})}
#: The rows the report and the images page show, with their labels.
LABELS = {"flips-crops": "flips + 4-px crops ×8 (baseline)",
          "shift4": "four 1-px shifts (baseline)",
          "trivialaugment": "kornia TrivialAugment ×8 (baseline)",
          "untrained": "random warps (the warp generator untrained)",
          "default": "the warp generator, trained with the reward (the grey images' default)",
          "default-lambda0": "the warp generator with λ = 0",
          "augment-untrained": "augmentation policy, untrained (uniform over ops)",
          "augment": "**the colour images' default**: the augmentation policy, trained "
                     "with the reward",
          "augment-lambda0": "augmentation policy, trained with λ = 0",
          "augment-untrained@1": "augmentation policy, untrained, +100 %",
          "augment@1": "augmentation policy, trained, +100 %",
          "augment-CV": "CV recipe (`AugmentedClassifierCV`, budget 0 / 0.25 / 1 / 8)"}


class ExtractorFeatures(TransformerMixin, BaseEstimator):
    """Flat images -> the cell's extractor features (a step of the CV recipe's
    estimator). ``memo`` names a per-process table shared by every clone, so that
    the synthetic images of one fold are read once whatever the share."""

    _tables = {}

    def __init__(self, memo="cell"):
        self.memo = memo

    def fit(self, X, y=None):
        return self

    def transform(self, X, batch=128):
        module = self._tables[self.memo]
        X = np.asarray(X, dtype=np.float32)
        out = []
        with torch.inference_mode():  # in batches: the extractor resizes to 224 px
            for start in range(0, len(X), batch):
                chunk = X[start:start + batch]
                features = module(torch.as_tensor(chunk).reshape(
                    len(chunk), *harness.IMAGE_SHAPES[DATASET])).numpy()
                module.remember(chunk, features)
                out.append(features)
        return np.concatenate(out)


def classical(row, cell):
    X, y, shape = cell.X, cell.y, cell.shape
    if row == "flips-crops":
        return harness.flips_crops(X, shape, 8, cell.seed), np.tile(y, 8)
    if row == "shift4":
        return harness.shifted(X, y, shape, harness.SHIFTS4)
    if row == "trivialaugment":
        return harness.trivial_augment(X, shape, 8, cell.seed, top=255.0), np.tile(y, 8)
    raise ValueError(row)


def record(cache, cell, row, X_syn, y_syn, info, seconds):
    F_syn, feature_seconds = cell.synthetic_features(X_syn)
    start = time.perf_counter()
    f1, _ = cell.score(F_syn, y_syn)
    out = {"dataset": DATASET, "n": cell.n, "seed": cell.seed, "method": row, "f1": f1,
           "C": float(cell.C), "gamma": float(cell.gamma), "n_synthetic": int(len(X_syn)),
           "seconds": seconds, "feature_seconds": feature_seconds,
           "svm_seconds": time.perf_counter() - start, **info}
    cache.put(out, DATASET, cell.n, cell.seed, row)
    print(f"{DATASET} n={cell.n} seed={cell.seed} {row:22s} F1 {f1:6.2f}  "
          f"(+{len(X_syn)} rows, {seconds:.0f} s + features {feature_seconds:.0f} s)",
          flush=True)


def cv_recipe(cache, cell, settings):
    """``AugmentedClassifierCV`` over the augmentation policy (reward on features), the
    SVM inside on the extractor's features; scored on the cached test features."""
    start = time.perf_counter()
    memo = f"seed{cell.seed}"
    ExtractorFeatures._tables[memo] = CachedFeatures(cell.extractor, cell.X, cell.F)
    estimator = make_pipeline(ExtractorFeatures(memo), harness.svm(cell.C, cell.gamma))
    clf = AugmentedClassifierCV(cell.augmenter(CV_AUGMENTER, settings), estimator,
                                shares=CV_BUDGETS, cv=3, scoring="f1_macro")
    clf.fit(cell.X, cell.y)
    svm = clf.estimator_[1:]  # past the feature step: the test features are cached
    f1 = harness.macro_f1(svm, cell.F_test, cell.data.y_test)
    out = {"dataset": DATASET, "n": cell.n, "seed": cell.seed, "method": "augment-CV",
           "f1": f1, "chosen_budget": float(clf.share_), "seconds": time.perf_counter() - start,
           "mean_test_score": [float(v) for v in clf.cv_results_["mean_test_score"]]}
    cache.put(out, DATASET, cell.n, cell.seed, "augment-CV")
    ExtractorFeatures._tables.pop(memo)
    print(f"{DATASET} n={cell.n} seed={cell.seed} augment-CV             F1 {f1:6.2f}  "
          f"(budget {clf.share_})", flush=True)


def run(n, seed, rows, args):
    cache = harness.ResultCache(args.cache_dir)
    missing = [r for r in ["baseline", *rows] if cache.get(DATASET, n, seed, r) is None]
    if not missing:
        return
    cell = Cell(DATASET, n, seed, feature_cache=args.feature_cache, backend=args.backend)
    if "baseline" in missing:
        record(cache, cell, "baseline", cell.X[:0], cell.y[:0], {}, 0.0)
    settings = SimpleNamespace(reward_batch_size="auto", n_iter=None)
    kind_of = {name: kind for kind, (_, produced) in FITTED.items() for name in produced}
    fitted = set()
    for row in [r for r in ROWS if r in missing]:
        if row in ("flips-crops", "shift4", "trivialaugment"):
            start = time.perf_counter()
            X_syn, y_syn = classical(row, cell)
            record(cache, cell, row, X_syn, y_syn, {}, time.perf_counter() - start)
        elif row == "augment-CV":
            cv_recipe(cache, cell, settings)
        elif kind_of[row] not in fitted:  # one fit serves every row of its kind
            fitted.add(kind_of[row])
            params, produced = FITTED[kind_of[row]]
            start = time.perf_counter()
            aug = cell.augmenter(params, settings).fit(cell.X, cell.y)
            fit_seconds = time.perf_counter() - start
            info = {"fit_seconds": fit_seconds, "n_iter": int(aug.n_iter_)}
            for name, budget in produced.items():
                if name in missing:
                    X_syn, y_syn = aug.sample(synthetic_counts(cell.y, budget))
                    record(cache, cell, name, X_syn, y_syn, info, fit_seconds)


def report(cache_dir):
    """``{"baseline": {seed: F1}, "rows": {row: {"gains": {seed: gain}, ...}}}``."""
    rows = [r for r in harness.ResultCache(cache_dir).rows() if r["dataset"] == DATASET]
    base = {r["seed"]: r["f1"] for r in rows if r["method"] == "baseline"}
    out = {"baseline": base, "rows": {}}
    for name in LABELS:
        mine = [r for r in rows if r["method"] == name and r["seed"] in base]
        if not mine:
            continue
        entry = {"gains": {r["seed"]: r["f1"] - base[r["seed"]] for r in mine},
                 "n_synthetic": float(np.mean([r.get("n_synthetic", 0) for r in mine]))}
        entry["gain"] = float(np.mean(list(entry["gains"].values())))
        fit = [r["fit_seconds"] for r in mine if "fit_seconds" in r]
        entry["fit_seconds"] = float(np.median(fit)) if fit else None
        if name == "augment-CV":
            entry["chosen"] = {r["seed"]: r["chosen_budget"] for r in mine}
        out["rows"][name] = entry
    return out


def markdown(result):
    base = result["baseline"]
    seeds = sorted(base)
    head = (f"**CIFAR-10, n = 1,000, EfficientNet-Lite0 features at 224 px** (baseline "
            f"SVM macro-F1 {np.mean(list(base.values())):.2f}, {len(seeds)} seed{'s' * (len(seeds) != 1)}; gains "
            "in macro-F1 points over it, per seed in brackets; fit s: median fit of the "
            "augmenter on one CPU thread, reward on the 224-px features)")
    table = []
    for name, entry in result["rows"].items():
        per_seed = ", ".join(f"{entry['gains'][s]:+.2f}" for s in seeds if s in entry["gains"])
        if "chosen" in entry:
            per_seed += "; chose " + ", ".join(f"{entry['chosen'][s]:g}" for s in seeds
                                               if s in entry["chosen"])
        fit = entry["fit_seconds"]
        table.append([LABELS[name], f"{entry['n_synthetic']:.0f}",
                      f"{entry['gain']:+.2f} ({per_seed})",
                      "–" if fit is None else f"{fit:.0f}"])
    return "\n".join([head, "", harness.md_table(["row", "synthetic rows", "gain",
                                                  "fit s"], table), ""])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--rows", nargs="+", default=ROWS, choices=ROWS)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_images_features"))
    parser.add_argument("--feature-cache", default=str(harness.FEATURE_CACHE))
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--docs", action="store_true",
                        help="with --report: fill the images page's photo region")
    parser.add_argument("--output-dir", default=str(harness.RESULTS))
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.report:
        result = report(args.cache_dir)
        text = markdown(result)
        harness.write_results(args.output_dir, "images_features", result, [text])
        print(text)
        if args.docs:
            harness.fill_page(harness.DOCS / "images.md", "images_features.py: cifar", text)
        return
    for seed in args.seeds:
        run(args.n, seed, args.rows, args)


if __name__ == "__main__":
    main()
