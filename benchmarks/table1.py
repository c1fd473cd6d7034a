"""The paper's Table 1 protocol on native-resolution pretrained features.

For every data set (``mnist70k``, ``fashion_mnist``, ``cifar10``: the official
splits), labeled-set size n and seed: n training images drawn (stratified, seeded:
``harness.Data.draw``) from the official training split; every official test image
is the test set. Images -> frozen ImageNet EfficientNet-Lite0 features at its
native 224 px (:class:`sk_activegan.EfficientNetLite0Features`, the stand-in for
the paper's VGG-16); the harness's RBF SVM (standardized features) with (C, gamma)
grid-searched on the n labeled images (:func:`harness.tune_svm`, macro F1). Each
row adds synthetic *images*; they pass through the same extractor, the SVM is
refitted with the baseline's (C, gamma) on real + synthetic features, and the
macro F-score (x 100) on the whole test set is the row's score.

Rows (the paper's, then the library's and the baselines), every one adding
``--budget`` synthetic images per real image (default 0.5, +50 %):

- ``baseline``: the SVM on the real images.
- ``AC-GAN``: ``generator="paper", lambda_reward=0`` (the paper's free G(z, y));
  ``AC-GAN+F``: the same model's samples through the margin filter, the margin
  chosen in the paper's set {0.1, ..., 0.3} on a validation split (an AC-GAN fitted
  on 75 % of the n images, its filtered samples added to those 75 %, the SVM scored
  on the other 25 %), never on the test set. The filter reads one pool of
  ``POOL_FACTOR`` candidates per kept sample (the augmenter's ``margin_filter``
  rule, each candidate's 224-px features computed once).
- ``ActiveGAN[paper]``: ``generator="paper"``, λ = 0.1, ε = 0.2, α = 0.5 (the
  training loop's reward at 224 px on 8 random rows of each batch: the CPU's
  ``reward_batch_size="auto"``).
- Recorded only (seed 0, MNIST n = 500): ``ActiveGAN[paper, 64-px view]`` and
  ``ActiveGAN[64-px view]``, the two GAN rows trained with the reward read at 64 px
  by a second reward model (an option measured at commit 8fe69a4 and removed).
- ``ActiveGAN``: the library's defaults for images (``generator="auto"``: the warp
  generator on the grey sets, the augmentation policy on CIFAR-10, each trained
  with the uncertainty reward).
- ``random-warp``: ``generator="random-warp"``, the defaults' untrained draw.
- ``classical``: CIFAR-10: a random horizontal flip then a random crop of the image
  zero-padded by 4 px; grey sets: one of the eight 1-pixel translations at random.

Every GAN row's reward model reads the same extractor's features (the augmenter's
``feature_extractor``); the reward during training follows ``reward_batch_size``
(``--reward-batch-size``; "auto": 8 rows per batch on a CPU). The extractor runs on
ONNX Runtime where the ``onnx`` extra is installed (``--backend``). Real images' features
are computed once (:class:`harness.FeatureCache`, outside git); rows are cached as
JSON (:class:`harness.ResultCache`) so an interrupted run resumes.

    python -m benchmarks.table1 --features-only --dataset mnist70k --n 500 --seeds 0 1 2
    python -m benchmarks.table1 --dataset mnist70k --n 500 --seeds 0 --methods baseline classical
    python -m benchmarks.table1 --report          # results/table1_native.{json,md}
"""

import argparse
import time

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from . import harness
from .protocols.features import TAG, Cell

DATASETS = ("mnist70k", "fashion_mnist", "cifar10")
NAMES = {"mnist70k": "MNIST", "fashion_mnist": "F-MNIST", "cifar10": "CIFAR-10"}
MARGINS = [0.1, 0.15, 0.2, 0.25, 0.3]
#: The augmenter's settings per GAN row.
GAN_ROWS = {
    "AC-GAN": {"generator": "paper", "lambda_reward": 0.0},
    "ActiveGAN[paper]": {"generator": "paper", "lambda_reward": 0.1, "epsilon": 0.2,
                         "alpha": 0.5},
    "ActiveGAN": {},
    "random-warp": {"generator": "random-warp"},
}
ROWS = ["baseline", "AC-GAN", "AC-GAN+F", "ActiveGAN[paper]", "ActiveGAN[paper, 64-px view]",
        "ActiveGAN", "ActiveGAN[64-px view]", "random-warp", "classical"]
