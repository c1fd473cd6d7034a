"""Selection study: do random warps chosen by the reward model alone beat random warps?

No GAN: for every labeled image, 32 random similarity warps are drawn (the bounds of
the library's warp families at ``radius`` 0.5, or twice them at 1.0) and 8 kept
(+800 %), by a rule that reads the library's default reward model (the
grid-searched, calibrated SVM on raw pixels an image fit builds; here through
``ActiveGANAugmenter(generator="random-warp")``, which trains nothing). Each rule is
paired by seed with the first 8 warps of the same pool (``warps-random8``). Rules
(:data:`SELECTION_ROWS`): ``groups4``: the least certain of each 4 consecutive
warps (the library's rule of ``n_candidates=4``); ``top8``: the 8 least certain of
the 32; ``most8``: the 8 most certain (a control); ``guard8``: the first 8 the
reward model still gives the image's class (top-1), no ranking; ``random8``: the
first 8; ``hard8``: the 8 with the lowest margin of the image's own class over the
best other class (no guard: the warp keeps the label by construction);
``reinforce``: :func:`reinforce_warps`; ``weighted``: :func:`margin_weighted_warps`.
``proba``: the top-two margin of the reward model's calibrated probabilities
(eq. 6); ``ovr``: of its SVM's one-vs-rest decision values. Ranked rows are
label-guarded (the image's class among the two highest).

The protocol, data sets, cache and scoring are ``benchmarks.images``'s
(:mod:`benchmarks.protocols.pixels`; the rows share its cache, so each pairs with that
benchmark's baseline and rows). The warp here is this
study's own, with explicit parameters (the library's warp families draw their
parameters themselves): prototypes, kept to reproduce the study's rows.

    python -m benchmarks.studies.selection --datasets mnist70k --sizes 500 --seeds 0 1
    python -m benchmarks.studies.selection --report --docs   # results/images_selection.md

Results: ``benchmarks/results/images_selection.md`` (and the docs page's table).
"""

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from sk_activegan import ActiveGANAugmenter

from .. import harness
from ..harness import uncertainty_reward
from ..protocols import pixels

#: The similarity warp's bounds at radius 1 (rotation, log-scale, shift in pixels of a
#: 28-pixel side): the library's warp families use radius 0.5 by default (12 degrees,
#: 10 %, 1.5 px).
BOUNDS = {"rotation_degrees": 24.0, "log_scale": math.log(1.2), "shift_pixels": 3.0}
REFERENCE_SIDE = 28
#: ``{row: (rule, values, radius)}``: see the module's docstring.
SELECTION_ROWS = {"warps-groups4-proba": ("groups4", "proba", 0.5),
                  "warps-top8-proba": ("top8", "proba", 0.5),
                  "warps-top8-ovr": ("top8", "ovr", 0.5),
                  "warps-most8-ovr": ("most8", "ovr", 0.5),
                  "warps-random8": ("random8", "proba", 0.5),
                  "warps-guard8": ("guard8", "proba", 0.5),
                  "warps-hard8": ("hard8", "proba", 0.5),
                  "warps-hard8-ovr": ("hard8", "ovr", 0.5),
                  "warps-reinforce": ("reinforce", "proba", 0.5),
                  "warps-margin-weighted": ("weighted", "proba", 0.5),
                  "warps-r1-random8": ("random8", "proba", 1.0),
                  "warps-r1-guard8": ("guard8", "proba", 1.0),
                  "warps-r1-top8-proba": ("top8", "proba", 1.0),
                  "warps-r1-top8-ovr": ("top8", "ovr", 1.0)}
