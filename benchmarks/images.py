"""Image protocol: real MNIST (28x28), Fashion-MNIST and the 8x8 digit sets, as images.

For every data set, labeled-set size n and seed: a stratified n-image training set
(the test set is every other image, or the official test split where the data set
has one: ``mnist70k``, ``fashion``), pixels scaled to [0, 1] (MNIST / 255, the 8x8
sets / 16); a baseline RBF SVM on raw pixels, (C, gamma) grid-searched on the
training set (:func:`harness.tune_svm` without standardizing); then every method's
synthetic images, the SVM refitted with the baseline's (C, gamma) on real + synthetic
images, macro F-score on the test set. Data sets are the harness's (``mnist`` is its
``mnist5k``, ``fashion`` its ``fashion_mnist``); rows are cached with
:class:`harness.ResultCache`, one JSON per (data set, n, seed, method).

Methods (classical rows first):

- ``shift4``: the four 1-px translations of every training image (+400 %).
- ``VSV-shift8``: virtual support vectors, the eight 1-px translations of every
  support vector of the baseline SVM.
- ``VSV-affine4``: four random affine copies of every support vector (rotation
  up to 12 degrees, shift up to 1.5 px).
- ``elastic``: eight elastic distortions of every image (Simard et al., 2003).
- ``SMOTE``: +50 %.
- ``random-warp``: the library's baseline family ``generator="random-warp"``
  (random similarity warps, nothing trained) at the defaults' budget.
- ``AC-GAN``: the library with ``generator="paper"`` (the convolutional G(z, y)),
  ``lambda_reward=0``, +50 %; ``AC-GAN+F``: its samples through the margin filter
  at 0.2 (the same trained generator: the filter needs no second training).
- ``ActiveGAN[paper]``: ``generator="paper"``, the paper's recipe, +50 %.
- ``default``: the library's image defaults (the warp generator trained with the
  reward, +800 %); ``default-lambda0`` the same with λ = 0; ``untrained``: the warp
  generator with ``n_iter=0``; the other warp rows are the design study's (see
  :data:`WARP_VARIANTS` and :func:`gan`). ``+sel`` rows sample the same fitted model
  with ``n_candidates`` 4 (or the family's "auto").

Cached rows named ``random-warps`` were random warps drawn by an earlier version of
this script (exactly eight per image); the report still reads them. The selection
study (random warps chosen by the reward model alone) is
``python -m benchmarks.studies.selection``; the protocol's cells, baseline SVM and
paired gains are :mod:`benchmarks.protocols.pixels`, which that study reads too.

    python -m benchmarks.images --datasets mnist --sizes 500 --seeds 0   # one cell
    python -m benchmarks.images                                          # the full run
    python -m benchmarks.images --report                                 # tables
    python -m benchmarks.images --report --ablation benchmarks/results/images_ablation.md --docs

Run two processes side by side (say one per n) with ``--threads 1``: each sets
``torch.set_num_threads`` (the 2-core machine is otherwise oversubscribed).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from imblearn.over_sampling import SMOTE
from torch.nn import functional as F

from sk_activegan import (ActiveGANAugmenter, AugmentedClassifierCV, WarpGenerator,
                          synthetic_counts)

from . import harness
from .protocols.pixels import (CELLS, IMAGE_BUDGET, NAMES, OFFICIAL_SPLIT,
                               Cell, ablation, cell_order, paired_gains, pixel_svm, signed,
                               todo)

#: The trained warp generator with other settings: the design study of the image defaults.
WARP_VARIANTS = {
    "warp-lr2e-5": {"generator__learning_rate": 2e-5},
    "warp-nosource": {"generator__source_weight": 0.0},
    "warp-nosource-lr2e-5": {"generator__source_weight": 0.0, "generator__learning_rate": 2e-5},
    "warp-nosource-lambda0": {"generator__source_weight": 0.0, "lambda_reward": 0.0},
}
#: The budgets of the efficiency study (shares of the labeled set; +800 % is the full row).
POLICY_BUDGETS = (0.125, 0.25, 0.5, 1.0)
#: Rows of the augmentation-policy family (``generator="augment"``): trained with the
#: reward, its untrained draw (uniform over ops and magnitudes, TrivialAugment's rule)
#: and that draw chosen 1 of 4 by the reward, at the efficiency study's budgets.
POLICY_ROWS = ["augment", *(f"augment@{b:g}" for b in POLICY_BUDGETS),
               "augment-untrained", *(f"augment-untrained@{b:g}" for b in POLICY_BUDGETS),
               *(f"augment-untrained+sel@{b:g}" for b in POLICY_BUDGETS),
               "augment-lambda0", "augment-CV"]
METHODS = ["shift4", "VSV-shift8", "VSV-affine4", "elastic", "SMOTE", "trivialaugment",
           *POLICY_ROWS, "AC-GAN", "AC-GAN+F",
           "ActiveGAN[paper]", "random-warp", "lambda0", "lambda0+sel",
           "ActiveGAN-3000it", "ActiveGAN-3000it+sel", "ActiveGAN-nosel", "ActiveGAN@0.5",
           "ActiveGAN@4", "ActiveGAN", "untrained", "untrained+sel", "trained", "trained+sel",
           "default", "default-k1", "default-lambda0", *WARP_VARIANTS,
           *(f"{kind}-k1" for kind in WARP_VARIANTS)]
#: The rows the summary table reports, in its order: :data:`METHODS` and
#: ``random-warps`` (measured by an earlier version of this script, read from the cache).
REPORTED = [*METHODS[:METHODS.index("random-warp")], "random-warps",
            *METHODS[METHODS.index("random-warp"):]]
#: The ablation at the defaults' budget (+800 %), run on the full data sets.
ABLATION = ["shift4", "VSV-shift8", "elastic", "random-warp", "untrained", "default",
            "default-lambda0"]
CLASSICAL = ("shift4", "VSV-shift8", "VSV-affine4", "elastic", "SMOTE", "trivialaugment")


# ------------------------------------------------------------- classical augmentation

SHIFTS4, SHIFTS8 = harness.SHIFTS4, harness.SHIFTS8
trivial_augment = harness.trivial_augment


def random_affine(X, shape, copies, rng, degrees=12.0, shift=1.5):
    """``copies`` random affine copies of every image (rotation, shift), bilinear."""
    n = len(X)
    images = torch.as_tensor(np.repeat(X, copies, axis=0), dtype=torch.float32)
    images = images.reshape(n * copies, 1, *shape)
    angle = np.radians(rng.uniform(-degrees, degrees, n * copies))
    t = rng.uniform(-shift, shift, (n * copies, 2)) * 2.0 / np.array(shape[::-1])
    theta = np.stack([np.stack([np.cos(angle), -np.sin(angle), t[:, 0]], 1),
                      np.stack([np.sin(angle), np.cos(angle), t[:, 1]], 1)], 1)
    grid = F.affine_grid(torch.as_tensor(theta, dtype=torch.float32), images.shape,
                         align_corners=False)
    return F.grid_sample(images, grid, align_corners=False).reshape(n * copies, -1).numpy()
def elastic(X, shape, copies, rng, alpha=34.0, sigma=4.0):
    """Elastic distortions (Simard, Steinkraus & Platt, ICDAR 2003): a uniform random
    displacement field in [-1, 1] per pixel, smoothed by a Gaussian of ``sigma``
    pixels, times ``alpha``; bilinear, background 0. ``copies`` per image."""
    from scipy.ndimage import gaussian_filter, map_coordinates

    images = np.repeat(X, copies, axis=0).reshape(-1, *shape)
    rows, cols = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), indexing="ij")
    out = np.empty_like(images)
    for i, image in enumerate(images):
        dy = gaussian_filter(rng.uniform(-1, 1, shape), sigma, mode="constant") * alpha
        dx = gaussian_filter(rng.uniform(-1, 1, shape), sigma, mode="constant") * alpha
        out[i] = map_coordinates(image, [rows + dy, cols + dx], order=1, mode="constant")
    return out.reshape(len(images), -1)


def classical(method, X, y, shape, support, seed):
    """Classical augmentation rows; ``support``: the baseline SVM's support vector
    indices (the virtual-support-vector rows transform those)."""
    if method == "shift4":
        return harness.shifted(X, y, shape, SHIFTS4)
    if method == "SMOTE":
        classes, sizes = np.unique(y, return_counts=True)
        counts = synthetic_counts(y, 0.5)
        target = {c: int(s + counts[c]) for c, s in zip(classes.tolist(), sizes)}
        X_res, y_res = SMOTE(sampling_strategy=target, random_state=seed).fit_resample(X, y)
        return X_res[len(X):], y_res[len(X):]
    if method == "elastic":
        return elastic(X, shape, 8, np.random.default_rng(seed)), np.repeat(y, 8)
    if method == "trivialaugment":
        return trivial_augment(X, shape, 8, seed), np.tile(y, 8)
    Xs, ys = X[support], y[support]
    if method == "VSV-shift8":
        return harness.shifted(Xs, ys, shape, SHIFTS8)
    if method == "VSV-affine4":
        return random_affine(Xs, shape, 4, np.random.default_rng(seed)), np.repeat(ys, 4)
    raise ValueError(method)


# ------------------------------------------------------------------------- the library

#: Per kind of fitted model, the rows sampled from it: ``{row: (budget, margin
#: filter, n_candidates)}``; a budget of None is the defaults' (+800 %), an
#: ``n_candidates`` of "auto" the warp generator's own.
BUDGETS = {"AC-GAN": {"AC-GAN": (0.5, None, 1), "AC-GAN+F": (0.5, 0.2, 1)},
           "ActiveGAN[paper]": {"ActiveGAN[paper]": (0.5, None, 1)},
           "random-warp": {"random-warp": (None, None, 1)},
           "default": {"default": (None, None, "fitted"), "default-k1": (None, None, 1)},
           **{kind: {kind: (None, None, "fitted"), f"{kind}-k1": (None, None, 1)}
              for kind in WARP_VARIANTS},
           "default-lambda0": {"default-lambda0": (None, None, "fitted")},
           "lambda0": {"lambda0": (None, None, 1), "lambda0+sel": (None, None, "auto")},
           "untrained": {"untrained": (None, None, 1), "untrained+sel": (None, None, 4)},
           "trained": {"trained": (None, None, 1), "trained+sel": (None, None, 4)},
           "ActiveGAN-3000it": {"ActiveGAN-3000it": (None, None, 1),
                                "ActiveGAN-3000it+sel": (None, None, "auto")},
           "augment": {"augment": (None, None, 1),
                       **{f"augment@{b:g}": (b, None, 1) for b in POLICY_BUDGETS}},
           "augment-untrained": {
               "augment-untrained": (None, None, 1),
               **{f"augment-untrained@{b:g}": (b, None, 1) for b in POLICY_BUDGETS},
               **{f"augment-untrained+sel@{b:g}": (b, None, 4) for b in POLICY_BUDGETS}},
           "augment-lambda0": {"augment-lambda0": (None, None, 1)},
           "ActiveGAN": {"ActiveGAN@0.5": (0.5, None, "fitted"),
                         "ActiveGAN@4": (4.0, None, "fitted"),
                         "ActiveGAN-nosel": (None, None, 1),
                         "ActiveGAN": (None, None, "fitted")}}


def gan(kind, X, y, shape, seed, n_iter):
    params = {"image_shape": shape, "random_state": seed}
    if n_iter is not None:
        params["n_iter"] = n_iter
    if kind == "lambda0":  # the trained warp (1,000 iterations) without the reward
        params.update(lambda_reward=0.0)
        params.setdefault("n_iter", 1000)
    elif kind == "ActiveGAN-3000it":
        params.update(n_iter=3000)
    elif kind == "untrained":
        params.update(n_iter=0)
    elif kind == "random-warp":  # the library's baseline family: nothing trained
        params.update(generator="random-warp")
        params.pop("n_iter", None)
    elif kind == "trained":  # the warp generator trained with the reward
        params.setdefault("n_iter", 1000)
    elif kind == "default-lambda0":  # the image defaults without the reward (λ = 0)
        params.update(lambda_reward=0.0)
    elif kind in WARP_VARIANTS:  # the trained warp with other settings (the design study)
        params.update(WARP_VARIANTS[kind])
    elif kind.startswith("augment"):  # the augmentation-policy family
        params.update(generator="augment", n_synthetic=IMAGE_BUDGET)
        if kind == "augment-untrained":
            params.update(n_iter=0)
        elif kind == "augment-lambda0":
            params.update(lambda_reward=0.0)
    elif kind == "AC-GAN":
        params.update(generator="paper", lambda_reward=0.0)
    elif kind == "ActiveGAN[paper]":
        params.update(generator="paper")
    return ActiveGANAugmenter(**params).fit(X, y)


def gan_rows(kind, X, y, shape, seed, n_iter, save=None):
    """{method: (X_syn, y_syn, info)} for one trained model, at its budgets."""
    start = time.perf_counter()
    aug = gan(kind, X, y, shape, seed, n_iter)
    info = {"fit_seconds": time.perf_counter() - start, "reward_params": aug.reward_params_,
            "n_iter": getattr(aug, "n_iter_", aug.n_iter),
            "n_candidates": aug.n_candidates_}
    full = IMAGE_BUDGET if aug.n_synthetic == "auto" else aug.n_synthetic
    out = {}
    for method, (budget, margin, k) in BUDGETS[kind].items():
        if k == "auto":  # the selection the warp generator's "auto" uses
            k = WarpGenerator.n_candidates_default
        X_syn, y_syn, scores = aug.sample(synthetic_counts(y, full if budget is None else budget),
                                          margin_filter=margin, n_candidates=k,
                                          return_scores=True)
        summary = {f"mean_{k}": float(np.mean(v)) for k, v in scores.items()}
        summary["share_own_class"] = float(np.mean(scores["conditioned_margin"] > 0))
        out[method] = (X_syn, y_syn, {**info, **summary})
    if save is not None:  # figures: a grid per class, the most informative, t-SNE input
        X_grid, y_grid = aug.sample(8)
        X_many, y_many, scores = aug.sample(50, return_scores=True)
        np.savez_compressed(save, X_grid=X_grid, y_grid=y_grid, X_many=X_many, y_many=y_many,
                            reward=scores["reward"], X_real=X, y_real=y)
    return out


# ---------------------------------------------------------------------------- runner

def run_cell(name, n, seed, methods, args):
    cache = harness.ResultCache(args.cache_dir)
    missing = todo(cache, name, n, seed, methods)
    if not missing:
        return
    cell = Cell(name, n, seed, cache)
    X_tr, y_tr, shape = cell.X, cell.y, cell.shape
    if "baseline" in missing:
        cell.record("baseline", X_tr[:0], y_tr[:0], {}, 0.0)
    support = None
    if any(m.startswith("VSV") for m in missing):  # the baseline SVM's, fitted once per cell
        support = pixel_svm(cell.params).fit(X_tr, y_tr)[-1].support_
    for method in [m for m in missing if m in CLASSICAL]:
        start = time.perf_counter()
        X_syn, y_syn = classical(method, X_tr, y_tr, shape, support, seed)
        cell.record(method, X_syn, y_syn, {}, time.perf_counter() - start)
    for kind, produced in BUDGETS.items():
        if not any(m in missing for m in produced):
            continue
        save = None
        if seed == 0 and args.figures_dir:
            Path(args.figures_dir).mkdir(parents=True, exist_ok=True)
            save = Path(args.figures_dir) / f"{name}_n{n}_{kind}.npz"
        start = time.perf_counter()
        rows = gan_rows(kind, X_tr, y_tr, shape, seed, args.n_iter, save)
        for method, (X_syn, y_syn, info) in rows.items():
            if method in missing:
                cell.record(method, X_syn, y_syn, info, time.perf_counter() - start)
    if "augment-CV" in missing:
        cv_recipe(cell, seed)


#: The budgets the CV recipe chooses among (0: the classifier alone).
CV_BUDGETS = (0.0, 0.25, 1.0, IMAGE_BUDGET)


def cv_recipe(cell, seed):
    """The recipe the docs give for images: ``AugmentedClassifierCV`` over the
    augmentation-policy family, the budget (0 allowed) chosen by 3-fold inner CV with
    the one-standard-error rule (its default ``min_improvement="1se"``)."""
    start = time.perf_counter()
    clf = AugmentedClassifierCV(
        ActiveGANAugmenter(image_shape=cell.shape, generator="augment", random_state=seed),
        pixel_svm(cell.params), shares=CV_BUDGETS, cv=3, scoring="f1_macro")
    clf.fit(cell.X, cell.y)
    f1 = harness.macro_f1(clf, cell.X_test, cell.y_test)
    row = {"dataset": cell.name, "n": cell.n, "seed": seed, **cell.params,
           "method": "augment-CV", "f1": f1, "chosen_budget": float(clf.share_),
           "seconds": time.perf_counter() - start}
    cell.cache.put(row, cell.name, cell.n, seed, "augment-CV")
    print(f"{cell.name} n={cell.n} seed={seed} augment-CV         F1 {f1:6.2f}  "
          f"(budget {clf.share_})", flush=True)


# ---------------------------------------------------------------------------- report

def report(cache_dir):
    """{(dataset, n, method): summary} over the cached rows: the baseline's mean,
    the :func:`harness.paired` gain against it (``sd``: NaN for one seed;
    ``error_cut``: its ``error_reduction``), the mean number of synthetic rows, the
    median fit time and the mean diagnostics."""
    rows = harness.ResultCache(cache_dir).rows()
    table = {}
    for dataset, n in cell_order({(r["dataset"], r["n"]) for r in rows}):
        here = [r for r in rows if (r["dataset"], r["n"]) == (dataset, n)]
        base = {r["seed"]: r["f1"] for r in here if r["method"] == "baseline"}
        for method in ["baseline", *REPORTED]:
            mine = [r for r in here if r["method"] == method and r["seed"] in base]
            if not mine:
                continue
            stats = harness.paired([r["f1"] for r in mine], [base[r["seed"]] for r in mine])
            mine_all = [r for r in here if r["method"] == method]

            def mean_of(field):
                return float(np.mean([r[field] for r in mine_all if field in r] or [np.nan]))

            fit = [r["fit_seconds"] for r in mine_all if "fit_seconds" in r]
            table[(dataset, n, method)] = {
                "seeds": len(mine), "baseline": float(np.mean(list(base.values()))),
                "gain": stats["gain"],
                "sd": stats["gain_std"] if len(mine) > 1 else float("nan"),
                "error_cut": stats["error_reduction"], "wins": stats["wins"],
                "n_synthetic": float(np.mean([r.get("n_synthetic", 0) for r in mine_all])),
                "fit_seconds": float(np.median(fit)) if fit else None,
                "share_own_class": mean_of("share_own_class"),
                "mean_reward": mean_of("mean_reward"),
            }
    return table


def markdown(table):
    """A table per cell: each row's synthetic rows, gain and its spread, error cut,
    wins, diagnostics and fit time (the caption's prose is the docs page's)."""
    lines = []
    fmt = (lambda v, f: "–" if v is None or v != v else format(v, f))
    for dataset, n in cell_order({k[:2] for k in table}):
        base = table[(dataset, n, "baseline")]
        lines += [f"**{dataset}, n = {n}** (baseline SVM macro-F1 {base['baseline']:.2f}, "
                  f"{base['seeds']} seeds; gain in F1 points; own class: the share the "
                  "model's reward model puts in the conditioned class; fit s: median, on a "
                  "2-core CPU shared with another benchmark process)", ""]
        rows = [[method, f"{row['n_synthetic']:.0f}", f"{row['gain']:+.2f}",
                 fmt(row["sd"], ".2f"), f"{row['error_cut']:+.1f} %",
                 f"{row['wins']}/{row['seeds']}", fmt(row["share_own_class"], ".2f"),
                 fmt(row["mean_reward"], ".3f"), fmt(row["fit_seconds"], ".0f")]
                for method in REPORTED
                if (row := table.get((dataset, n, method))) is not None]
        lines += [harness.md_table(["method", "rows", "gain", "sd", "error cut", "wins",
                                    "own class", "reward", "fit s"], rows), ""]
    return "\n".join(lines)


def chart(table, path):
    """Mean gain per method in every cell, horizontal bars (the defaults in red)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = sorted({k[:2] for k in table}, key=lambda c: (c[0] != "mnist", c))
    rows = (len(cells) + 1) // 2
    fig, axes = plt.subplots(rows, min(2, len(cells)), figsize=(11, 4.2 * rows), squeeze=False)
    axes = axes.ravel()
    for ax in axes[len(cells):]:
        ax.set_visible(False)
    for ax, (dataset, n) in zip(axes, cells):
        methods = [m for m in REPORTED if (dataset, n, m) in table]
        gains = [table[(dataset, n, m)]["gain"] for m in methods]
        sds = [table[(dataset, n, m)]["sd"] for m in methods]
        ax.barh(np.arange(len(methods)), gains, xerr=np.nan_to_num(sds), capsize=2,
                color=["tab:red" if m == "ActiveGAN" else "tab:orange" if m.startswith(
                    "ActiveGAN") else "tab:gray" for m in methods])
        ax.set_yticks(np.arange(len(methods)), methods)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        seeds = table[(dataset, n, "baseline")]["seeds"]
        ax.set_title(f"{dataset}, n = {n} ({seeds} seeds)", fontsize=10)
        ax.set_xlabel("macro-F1 gain over the raw-pixel SVM")
    fig.suptitle("Images: gain of each augmentation over the baseline SVM (mean ± sd over "
                 "seeds; red: the library's defaults)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# --------------------------------------------------- the ablation on the full data sets

#: The ablation's rows as the docs name them.
ABLATION_LABELS = {
    "shift4": "shift4 (four 1-px translations)",
    "VSV-shift8": "VSV-shift8 (virtual support vectors)",
    "elastic": "elastic distortions ×8",
    "random-warps": "random warps ×8, drawn in the benchmark (no library)",
    "random-warp": "random warps (`generator=\"random-warp\"`, the library's baseline family)",
    "untrained": "**random warps** (`generator=\"random-warp\"`: the defaults' untrained draw)",
    "default": "**the defaults** (the warp generator trained 300 it. with the reward, λ = 1)",
    "default-lambda0": "the defaults with λ = 0 (AC-GAN losses only)",
    "warp-sel4": "the defaults, 1 of 4 candidates chosen by the reward (eq. 9)",
    "warp-lambda0-sel4": "λ = 0, 1 of 4 chosen by the reward (eq. 9)",
    "warp-nosource": "no real/fake term (`source_weight=0`), 1 of 4 chosen",
    "warp-nosource-k1": "no real/fake term (`source_weight=0`)",
    "warp-lr2e-5": "learning rate 2e-5, 1 of 4 chosen",
    "warp-nosource-lr2e-5": "no real/fake term, learning rate 2e-5, 1 of 4 chosen",
    "untrained+sel": "former defaults: untrained warp, 1 of 4 chosen by the top-two margin",
    "trained": "trained warp, 1,000 it., λ = 1, no selection",
    "trained+sel": "trained warp, 1,000 it., λ = 1, 1 of 4 chosen",
    "lambda0": "earlier trained warp (random head), λ = 0, no selection",
    "lambda0+sel": "earlier trained warp (random head), λ = 0, 1 of 4 chosen",
    "former-defaults-nosel": "earlier trained warp (random head), λ = 1, no selection",
    "former-defaults": "earlier defaults (trained warp, random head, λ = 1, 1 of 4 chosen)",
}
#: The row the charts and tables mark as the library's defaults.
DEFAULTS_ROW = "default"
#: Paired differences the ablation reports: (label, row, reference row).
SHARES = [("the reward's share: defaults − random warps (their untrained draw)", "default",
           "untrained"),
          ("the reward in training: defaults − λ = 0", "default", "default-lambda0"),
          ("choosing 1 of 4 by the reward: − the defaults", "warp-sel4", "default"),
          ("defaults − the best classical row of the cell", "default", None),
          ("former defaults (untrained, margin-chosen) − random warps", "untrained+sel",
           "untrained")]


def ablation_markdown(gains, base):
    """Per full-data cell: every row's gain per seed, then the paired differences."""
    lines = []
    for (dataset, n) in cell_order(gains, first="mnist70k"):
        cell = gains[(dataset, n)]
        b = base[(dataset, n)]
        lines += [f"**{NAMES[dataset]}, n = {n}** — baseline RBF SVM macro-F1 "
                  f"{np.mean(list(b.values())):.2f} (seeds {', '.join(map(str, sorted(b)))}); "
                  "gain in macro-F1 points on the official 10,000 test images", ""]
        rows = [[label, f"{np.mean(list(cell[m].values())):+.2f}",
                 signed(cell[m][s] for s in sorted(cell[m])),
                 f"{sum(v > 0 for v in cell[m].values())}/{len(cell[m])}"]
                for m, label in ABLATION_LABELS.items() if m in cell]
        lines += [harness.md_table(["rows (+800 % unless named)", "mean gain", "per seed",
                                    "above the baseline"], rows), ""]
        rows = []
        for label, row, reference in SHARES:
            reference, diff, stats = paired_gains(cell, row, reference)
            if not diff:
                continue
            if label.endswith("classical row of the cell"):
                label = f"{label} ({reference})"
            rows.append([label, f"{stats['gain']:+.2f}", signed(diff[s] for s in sorted(diff)),
                         f"{stats['wins']}/{len(diff)}"])
        lines += [harness.md_table(["paired difference", "mean", "per seed", "wins"], rows), ""]
    return "\n".join(lines)


def ablation_json(gains, base):
    """Every cached row of the full data sets: its per-seed gains and the baselines
    (``python -m benchmarks.restore_image_cache`` writes them back into a cache)."""
    return [{"dataset": d, "n": n, "method": m, "gains": {str(s): g for s, g in per.items()},
             "baseline": base[(d, n)]} for (d, n), cell in sorted(gains.items())
            for m, per in cell.items()]


def ablation_charts(gains, directory):
    """One chart per data set: a panel per n, the ablation beside the classical rows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for dataset in sorted({d for d, _ in gains}):
        cells = sorted(n for d, n in gains if d == dataset)
        fig, axes = plt.subplots(1, len(cells), figsize=(4.0 + 5.0 * len(cells), 4.6),
                                 squeeze=False)
        for ax, n in zip(axes[0], cells):
            cell = gains[(dataset, n)]
            methods = [m for m in ABLATION_LABELS if m in cell]
            means = [np.mean(list(cell[m].values())) for m in methods]
            ax.barh(np.arange(len(methods)), means,
                    color=["tab:red" if m == DEFAULTS_ROW else "tab:orange" if m.startswith(
                        ("untrained", "trained", "former", "lambda0")) else "tab:blue" if m.startswith("random")
                        else "tab:gray" for m in methods])
            for i, m in enumerate(methods):  # every seed as a dot
                ax.plot(list(cell[m].values()), [i] * len(cell[m]), "k.", ms=3)
            ax.set_yticks(np.arange(len(methods)),
                          [ABLATION_LABELS[m].replace("**", "") for m in methods], fontsize=8)
            ax.invert_yaxis()
            ax.axvline(0, color="black", lw=0.8)
            seeds = len(cell.get(DEFAULTS_ROW, {}))
            ax.set_title(f"n = {n} ({seeds} seed{'s' if seeds != 1 else ''})", fontsize=10)
            ax.set_xlabel("macro-F1 gain over the raw-pixel SVM")
        name = {"mnist70k": "MNIST (official test set)",
                "fashion": "Fashion-MNIST (official test set)"}[dataset]
        fig.suptitle(f"{name}: augmentations at +800 %\n(bars: mean over seeds; dots: "
                     "each seed; red: the library's defaults)", fontsize=10)
        fig.tight_layout()
        path = Path(directory) / f"images_ablation_{dataset}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


#: The policy study's rows at +800 % (or chosen by CV), in the order of its table.
POLICY_TABLE = {"augment": "augmentation policy, trained (λ = 1)",
                "augment-untrained": "its untrained draw (uniform over ops and magnitudes)",
                "augment-lambda0": "trained with λ = 0 (realism only)",
                "augment-CV": "CV recipe: AugmentedClassifierCV over the trained policy",
                "trivialaugment": "kornia TrivialAugment (baseline)",
                "shift4": "four 1-px shifts, +400 % (baseline)",
                "random-warps": "random warps (baseline)",
                "default": "warp generator, trained (the image default)"}
#: The efficiency study's cells.
EFFICIENCY_CELLS = (("mnist70k", 500), ("fashion", 1000))


def _gains(rows, method, base):
    return {r["seed"]: r["f1"] - base[r["seed"]] for r in rows
            if r["method"] == method and r["seed"] in base}


def policy_report(cache_dir):
    """The augmentation-policy study from the cache: ``(markdown, summary)``.

    Per cell, every row of :data:`POLICY_TABLE` (gain over the baseline, per seed);
    then the efficiency study: the gain of the trained policy, its untrained draw and
    that draw chosen 1 of 4 by the reward at each budget, the SVM's refit time, and
    the smallest budget at which the trained policy reaches its untrained draw's
    best gain."""
    rows = [r for r in harness.ResultCache(cache_dir).rows() if r["dataset"] in OFFICIAL_SPLIT]
    cells = sorted({(r["dataset"], r["n"]) for r in rows if r["method"] == "augment"},
                   key=lambda c: (c[0] != "mnist70k", c))
    lines, summary = [], {}
    for dataset, n in cells:
        here = [r for r in rows if (r["dataset"], r["n"]) == (dataset, n)]
        mine = {r["seed"] for r in here if r["method"] == "augment"}  # the study's seeds
        base = {r["seed"]: r["f1"] for r in here if r["method"] == "baseline"
                and r["seed"] in mine}
        table, cell = [], {"baseline": float(np.mean(list(base.values()))), "rows": {}}
        for method, label in POLICY_TABLE.items():
            gains = _gains(here, method, base)
            if not gains:
                continue
            seeds = sorted(gains)
            extra = ""
            if method == "augment-CV":
                chosen = {r["seed"]: r.get("chosen_budget") for r in here
                          if r["method"] == method}  # rows restored from JSON lack it
                extra = ", ".join("?" if chosen.get(s) is None else f"{chosen[s]:g}"
                                  for s in seeds)
            cell["rows"][method] = {"gain": float(np.mean(list(gains.values()))),
                                    "per_seed": {str(s): gains[s] for s in seeds}}
            table.append([label, f"{np.mean(list(gains.values())):+.2f}",
                          signed(gains[s] for s in seeds),
                          f"{sum(g > 0 for g in gains.values())}/{len(seeds)}", extra])
        lines += [f"**{NAMES[dataset]}, n = {n}**: baseline RBF SVM macro-F1 "
                  f"{cell['baseline']:.2f} (seeds {', '.join(map(str, sorted(base)))}); gains "
                  "in macro-F1 points on the official test images, +800 % unless named", "",
                  harness.md_table(["row", "mean gain", "per seed", "above the baseline",
                                    "budget chosen"], table), ""]
        if (dataset, n) in EFFICIENCY_CELLS:
            lines += efficiency_table(here, base, cell)
        summary[f"{dataset}_n{n}"] = cell
    return "\n".join(lines), summary


def efficiency_table(here, base, cell):
    """Markdown lines of one cell's efficiency study; fills ``cell["efficiency"]``."""
    budgets = [*POLICY_BUDGETS, IMAGE_BUDGET]
    kinds = {"trained": "augment", "untrained": "augment-untrained",
             "untrained, 1 of 4 by the reward": "augment-untrained+sel"}
    table, means, refit = [], {k: {} for k in kinds}, {}
    for b in budgets:
        row = [f"+{100 * b:g} %"]
        for label, stem in kinds.items():
            method = stem if b == IMAGE_BUDGET else f"{stem}@{b:g}"
            gains = _gains(here, method, base)
            if not gains:
                row.append("")
                continue
            means[label][b] = float(np.mean(list(gains.values())))
            row.append(f"{means[label][b]:+.2f} ({signed(gains[s] for s in sorted(gains))})")
        times = [r["svm_seconds"] for r in here if "svm_seconds" in r
                 and r["method"] in (f"augment@{b:g}", "augment" if b == IMAGE_BUDGET else "")]
        refit[b] = float(np.median(times)) if times else None
        row.append("" if refit[b] is None else f"{refit[b]:.1f}")
        table.append(row)
    target = max(means["untrained"].values()) if means["untrained"] else None
    reached = [b for b in budgets if target is not None
               and means["trained"].get(b, -np.inf) >= target]
    cell["efficiency"] = {"means": {k: {f"{b:g}": v for b, v in m.items()}
                                    for k, m in means.items()},
                          "untrained_best": target,
                          "trained_reaches_at": min(reached) if reached else None,
                          "svm_seconds": {f"{b:g}": t for b, t in refit.items()}}
    verdict = ("never reaches it" if not reached else
               f"reaches it at +{100 * min(reached):g} % ({min(reached) / IMAGE_BUDGET:.3g} of "
               "the +800 % budget)")
    return [harness.md_table(["budget", *kinds, "SVM refit s (trained)"], table), "",
            f"The untrained draw's best mean gain: {target:+.2f}; the trained policy "
            f"{verdict}.", ""] if target is not None else []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(CELLS))
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", default=METHODS,
                        help="rows to run; \"policy\": the augmentation-policy study's "
                             "(POLICY_ROWS, with shift4 and trivialaugment)")
    parser.add_argument("--n-iter", type=int, default=None,
                        help="GAN iterations (default: the library's default)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_images"))
    parser.add_argument("--figures-dir", default=str(harness.RESULTS / "cache_images_figures"))
    parser.add_argument("--report", action="store_true", help="tables from the cache only")
    parser.add_argument("--policy", default=None,
                        help="write the augmentation-policy study (markdown) here, its JSON "
                             "beside it; with --docs fill its tables in docs/images.md")
    parser.add_argument("--json", default=None, help="write the summary table here")
    parser.add_argument("--chart", default=None, help="write the gain chart (PNG) here")
    parser.add_argument("--docs", action="store_true",
                        help="fill the tables of docs/images.md: the 5,000-image MNIST and 8x8 "
                             "cells from results/images.json, and with --ablation its tables")
    parser.add_argument("--ablation", default=None,
                        help="write the full data sets' ablation (markdown) here, its JSON "
                             "beside it and one chart per data set into docs/img")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if "policy" in args.methods:  # the augmentation-policy study's rows and baselines
        at = args.methods.index("policy")
        args.methods[at:at + 1] = ["shift4", "trivialaugment", *POLICY_ROWS]
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown methods {unknown}; the selection study's rows are "
                     "benchmarks.studies.selection's")
    if not args.report:
        for name in args.datasets:
            for n in args.sizes or CELLS[name]:
                for seed in args.seeds:
                    run_cell(name, n, seed, args.methods, args)
    if args.policy:
        text, summary = policy_report(args.cache_dir)
        print(text)
        target = Path(args.policy)
        harness.write_results(target.parent, target.stem, summary, [text])
        if args.docs:
            print("filled", harness.fill_page("images", "images.py: policy", text))
        return
    if args.ablation:
        gains, base = ablation(args.cache_dir)
        text = ablation_markdown(gains, base)
        print(text)
        target = Path(args.ablation)
        harness.write_results(target.parent, target.stem, ablation_json(gains, base), [text])
        ablation_charts(gains, harness.DOCS / "img")
        if args.docs:
            print("filled", harness.fill_page("images", "images.py: ablation", text))
        return
    table = report(args.cache_dir)
    print(markdown(table))
    if args.chart:
        chart(table, args.chart)
    if args.docs:  # the 5,000-image MNIST and 8x8 cells from their committed summary
        former = harness.load_results("images")
        print("filled", harness.fill_page("images", "images.py: 5,000-image and 8x8 cells", markdown(
            {(e["dataset"], e["n"], e["method"]): e for e in former})))
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"dataset": k[0], "n": k[1], "method": k[2], **v} for k, v in table.items()],
            indent=1))


if __name__ == "__main__":
    main()