LABELS = {"baseline": "Baseline (SVM)", "AC-GAN": "AC-GAN", "AC-GAN+F": "AC-GAN+F",
          "ActiveGAN[paper]": "ActiveGAN (the paper's method)",
          "ActiveGAN[paper, 64-px view]": "ActiveGAN (the paper's method), 64-px reward in "
                                          "training (removed)",
          "ActiveGAN[64-px view]": "ActiveGAN (library defaults), 64-px reward in training "
                                   "(removed)",
          "ActiveGAN": "ActiveGAN (library defaults)",
          "random-warp": "random warps (the defaults' untrained draw)",
          "classical": "classical"}
#: The paper's Table 1 (F-score x 100).
PAPER = {
    ("cifar10", 5000): {"baseline": 83.4, "AC-GAN": 81.4, "AC-GAN+F": 82.5,
                        "ActiveGAN[paper]": 84.3},
    ("cifar10", 10000): {"baseline": 85.3, "AC-GAN": 82.7, "AC-GAN+F": 83.2,
                         "ActiveGAN[paper]": 86.3},
    ("mnist70k", 500): {"baseline": 94.6, "AC-GAN": 94.1, "AC-GAN+F": 94.5,
                        "ActiveGAN[paper]": 95.1},
    ("mnist70k", 1000): {"baseline": 96.2, "AC-GAN": 95.8, "AC-GAN+F": 95.9,
                         "ActiveGAN[paper]": 96.5},
    ("fashion_mnist", 5000): {"baseline": 87.1, "AC-GAN": 85.4, "AC-GAN+F": 86.2,
                              "ActiveGAN[paper]": 87.6},
    ("fashion_mnist", 10000): {"baseline": 88.1, "AC-GAN": 86.4, "AC-GAN+F": 87.3,
                               "ActiveGAN[paper]": 89.0},
}
#: The paper's cells in its order (the table's keys).
PAPER_CELLS = list(PAPER)


# ------------------------------------------------------------------ classical images

def flip_crop(X, shape, copies, rng, pad=4):
    """``copies`` per image: a random horizontal flip, then a random crop of the image
    zero-padded by ``pad`` pixels."""
    c, h, w = shape
    images = np.repeat(X.reshape(len(X), c, h, w), copies, axis=0)
    flip = rng.random(len(images)) < 0.5
    images[flip] = images[flip][..., ::-1]
    padded = np.pad(images, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dy, dx = rng.integers(0, 2 * pad + 1, (2, len(images)))
    out = np.stack([p[:, a:a + h, b:b + w] for p, a, b in zip(padded, dy, dx)])
    return out.reshape(len(images), -1)


def shifts8(X, shape):
    """The eight 1-pixel translations of every image (background 0 filling in),
    translation by translation."""
    return np.concatenate([harness.translate(X, shape, dy, dx) for dy, dx in harness.SHIFTS8])


def classical(dataset, X, y, per_class, rng):
    """``per_class`` classical copies of distinct images of every class: a flip and a
    pad-4 crop (CIFAR-10) or one of the eight 1-px translations (grey sets)."""
    shape = harness.IMAGE_SHAPES[dataset]
    source = np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                             for c in np.unique(y)])
    if dataset == "cifar10":
        return flip_crop(X[source], shape, 1, rng), y[source]
    moved = shifts8(X[source], shape).reshape(8, len(source), -1)
    return moved[rng.integers(8, size=len(source)), np.arange(len(source))], y[source]


# ------------------------------------------------- one cell (its data: protocols.features)

#: AC-GAN+F draws this many candidates per sample it keeps, once per fit; every
#: margin's filtered set is read off that one pool.
POOL_FACTOR = 4