#: The rows as the table names them; each is paired with ``warps-random8``.
SELECTION_LABELS = {
    "warps-random8": "the first 8 of the 32 (random; the reference)",
    "warps-groups4-proba": "1 of each 4, least certain (calibrated margin; the library's rule)",
    "warps-top8-proba": "8 least certain of 32 (calibrated margin)",
    "warps-top8-ovr": "8 least certain of 32 (SVM one-vs-rest margin)",
    "warps-most8-ovr": "8 most certain of 32 (control)",
    "warps-guard8": "first 8 the reward model still labels as the image's class",
    "warps-hard8": "8 most wrong of 32 (lowest own-class margin, no guard)",
    "warps-hard8-ovr": "8 most wrong of 32 (one-vs-rest values)",
    "warps-margin-weighted": "random warps, budget to the less certain half of the images",
    "warps-reinforce": "REINFORCE policy per image over the warp parameters (4 rounds)",
    "warps-r1-random8": "twice the bounds: first 8 of 32 (random)",
    "warps-r1-guard8": "twice the bounds: first 8 still labelled as the image's class",
    "warps-r1-top8-ovr": "twice the bounds: 8 least certain of 32 (one-vs-rest)",
    "warps-r1-top8-proba": "twice the bounds: 8 least certain of 32 (calibrated)",
}


def warp(X, shape, p, radius=0.5):
    """Every image of ``X`` under the similarity warp ``p`` (one row per image, four
    values in [-1, 1]: rotation, log-scale and the two shifts, times their bounds
    times ``radius``); bilinear, background 0."""
    n = len(X)
    images_ = torch.as_tensor(X, dtype=torch.float32).reshape(n, 1, *shape)
    angle = p[:, 0] * np.radians(BOUNDS["rotation_degrees"] * radius)
    scale = np.exp(p[:, 1] * BOUNDS["log_scale"] * radius)
    t = p[:, 2:] * BOUNDS["shift_pixels"] * radius * 2.0 / REFERENCE_SIDE
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    theta = np.stack([np.stack([cos, -sin, t[:, 0]], 1), np.stack([sin, cos, t[:, 1]], 1)], 1)
    grid = F.affine_grid(torch.as_tensor(theta, dtype=torch.float32), images_.shape,
                         align_corners=False)
    return F.grid_sample(images_, grid, align_corners=False).reshape(n, -1).numpy()


def random_warps(X, shape, copies, rng, radius=0.5):
    """``copies`` random warps of every image, in order: each of the four parameters
    ``tanh`` of a standard normal (as the untrained warp generator draws them)."""
    p = np.tanh(rng.standard_normal((len(X) * copies, 4)))
    return warp(np.repeat(X, copies, axis=0), shape, p, radius)


def reinforce_warps(X, labels, shape, model, rng, copies=8, rounds=4, lr=0.5):
    """Warps chosen by a policy gradient (eq. 10-12 with the warp as the action): a
    Gaussian policy per image over the four pre-``tanh`` warp parameters, mean 0 and
    standard deviation 1 at the start (the random draw), trained by REINFORCE for
    ``rounds`` rounds of ``copies`` actions per image; the reward is the paper's
    uncertainty reward (eq. 9, alpha 0.5, epsilon 0.2) of the reward model where the
    image's class stays among the two most probable, else 0; the per-image mean
    reward of the round is the baseline and advantages are scaled by its standard
    deviation. Then ``copies`` warps per image from the trained policy."""
    n, mean = len(X), np.zeros((len(X), 1, 4))
    for _ in range(rounds):
        noise = rng.standard_normal((n, copies, 4))
        proba = model.predict_proba(warp(np.repeat(X, copies, axis=0), shape,
                                         np.tanh(mean + noise).reshape(-1, 4)))
        reward = uncertainty_reward(proba)
        own = proba[np.arange(len(proba)), np.repeat(labels, copies)]
        reward = np.where(own >= np.sort(proba, axis=1)[:, -2], reward, 0.0).reshape(n, copies)
        advantage = (reward - reward.mean(1, keepdims=True)) / (
            reward.std(1, keepdims=True) + 1e-8)
        mean = mean + lr * (advantage[..., None] * noise).mean(1, keepdims=True)
    noise = rng.standard_normal((n, copies, 4))
    return warp(np.repeat(X, copies, axis=0), shape, np.tanh(mean + noise).reshape(-1, 4))