def filtered(aug, pool, margin, per_class):
    """AC-GAN+F's samples from a candidate pool: per class the candidates whose
    top-two margin (eq. 6) under the AC-GAN's reward model is at most ``margin``,
    filled up with the lowest-margin rest when too few pass (the rule of the
    augmenter's ``margin_filter``, drawn from one pool instead of rounds, so that
    each candidate's features are computed once). Returns the row indices into
    the pool."""
    X_pool, y_pool = pool
    margins = aug.sample_diagnostics(X_pool, y_pool)["margin"]
    keep = []
    for c in np.unique(y_pool):
        rows = np.flatnonzero(y_pool == c)
        rows = rows[np.argsort(margins[rows], kind="stable")]
        passing = rows[margins[rows] <= margin]
        keep.append(passing[:per_class] if len(passing) >= per_class else rows[:per_class])
    return np.concatenate(keep)


def candidate_pool(cell, aug, per_class):
    """``POOL_FACTOR * per_class`` AC-GAN samples per class, their features (also
    given to the augmenter's extractor, so that its reward model reads them from
    memory) and the seconds spent."""
    start = time.perf_counter()
    X_pool, y_pool = aug.sample(n_per_class=POOL_FACTOR * per_class)
    F_pool = cell.features.compute(X_pool)
    aug.feature_extractor_.remember(X_pool, F_pool)
    return (X_pool, y_pool), F_pool, time.perf_counter() - start


def filter_margin(cell, args):
    """AC-GAN+F's margin, chosen on a validation split of the labeled images: an
    AC-GAN on a stratified 75 %, each margin's filtered samples (``--budget`` of the
    75 %) added to them, the SVM (the cell's C, gamma) scored on the other 25 %.
    Returns the margin, every margin's validation F1 and the seconds spent."""
    start = time.perf_counter()
    fit, val = train_test_split(np.arange(cell.n), test_size=0.25, stratify=cell.y,
                                random_state=cell.seed)
    aug = cell.augmenter(GAN_ROWS["AC-GAN"], args).fit(cell.X[fit], cell.y[fit])
    per_class = cell.per_class(args.budget, len(fit))
    pool, F_pool, _ = candidate_pool(cell, aug, per_class)
    scores = {}
    for margin in MARGINS:
        rows = filtered(aug, pool, margin, per_class)
        scores[str(margin)], _ = cell.fit_score(np.vstack([cell.F[fit], F_pool[rows]]),
                                                np.concatenate([cell.y[fit], pool[1][rows]]),
                                                cell.F[val], cell.y[val])
    best = max(MARGINS, key=lambda m: scores[str(m)])
    return best, scores, time.perf_counter() - start


def run_cell(cell, methods, args, cache):
    settings = harness.settings_hash({"tag": TAG, "budget": args.budget, "n_iter": args.n_iter,
                                      "reward_batch_size": args.reward_batch_size})
    key = (cell.dataset, cell.n, cell.seed)

    def record(method, X_syn, y_syn, F_syn=None, feature_seconds=None, **extra):
        """Score and store a row; given ``F_syn`` (a GAN row's), also store the
        samples and their features for the reward studies."""
        store = F_syn is not None
        if not store:
            F_syn, feature_seconds = cell.synthetic_features(X_syn)
        f1, per_class = cell.score(F_syn, y_syn)
        row = {"dataset": cell.dataset, "n": cell.n, "seed": cell.seed, "method": method,
               "f1": f1, "per_class": per_class, "n_synthetic": int(len(X_syn)),
               "svm": {"C": cell.C, "gamma": cell.gamma},
               "synthetic_feature_seconds": round(feature_seconds, 1), **extra}
        cache.put(row, *key, method, settings=settings)
        if store:
            np.savez_compressed(cache.path(*key, method, settings=settings).with_suffix(".npz"),
                                X=X_syn, y=y_syn, F=np.asarray(F_syn, np.float32))
        print(f"{cell.dataset} n={cell.n} seed={cell.seed} {method}: F1 {f1:.2f}", flush=True)

    rng = np.random.default_rng(cell.seed)
    per_class = cell.per_class(args.budget)
    todo = [m for m in methods if cache.get(*key, m, settings=settings) is None]
    if "AC-GAN+F" in todo and "AC-GAN" not in todo:  # the filter needs its AC-GAN
        todo.insert(todo.index("AC-GAN+F"), "AC-GAN")
    for method in todo:
        if method == "baseline":
            record(method, cell.X[:0], cell.y[:0])
        elif method == "classical":
            record(method, *classical(cell.dataset, cell.X, cell.y, per_class, rng))
        elif method in GAN_ROWS:
            start = time.perf_counter()
            aug = cell.augmenter(GAN_ROWS[method], args).fit(cell.X, cell.y)
            fit_seconds = time.perf_counter() - start
            start = time.perf_counter()
            X_syn, y_syn = aug.sample(n_per_class=per_class)
            common = {"fit_seconds": round(fit_seconds, 1),
                      "sample_seconds": round(time.perf_counter() - start, 1),
                      "n_iter": int(aug.n_iter_), "lambda_reward": float(aug.lambda_reward_),
                      "n_candidates": int(aug.n_candidates_)}
            F_syn, feature_seconds = cell.synthetic_features(X_syn)
            extra = {"feature_seconds": feature_seconds}
            if method != "random-warp":
                extra["reward_agreement"] = cell.reward_agreement(aug, X_syn, y_syn, F_syn)
            record(method, X_syn, y_syn, F_syn=F_syn, **common, **extra)
            if method == "AC-GAN" and "AC-GAN+F" in methods:
                margin, scores, seconds = filter_margin(cell, args)
                pool, F_pool, pool_seconds = candidate_pool(cell, aug, per_class)
                rows = filtered(aug, pool, margin, per_class)
                record("AC-GAN+F", pool[0][rows], pool[1][rows], F_syn=F_pool[rows],
                       feature_seconds=pool_seconds, **common,
                       filter_margin=margin, validation_f1=scores,
                       margin_seconds=round(seconds, 1), pool_seconds=round(pool_seconds, 1))
        elif method != "AC-GAN+F":
            raise ValueError(f"unknown method {method!r}")


# --------------------------------------------------------------------------- report

def paired_lines(rows, dataset, n, row, reference):
    """``row − reference`` per seed on the seeds both have."""
    mine = {r["seed"]: r["f1"] for r in rows if (r["dataset"], r["n"], r["method"]) ==
            (dataset, n, row)}
    ref = {r["seed"]: r["f1"] for r in rows if (r["dataset"], r["n"], r["method"]) ==
           (dataset, n, reference)}
    return {s: mine[s] - ref[s] for s in sorted(set(mine) & set(ref))}


#: The paper's ordering, tested in every cell: (row, reference, margin in points).
ORDERING = [("ActiveGAN[paper]", "baseline", 0.0), ("ActiveGAN[paper]", "AC-GAN", 0.5),
            ("ActiveGAN", "classical", 0.5), ("ActiveGAN", "random-warp", 0.0),
            ("ActiveGAN[paper]", "ActiveGAN[paper, 64-px view]", 0.0)]


def ordering_lines(rows, dataset, n):
    """One line per test of :data:`ORDERING` the cell has rows for: the paired mean
    difference, per seed, the seeds at or above the margin, and whether it holds
    (the mean at or above the margin)."""
    lines = []
    for row, reference, margin in ORDERING:
        diff = paired_lines(rows, dataset, n, row, reference)
        if not diff:
            continue
        mean = np.mean(list(diff.values()))
        verdict = "holds" if mean >= margin else "does not hold"
        lines.append(f"| {LABELS[row]} − {LABELS[reference]} | {margin:+.1f} | {mean:+.2f} | "
                     + ", ".join(f"{v:+.2f}" for v in diff.values())
                     + f" | {sum(v >= margin for v in diff.values())}/{len(diff)} | "
                     f"{verdict} |")
    if not lines:
        return []
    return ["", "| test | at least | mean | per seed | seeds | |",
            "| --- | ---: | ---: | --- | ---: | --- |", *lines]


def agreement(mine):
    """Mean Spearman correlation of the 64-px view's reward and margin with the
    224-px ones on the row's samples ("const." where the 224-px one was constant
    on every seed's samples), or "–"."""
    found = [r["reward_agreement"] for r in mine if "reward_agreement" in r]
    if not found:
        return "–"
    def mean(values):  # nan: the 224-px reward was constant on every seed's samples
        values = [v for v in values if not np.isnan(v)]
        return f"{np.mean(values):.2f}" if values else "const."

    return (mean([a["spearman"] for a in found]) + " / "
            + mean([a["margin_spearman"] for a in found]))