def margin_weighted_warps(X, labels, shape, model, rng, copies=8):
    """Random warps with the budget weighted by the reward model's uncertainty about
    each real image: half the budget spread evenly (``copies / 2`` per image), the
    other half to the less certain half of each class (``copies`` more each)."""
    proba = model.predict_proba(X)
    top_two = -np.sort(-proba, axis=1)[:, :2]
    margin = top_two[:, 0] - top_two[:, 1]
    counts = np.full(len(X), copies // 2)
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        counts[rows[np.argsort(margin[rows], kind="stable")[:len(rows) // 2]]] += copies
    source = np.repeat(np.arange(len(X)), counts)
    p = np.tanh(rng.standard_normal((len(source), 4)))
    return warp(X[source], shape, p), source


def reward_values(model, candidates, kind):
    """The reward model's calibrated probabilities (``proba``) or its SVM's
    one-vs-rest decision values (``ovr``) of candidate images."""
    return model.predict_proba(candidates) if kind == "proba" else ovr_values(model, candidates)


def ovr_values(model, X):
    """One-vs-rest decision values of the default reward model's SVM (a pipeline
    ending in ``CalibratedClassifierCV(SVC, ensemble=False)``)."""
    for step in model[:-1]:  # the scaler, when the reward model standardizes
        X = step.transform(X)
    return model[-1].calibrated_classifiers_[0].estimator.decision_function(X)


def reward_scores(values, labels):
    """``(scores, guarded)`` from :func:`reward_values`: the top-two margin (eq. 6 on
    probabilities); ``guarded``: the candidate's own class is among the two highest.
    Lower scores are chosen first; unguarded ones come after every guarded one."""
    own = values[np.arange(len(labels)), labels]
    top_two = -np.sort(-values, axis=1)[:, :2]
    guarded = own >= top_two[:, 1]
    margin = top_two[:, 0] - top_two[:, 1]
    return np.where(guarded, margin, margin.max() + 1.0 + (top_two[:, 0] - own)), guarded


def selection_rows(methods, cell):
    """The :data:`SELECTION_ROWS` of one :class:`pixels.Cell`, with the library's
    default reward model fitted on the cell's real images."""
    X, y, shape, seed = cell.X, cell.y, cell.shape, cell.seed
    start = time.perf_counter()
    classes, encoded = np.unique(y, return_inverse=True)
    model = ActiveGANAugmenter(image_shape=shape, generator="random-warp",
                               random_state=seed).fit(X, encoded).reward_estimator_
    labels = np.repeat(encoded, 32)
    candidates, values = {}, {}  # per radius; the reward model's values per (radius, kind)
    fitted = time.perf_counter() - start
    for method in methods:
        start = time.perf_counter()
        rule, kind, radius = SELECTION_ROWS[method]
        if rule == "reinforce":
            X_syn = reinforce_warps(X, encoded, shape, model, np.random.default_rng(seed))
            cell.record(method, X_syn, np.repeat(y, 8), {}, fitted + time.perf_counter() - start)
            continue
        if rule == "weighted":
            X_syn, source = margin_weighted_warps(X, encoded, shape, model,
                                                  np.random.default_rng(seed))
            cell.record(method, X_syn, y[source], {}, fitted + time.perf_counter() - start)
            continue
        if radius not in candidates:
            candidates[radius] = random_warps(X, shape, 32, np.random.default_rng(seed),
                                              radius=radius)
        pool = candidates[radius]
        if (radius, kind) not in values:
            values[radius, kind] = reward_values(model, pool, kind)
        scores, guarded = reward_scores(values[radius, kind], labels)
        scores = scores.reshape(len(X), 32)
        if rule == "groups4":
            best = scores.reshape(len(X), 8, 4).argmin(axis=2) + np.arange(0, 32, 4)
        elif rule == "top8":
            best = np.argsort(scores, axis=1, kind="stable")[:, :8]
        elif rule == "hard8":
            others = values[radius, kind].copy()
            own = others[np.arange(len(labels)), labels]
            others[np.arange(len(labels)), labels] = -np.inf
            hard = (own - others.max(axis=1)).reshape(len(X), 32)
            best = np.argsort(hard, axis=1, kind="stable")[:, :8]
        elif rule == "random8":
            best = np.tile(np.arange(8), (len(X), 1))
        elif rule == "guard8":  # the class still the most probable; draw order kept
            kept = (values[radius, kind].argmax(axis=1) == labels).reshape(len(X), 32)
            best = np.argsort(~kept, axis=1, kind="stable")[:, :8]
        else:  # most8: the largest guarded margins first
            certain = np.where(guarded.reshape(len(X), 32), -scores, np.inf)
            best = np.argsort(certain, axis=1, kind="stable")[:, :8]
        keep = (best + np.arange(len(X))[:, None] * 32).ravel()
        cell.record(method, pool[keep], classes[labels[keep]],
                    {"share_guarded": float(np.mean(guarded)),
                     "share_kept_guarded": float(np.mean(guarded[keep]))},
                    fitted + time.perf_counter() - start)


def run_cell(name, n, seed, methods, cache):
    missing = pixels.todo(cache, name, n, seed, methods)
    if not missing:
        return
    cell = pixels.Cell(name, n, seed, cache)
    if "baseline" in missing:
        cell.record("baseline", cell.X[:0], cell.y[:0], {}, 0.0)
    selection_rows([m for m in missing if m != "baseline"], cell)


def selection_markdown(gains):
    """Per cell: each row's gain and its difference to the first 8 warps of the same
    pool, paired by seed (:func:`pixels.paired_gains`)."""
    lines = []
    for (dataset, n) in pixels.cell_order(gains, first="mnist70k"):
        cell = gains[(dataset, n)]
        if "warps-random8" not in cell:
            continue
        lines += [f"**{pixels.NAMES[dataset]}, n = {n}** — 32 random warps of every image, "
                  "8 kept (+800 %)", ""]
        rows = []
        for method, label in SELECTION_LABELS.items():
            if method not in cell:
                continue
            _, diff, stats = pixels.paired_gains(cell, method, "warps-random8")
            rows.append([label, f"{np.mean(list(cell[method].values())):+.2f}",
                         pixels.signed(diff[s] for s in sorted(diff)), f"{stats['gain']:+.2f}",
                         f"{stats['wins']}/{len(diff)}"])
        lines += [harness.md_table(["rows", "mean gain", "− first 8 of the pool, per seed",
                                    "mean", "wins"], rows), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(pixels.OFFICIAL_SPLIT))
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--methods", nargs="+", default=list(SELECTION_ROWS),
                        choices=list(SELECTION_ROWS))
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_images"),
                        help="the image benchmark's cache (its baselines pair with these rows)")
    parser.add_argument("--output", default=str(harness.RESULTS / "images_selection.md"))
    parser.add_argument("--report", action="store_true", help="tables from the cache only")
    parser.add_argument("--docs", action="store_true", help="fill docs/images.md's table")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cache = harness.ResultCache(args.cache_dir)
    if not args.report:
        for name in args.datasets:
            for n in args.sizes or pixels.CELLS[name]:
                for seed in args.seeds:
                    run_cell(name, n, seed, args.methods, cache)
    gains, _ = pixels.ablation(args.cache_dir)
    text = selection_markdown(gains)
    print(text)
    Path(args.output).write_text(text + "\n")
    if args.docs:
        print("filled", harness.fill_page("images", "studies/selection.py: selection study", text))


if __name__ == "__main__":
    main()