def report(rows):
    lines = []
    summary = harness.summarize(rows, ROWS[1:], order=DATASETS, extras=())
    for dataset, n in sorted({(e["dataset"], e["n"]) for e in summary},
                             key=lambda k: (DATASETS.index(k[0]), k[1])):
        paper = PAPER.get((dataset, n), {})
        cell = {e["method"]: e for e in summary if (e["dataset"], e["n"]) == (dataset, n)}
        lines += [f"### {NAMES[dataset]}, n = {n:,}", "",
                  "| row | paper (VGG-16) | ours: F1 | gain | per seed | wins | fit (s) | "
                  "view ρ (reward / margin) |",
                  "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |"]
        for method in ROWS:
            paper_cell = f"{paper[method]:.1f}" if method in paper else "–"
            if method not in cell:
                lines.append(f"| {LABELS[method]} | {paper_cell} | not run | | | | | |")
                continue
            e = cell[method]
            mine = [r for r in rows if (r["dataset"], r["n"], r["method"]) ==
                    (dataset, n, method)]
            fits = [r["fit_seconds"] for r in mine if "fit_seconds" in r]
            fit = f"{np.mean(fits):.0f}" if fits else "–"
            if method == "baseline":
                seeds = ", ".join(f"{r['f1']:.2f}" for r in sorted(mine, key=lambda r: r["seed"]))
                lines.append(f"| {LABELS[method]} | {paper_cell} | {e['f1']:.2f} | – | "
                             f"{seeds} | | – | – |")
                continue
            gains = paired_lines(rows, dataset, n, method, "baseline")
            label = LABELS[method]
            if method == "AC-GAN+F":
                label += " (margin " + ", ".join(str(r["filter_margin"]) for r in mine) + ")"
            lines.append(f"| {label} | {paper_cell} | {e['f1']:.2f} | {e['gain']:+.2f} | "
                         + ", ".join(f"{g:+.2f}" for g in gains.values())
                         + f" | {e['wins']}/{len(gains)} | {fit} | {agreement(mine)} |")
        lines += ordering_lines(rows, dataset, n)
        lines.append("")
    return summary, "\n".join(lines)


def paper_table(rows):
    """The paper's Table 1 layout: each cell "paper / ours" (ours: mean over seeds)."""
    head = " | ".join(f"{NAMES[d]} n = {n:,}" for d, n in PAPER_CELLS)
    lines = [f"| method | {head} |", "| --- |" + " ---: |" * len(PAPER_CELLS)]
    for method in ROWS:
        cells = []
        for dataset, n in PAPER_CELLS:
            paper = PAPER[(dataset, n)].get(method)
            mine = [r["f1"] for r in rows if (r["dataset"], r["n"], r["method"]) ==
                    (dataset, n, method)]
            ours = f"**{np.mean(mine):.1f}** ({len(mine)})" if mine else "not run"
            cells.append(f"{'–' if paper is None else f'{paper:.1f}'} / {ours}")
        lines.append(f"| {LABELS[method]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------- cost estimate

#: The reward model's grid search on 5,000 feature rows, seconds: "the baseline's row
#: alone took 10-15 minutes by the run's log times" (n = 5,000; no results file holds
#: it); each GAN row's augmenter searches its own on the same rows (assumed the same).
SVM_SEARCH_5000 = 750.0
#: The rows still missing from the paper's cells for 2 seeds: row -> seeds to run.
_GAN_2 = {"AC-GAN": 2, "AC-GAN+F": 2, "ActiveGAN[paper]": 2, "ActiveGAN": 2, "random-warp": 2,
          "baseline": 1, "classical": 1}
MISSING = {("mnist70k", 1000): {"AC-GAN": 2, "AC-GAN+F": 2, "ActiveGAN[paper]": 2},
           ("fashion_mnist", 5000): _GAN_2, ("cifar10", 5000): _GAN_2}


def cost_parts(rows):
    """Seconds of each part a row's run is made of, from the stored rows (one torch
    thread, torch extractor): ``gan`` the AC-GAN's 3,000 iterations (MNIST n = 500,
    no extractor), ``reward`` the paper's reward in training (its fit minus the same
    seed's AC-GAN fit), ``validation`` AC-GAN+F's validation fit and sweep less its
    pool's features, ``default_reward`` the defaults' fit minus their untrained
    draw's (MNIST n = 1,000), ``draw`` the untrained draw's fit (n = 1,000), and
    ``per_image`` a synthetic image's features per data set (the classical rows')."""
    def mean(dataset, n, method, key):
        return float(np.mean([r[key] for r in rows if (r["dataset"], r["n"], r["method"])
                              == (dataset, n, method) and r.get(key) is not None]))

    def paired(dataset, n, method, reference):
        mine = {r["seed"]: r["fit_seconds"] for r in rows
                if (r["dataset"], r["n"], r["method"]) == (dataset, n, method)}
        other = {r["seed"]: r["fit_seconds"] for r in rows
                 if (r["dataset"], r["n"], r["method"]) == (dataset, n, reference)}
        return float(np.mean([mine[s] - other[s] for s in set(mine) & set(other)]))

    per_image = {d: float(np.mean([r["synthetic_feature_seconds"] / r["n_synthetic"]
                                   for r in rows if r["dataset"] == d
                                   and r["method"] == "classical"])) for d in DATASETS}
    pool_500 = mean("mnist70k", 500, "AC-GAN+F", "pool_seconds")
    validation_pool = POOL_FACTOR * 10 * round(0.5 * 375 / 10)  # its 75 %'s candidates
    return {"gan": mean("mnist70k", 500, "AC-GAN", "fit_seconds"),
            "reward": paired("mnist70k", 500, "ActiveGAN[paper]", "AC-GAN"),
            "validation": mean("mnist70k", 500, "AC-GAN+F", "margin_seconds")
                          - validation_pool * pool_500 / (POOL_FACTOR * 250),
            "default_reward": paired("mnist70k", 1000, "ActiveGAN", "random-warp"),
            "draw": mean("mnist70k", 1000, "random-warp", "fit_seconds"),
            "per_image": per_image}


def row_cost(parts, dataset, n, method, speedup):
    """``(fixed seconds, extractor images)`` of one row of one seed (the fast path
    divides the images' seconds by ``speedup``). The SVM refit on real + synthetic
    features and the test scoring of each row are not in the results files and not
    counted."""
    per_class = round(0.5 * n / 10)
    synthetic = 10 * per_class
    search = SVM_SEARCH_5000 if n == 5000 else 0.0  # n = 1,000: inside the parts
    # the training rewards' images were timed on MNIST: counted at its cost per image
    mnist_image = parts["per_image"]["mnist70k"]
    if method == "baseline":
        return search, 0
    if method == "classical":
        return 0.0, synthetic
    if method == "AC-GAN":
        return parts["gan"] + search, synthetic
    if method == "AC-GAN+F":
        validation = POOL_FACTOR * 10 * round(0.5 * 0.75 * n / 10)
        return parts["validation"] + search, validation + POOL_FACTOR * synthetic
    if method == "ActiveGAN[paper]":
        return parts["gan"] + search, parts["reward"] / mnist_image + synthetic
    if method == "ActiveGAN":
        return parts["draw"] + search, parts["default_reward"] / mnist_image + synthetic
    if method == "random-warp":
        return parts["draw"] + search, synthetic
    raise ValueError(method)


def cost_table(rows, speedup, seeds=2):
    """Markdown: every missing row's estimated seconds per seed on torch and on the
    fast path (fixed + images x seconds per image [/ speed-up]), and each cell's total
    over ``seeds`` seeds."""
    parts = cost_parts(rows)
    lines = ["| cell | row | seeds to run | fixed s | extractor images | torch s per seed | "
             "fast path s per seed |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for (dataset, n), methods in MISSING.items():
        image = parts["per_image"][dataset]
        totals = [0.0, 0.0]
        for method, n_seeds in methods.items():
            fixed, images = row_cost(parts, dataset, n, method, speedup)
            slow, fast = fixed + images * image, fixed + images * image / speedup
            totals = [totals[0] + n_seeds * slow, totals[1] + n_seeds * fast]
            lines.append(f"| {NAMES[dataset]} n = {n:,} | {LABELS[method]} | {n_seeds} | "
                         f"{fixed:,.0f} | {images:,.0f} | {fixed:,.0f} + {images:,.0f} × "
                         f"{image:.3f} = {slow:,.0f} | {fixed:,.0f} + {images:,.0f} × "
                         f"{image:.3f} / {speedup:.1f} = {fast:,.0f} |")
        lines.append(f"| **{NAMES[dataset]} n = {n:,}** | **every missing row, {seeds} seeds "
                     f"in all** | | | | **{totals[0] / 60:,.0f} min** | "
                     f"**{totals[1] / 60:,.0f} min** |")
    parts_line = (f"Parts (seconds, one torch thread, from `results/table1_native.json`): "
                  f"AC-GAN's 3,000 iterations {parts['gan']:.0f}; the paper's reward in "
                  f"training {parts['reward']:.0f} (its fit minus the same seed's AC-GAN "
                  f"fit); AC-GAN+F's validation fit and sweep {parts['validation']:.0f} "
                  f"(its pool's features taken out); the defaults' reward in training "
                  f"{parts['default_reward']:.0f} (their fit minus the untrained draw's, "
                  f"n = 1,000); the untrained draw's fit {parts['draw']:.0f}; one "
                  f"synthetic image's features "
                  + ", ".join(f"{NAMES[d]} {v:.3f}" for d, v in parts["per_image"].items())
                  + f"; at n = 5,000 each GAN row adds its reward model's search, "
                  f"{SVM_SEARCH_5000:.0f} (assumed equal to the baseline's, 10-15 minutes "
                  f"by the run's logs). Speed-up: {speedup:.1f}, ONNX Runtime over torch "
                  f"at one thread (`results/speed_extractor.json`).")
    return "\n".join(lines) + "\n\n" + parts_line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=DATASETS, default="mnist70k")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--methods", nargs="+", default=["baseline", "classical",
                                                         "random-warp"])
    parser.add_argument("--budget", type=float, default=0.5,
                        help="synthetic images per real image (every row)")
    parser.add_argument("--n-iter", type=int, default=None,
                        help="GAN iterations (default: each family's)")
    parser.add_argument("--reward-batch-size", default="auto",
                        type=lambda v: v if v == "auto" else None if v == "none" else int(v))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--backend", default="auto", choices=["auto", "torch", "onnxruntime"],
                        help="the extractor's (auto: ONNX Runtime where installed; the "
                             "features agree within 1e-4, so cached rows stay valid)")
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_table1"))
    parser.add_argument("--feature-cache", default=str(harness.FEATURE_CACHE))
    parser.add_argument("--features-only", action="store_true",
                        help="compute and cache the cells' real features, nothing else")
    parser.add_argument("--report", action="store_true",
                        help="write results/table1_native.{json,md} from the cached rows")
    parser.add_argument("--docs", action="store_true",
                        help="with --report or --costs: fill the tables of docs/table1.md")
    parser.add_argument("--costs", action="store_true",
                        help="estimate the missing cells' cost on torch and on the fast "
                             "path from results/table1_native.json and "
                             "results/speed_extractor.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    if args.costs:
        rows = harness.load_results("table1_native")["rows"]
        speed = harness.load_results("speed_extractor")["rows"]
        median = {backend: np.median([r["images_per_second"] for r in speed
                                      if (r["backend"], r["threads"]) == (backend, 1)])
                  for backend in ("torch", "onnxruntime")}
        table = cost_table(rows, median["onnxruntime"] / median["torch"])
        if args.docs:
            harness.fill_page("table1", "table1-costs", table)
        print(table)
        return
    if args.report:
        rows = harness.ResultCache(args.cache_dir).rows()
        summary, text = report(rows)
        table = paper_table(rows)
        meta = harness.run_meta("table1.py", argv, started, machine=False)
        harness.write_results(harness.RESULTS, "table1_native", {"meta": meta, "summary": summary,
                                                          "rows": rows},
                              ["# Table 1 on native features", "", table, "", text])
        if args.docs:
            harness.fill_page("table1", "table1-paper", table)
            harness.fill_page("table1", "table1-cells", text)
        print(table + "\n\n" + text)
        return
    cache = harness.ResultCache(args.cache_dir)
    for seed in args.seeds:
        cell = Cell(args.dataset, args.n, seed, args.feature_cache, args.backend)
        if not args.features_only:
            run_cell(cell, args.methods, args, cache)


if __name__ == "__main__":
    main()
