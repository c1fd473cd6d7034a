"""The paper's Table 1 protocol on pretrained features: CIFAR-10, Fashion-MNIST, MNIST.

For every data set, labeled-set size n and seed: n training images drawn
(stratified, seeded) from the official training split; every official test image
is the test set. Images -> frozen ImageNet EfficientNet-Lite0 features
(:class:`sk_activegan.EfficientNetLite0Features`, the stand-in for the paper's
VGG-16; images resized to ``--size`` px); features standardized (the scaler is
fitted on the real training features only); an RBF SVM with (C, gamma)
grid-searched on the training features (5-fold, macro F1). Each method adds
synthetic *images*; they go through the same extractor and scaler, the SVM is
refitted with the baseline's (C, gamma) on real + synthetic features, and the
macro F-score (x 100) on the test set is recorded.

Rows (the paper's first, then the library's and the classical ones):

- ``baseline``: the SVM on the real images' features.
- ``AC-GAN``: ``generator="paper", lambda_reward=0`` (the paper's convolutional
  G(z, y)), +50 % synthetic images; ``AC-GAN+F``: the same trained model's
  samples through the margin filter, the margin chosen in the paper's set
  {0.1, ..., 0.3} on a validation split — an AC-GAN fitted on 75 % of the n
  images, its filtered samples added to those 75 %, the SVM scored on the other
  25 % — never on the test set (the paper does not say how it chose).
- ``ActiveGAN[paper]``: ``generator="paper"`` (λ = 0.1, ε = 0.2, α = 0.5), +50 %.
- ``ActiveGAN``: the library's defaults for images (the warp generator, untrained,
  each synthetic image the one of 4 random warps the reward model — on the
  extractor's features — is least sure of; +800 %: eight per real image).
  ``former-defaults``: the same generator trained 3,000 iterations with λ = 1 and
  every draw kept (the defaults before this release; kept in the results file).
- ``warps``: eight random similarity warps per image within the warp generator's
  bounds at ``anchor_radius=0.5`` (rotation up to 12 degrees, scale up to 10 %,
  shift up to 5.4 % of the side; each parameter ``tanh`` of a standard normal, as
  the generator's hidden noise draws them): the defaults' budget, no training.
  ``warps+flip``: the same with a horizontal flip of every other copy at random.
- ``classical``: CIFAR-10: eight copies per image, each a random horizontal flip
  and a random crop of the image padded by 4 pixels (the standard CIFAR
  augmentation); grey sets: the eight 1-pixel translations.

Every GAN row's reward model reads the same extractor's features (the
augmenter's ``feature_extractor``), grid-searched and calibrated by the library.
Real images' features are cached per (data set, size) under
``benchmarks/results/cache_table1/`` (ignored by git); every row is stored in
``benchmarks/results/table1.json`` as soon as it is computed.

    python benchmarks/table1.py --dataset cifar10 --n 1000 --seed 0 --methods baseline,classical
    python benchmarks/table1.py --report            # the Markdown table

One thread per process (``torch.set_num_threads(1)``) unless ``--threads`` says more.
"""

import argparse
import io
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch.nn import functional as F

from sk_activegan import ActiveGANAugmenter, EfficientNetLite0Features
from sk_activegan._networks.conv import REFERENCE_SIDE, WARP_BOUNDS

HERE = Path(__file__).resolve().parent
SHARED_DATA = HERE.parents[1] / "shared" / "data"
RESULTS = HERE / "results" / "table1.json"
CACHE = HERE / "results" / "cache_table1"
SHAPES = {"cifar10": (3, 32, 32), "fashion_mnist": (1, 28, 28), "mnist": (1, 28, 28)}
C_GRID = [1.0, 10.0, 100.0]
GAMMA_FACTORS = [0.3, 1.0, 3.0]  # times gamma="scale"'s value on standardized features
MARGINS = [0.1, 0.15, 0.2, 0.25, 0.3]
PAPER_BUDGET = 0.5    # synthetic images per real image, the paper-method rows
DEFAULT_BUDGET = 8    # the defaults' "auto" for images
#: The paper's Table 1 (F-score x 100).
PAPER = {
    ("cifar10", 5000): {"baseline": 83.4, "AC-GAN": 81.4, "AC-GAN+F": 82.5, "ActiveGAN[paper]": 84.3},
    ("cifar10", 10000): {"baseline": 85.3, "AC-GAN": 82.7, "AC-GAN+F": 83.2, "ActiveGAN[paper]": 86.3},
    ("mnist", 500): {"baseline": 94.6, "AC-GAN": 94.1, "AC-GAN+F": 94.5, "ActiveGAN[paper]": 95.1},
    ("mnist", 1000): {"baseline": 96.2, "AC-GAN": 95.8, "AC-GAN+F": 95.9, "ActiveGAN[paper]": 96.5},
    ("fashion_mnist", 5000): {"baseline": 87.1, "AC-GAN": 85.4, "AC-GAN+F": 86.2,
                              "ActiveGAN[paper]": 87.6},
    ("fashion_mnist", 10000): {"baseline": 88.1, "AC-GAN": 86.4, "AC-GAN+F": 87.3,
                               "ActiveGAN[paper]": 89.0},
}


# ------------------------------------------------------------------------------ data

def _decode_cifar(buffer, offsets, rows):
    from PIL import Image

    return np.stack([np.asarray(Image.open(io.BytesIO(
        buffer[offsets[i]:offsets[i + 1]].tobytes())).convert("RGB")) for i in rows])


class DataSet:
    """One data set's official split; images as flat channel-first uint8 rows."""

    def __init__(self, name):
        self.name, self.shape = name, SHAPES[name]
        if name == "cifar10":
            self._data = np.load(SHARED_DATA / "cifar10_jpeg.npz")
        else:
            self._data = np.load(SHARED_DATA / f"{'mnist70k' if name == 'mnist' else name}.npz")
        self.y_train, self.y_test = self._data["y_train"], self._data["y_test"]

    def images(self, split, rows):
        if self.name != "cifar10":
            return self._data[f"X_{split}"][rows]
        X = _decode_cifar(self._data[f"jpeg_{split}"], self._data[f"offsets_{split}"], rows)
        return X.transpose(0, 3, 1, 2).reshape(len(X), -1)

    def draw(self, n, seed):
        """Indices of n stratified training images."""
        rows, _ = train_test_split(np.arange(len(self.y_train)), train_size=n,
                                   stratify=self.y_train, random_state=seed)
        return np.sort(rows)


class Features:
    """The extractor's features of images, real images' cached per (data set, size)."""

    def __init__(self, data, size, batch=256):
        self.data, self.size, self.batch = data, size, batch
        self.extractor = EfficientNetLite0Features(pixel_range=(0, 255), input_size=size)
        self.path = CACHE / f"{data.name}_{size}.npz"

    @torch.no_grad()
    def __call__(self, X):
        out = []
        for start in range(0, len(X), self.batch):
            batch = torch.as_tensor(np.asarray(X[start:start + self.batch], dtype=np.float32))
            out.append(self.extractor(batch.reshape(len(batch), *self.data.shape)).numpy())
        return np.concatenate(out) if out else np.zeros((0, 1280), np.float32)

    def real(self, split, rows):
        cache = dict(np.load(self.path)) if self.path.exists() else {}
        index = cache.get(f"{split}_rows", np.zeros(0, np.int64))
        features = cache.get(f"{split}_features", np.zeros((0, 1280), np.float32))
        missing = np.setdiff1d(rows, index)
        if len(missing):
            new = self(self.data.images(split, missing))
            index, features = np.concatenate([index, missing]), np.concatenate([features, new])
            order = np.argsort(index)
            cache[f"{split}_rows"], cache[f"{split}_features"] = index[order], features[order]
            CACHE.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, **cache)
            index, features = cache[f"{split}_rows"], cache[f"{split}_features"]
        return features[np.searchsorted(index, rows)]


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
    """The eight 1-pixel translations of every image (background 0 filling in)."""
    c, h, w = shape
    images, out = X.reshape(len(X), c, h, w), []
    for dy, dx in [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)]:
        moved = np.zeros_like(images)
        moved[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            images[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        out.append(moved.reshape(len(X), -1))
    return np.concatenate(out)


def random_warps(X, shape, copies, rng, radius=0.5, flip=False):
    """``copies`` random similarity warps per image within :class:`WarpGenerator`'s
    bounds at ``radius`` (each parameter ``tanh`` of a standard normal, as its hidden
    noise draws them); with ``flip``, a horizontal flip at random (p = 0.5)."""
    c, h, w = shape
    images = torch.as_tensor(np.repeat(X.reshape(len(X), c, h, w), copies, axis=0),
                             dtype=torch.float32)
    params = torch.tanh(torch.as_tensor(rng.standard_normal((len(images), 4)),
                                        dtype=torch.float32))
    angle = params[:, 0] * math.radians(WARP_BOUNDS["rotation_degrees"] * radius)
    scale = torch.exp(params[:, 1] * WARP_BOUNDS["log_scale"] * radius)
    shift = params[:, 2:4] * WARP_BOUNDS["shift_pixels"] * radius * (2.0 / REFERENCE_SIDE)
    mirror = (torch.as_tensor(np.where(rng.random(len(images)) < 0.5, -1.0, 1.0),
                              dtype=torch.float32) if flip else torch.ones(len(images)))
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos * mirror, -sin, shift[:, 0]], 1),
                         torch.stack([sin * mirror, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, images.shape, align_corners=False)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out.reshape(len(images), -1).numpy()


# ---------------------------------------------------------------------------- the SVM

def tune(F_train, y):
    scale = 1.0 / (F_train.shape[1] * float(F_train.var()))
    grid = {"C": C_GRID, "gamma": [f * scale for f in GAMMA_FACTORS]}
    search = GridSearchCV(SVC(), grid, scoring="f1_macro",
                          cv=StratifiedKFold(5, shuffle=True, random_state=0)).fit(F_train, y)
    return {name: float(value) for name, value in search.best_params_.items()}


def score(params, F_train, y_train, F_test, y_test):
    svm = SVC(**params).fit(F_train, y_train)
    return 100.0 * f1_score(y_test, svm.predict(F_test), average="macro")


# ------------------------------------------------------------------------------- runs

def load_results():
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def save_row(key, row):
    results = load_results()
    results[key] = row
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(key, {k: v for k, v in row.items() if k != "per_class"}, flush=True)


def gan(kind, X, y, shape, seed, size, n_iter):
    params = {"image_shape": shape, "random_state": seed, "device": "cpu",
              "feature_extractor": EfficientNetLite0Features(pixel_range=(0, 255),
                                                             input_size=size)}
    if n_iter is not None:
        params["n_iter"] = n_iter
    if kind == "AC-GAN":
        params.update(generator="paper", lambda_reward=0.0)
    elif kind == "ActiveGAN[paper]":
        params.update(generator="paper")
    start = time.perf_counter()
    aug = ActiveGANAugmenter(**params).fit(X, y)
    return aug, time.perf_counter() - start


def paper_per_class(n_images, y):
    """Synthetic images per class of the paper-method rows: +50 % of ``n_images``."""
    return int(round(PAPER_BUDGET * n_images / len(np.unique(y))))


def tune_filter_margin(X, y, F_train, shape, features, scaler, params, args):
    """AC-GAN+F's margin: an AC-GAN fitted on a stratified 75 % of the labeled
    images; for each margin in :data:`MARGINS` its filtered samples (+50 % of the
    75 %) join them, and the SVM (the cell's C and gamma) is scored on the other
    25 %. Returns the best margin, every margin's validation F1 and the seconds."""
    fit_rows, val_rows = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y,
                                          random_state=args.seed)
    aug, seconds = gan("AC-GAN", X[fit_rows], y[fit_rows], shape, args.seed, args.size,
                       args.n_iter)
    start = time.perf_counter()
    per_class = paper_per_class(len(fit_rows), y)
    scores = {}
    for margin in MARGINS:
        X_syn, y_syn = aug.sample(n_per_class=per_class, margin_filter=margin)
        F_syn = scaler.transform(features(X_syn))
        scores[str(margin)] = score(params, np.concatenate([F_train[fit_rows], F_syn]),
                                    np.concatenate([y[fit_rows], y_syn]), F_train[val_rows],
                                    y[val_rows])
    best = max(MARGINS, key=lambda m: scores[str(m)])
    return best, scores, seconds + time.perf_counter() - start


def run(args):
    data = DataSet(args.dataset)
    features = Features(data, args.size)
    rows = data.draw(args.n, args.seed)
    X, y = data.images("train", rows), data.y_train[rows]
    test_rows = np.arange(len(data.y_test))
    F_real = features.real("train", rows)
    F_test_raw = features.real("test", test_rows)
    scaler = StandardScaler().fit(F_real)
    F_train, F_test = scaler.transform(F_real), scaler.transform(F_test_raw)
    params = tune(F_train, y)
    rng = np.random.default_rng(args.seed)
    prefix = f"{args.dataset}/n={args.n}/size={args.size}/seed={args.seed}"

    def record(method, X_syn, y_syn, seconds=0.0, **extra):
        F_syn = scaler.transform(features(X_syn)) if len(X_syn) else np.zeros((0, F_train.shape[1]))
        f1 = score(params, np.concatenate([F_train, F_syn]), np.concatenate([y, y_syn]),
                   F_test, data.y_test)
        save_row(f"{prefix}/{method}", {"f1": f1, "n_synthetic": int(len(X_syn)),
                                        "fit_seconds": round(seconds, 1), "svm": params, **extra})

    for method in args.methods:
        if method == "baseline":
            record("baseline", X[:0], y[:0])
        elif method == "classical":
            X_syn = (flip_crop(X, data.shape, DEFAULT_BUDGET, rng) if args.dataset == "cifar10"
                     else shifts8(X, data.shape))
            record("classical", X_syn, np.repeat(y, DEFAULT_BUDGET) if args.dataset == "cifar10"
                   else np.tile(y, 8))
        elif method in ("warps", "warps+flip"):
            record(method, random_warps(X, data.shape, DEFAULT_BUDGET, rng,
                                        flip=method == "warps+flip"),
                   np.repeat(y, DEFAULT_BUDGET))
        elif method == "AC-GAN":
            aug, seconds = gan("AC-GAN", X, y, data.shape, args.seed, args.size, args.n_iter)
            per_class = paper_per_class(args.n, y)
            record("AC-GAN", *aug.sample(n_per_class=per_class), seconds, n_iter=aug.n_iter_)
            margin, scores, tuning = tune_filter_margin(X, y, F_train, data.shape, features,
                                                        scaler, params, args)
            X_syn, y_syn = aug.sample(n_per_class=per_class, margin_filter=margin)
            record("AC-GAN+F", X_syn, y_syn, seconds + tuning, n_iter=aug.n_iter_,
                   filter_margin=margin, validation_f1=scores)
        elif method == "ActiveGAN[paper]":
            aug, seconds = gan(method, X, y, data.shape, args.seed, args.size, args.n_iter)
            per_class = paper_per_class(args.n, y)
            record(method, *aug.sample(n_per_class=per_class), seconds, n_iter=aug.n_iter_)
        elif method == "ActiveGAN":
            aug, seconds = gan(method, X, y, data.shape, args.seed, args.size, args.n_iter)
            X_syn, y_syn = aug.sample(n_per_class={
                int(c): DEFAULT_BUDGET * int(k) for c, k in zip(*np.unique(y, return_counts=True))})
            record(method, X_syn, y_syn, seconds, n_iter=aug.n_iter_)
        else:
            raise ValueError(f"unknown method {method!r}")


# ----------------------------------------------------------------------------- report

ROWS = ["baseline", "AC-GAN", "AC-GAN+F", "ActiveGAN[paper]", "ActiveGAN", "former-defaults",
        "warps", "warps+flip", "classical"]


def report():
    results = load_results()
    cells = sorted({tuple(k.split("/")[:3]) for k in results})
    lines = []
    for dataset, n, size in cells:
        n_value = int(n.split("=")[1])
        paper = PAPER.get((dataset, n_value), {})
        lines += [f"### {dataset}, {n}, {size} px", "",
                  "| row | paper (VGG-16) | ours: F1 | ours: gain | seeds | synthetic | fit (s) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        by_method = _by_method(results, dataset, n_value, int(size.split("=")[1]))
        base = by_method.get("baseline", {})
        for name in ROWS:
            paper_cell = f"{paper[name]:.1f}" if name in paper else "–"
            if name not in by_method:
                lines.append(f"| {name} | {paper_cell} | not run | | | | |")
                continue
            runs = by_method[name]
            f1 = np.mean([r["f1"] for r in runs.values()])
            gains = [r["f1"] - base[s]["f1"] for s, r in runs.items() if s in base]
            label = name
            if name == "AC-GAN+F":
                label += " (margin " + ", ".join(str(r["filter_margin"]) for r in runs.values()) + ")"
            lines.append(
                f"| {label} | {paper_cell} | {f1:.1f} | "
                f"{np.mean(gains):+.2f} | {len(runs)} | "
                f"{int(np.mean([r['n_synthetic'] for r in runs.values()]))} | "
                f"{np.mean([r['fit_seconds'] for r in runs.values()]):.0f} |")
        lines.append("")
    return "\n".join(lines)


PAPER_CELLS = [("cifar10", 5000), ("cifar10", 10000), ("mnist", 500), ("mnist", 1000),
               ("fashion_mnist", 5000), ("fashion_mnist", 10000)]
PAPER_ROWS = [("baseline", "Baseline (SVM)"), ("AC-GAN", "AC-GAN"), ("AC-GAN+F", "AC-GAN+F"),
              ("ActiveGAN[paper]", "ActiveGAN (paper's method)"),
              ("ActiveGAN", "ActiveGAN (library defaults)"), ("warps", "random warps"),
              ("classical", "classical")]


def _by_method(results, dataset, n, size):
    prefix = f"{dataset}/n={n}/size={size}/"
    out = {}
    for key, row in results.items():
        if key.startswith(prefix):
            seed, method = key[len(prefix):].split("/", 1)
            out.setdefault(method, {})[seed] = row
    return out


def paper_table(size=64):
    """The paper's Table 1 layout: each cell "paper / ours" (ours: mean over seeds)."""
    results = load_results()
    head = " | ".join(f"{'CIFAR-10' if d == 'cifar10' else 'MNIST' if d == 'mnist' else 'F-MNIST'}"
                      f" n = {n:,}" for d, n in PAPER_CELLS)
    lines = [f"| method | {head} |", "| --- |" + " ---: |" * len(PAPER_CELLS)]
    for name, label in PAPER_ROWS:
        cells = []
        for dataset, n in PAPER_CELLS:
            paper = PAPER[(dataset, n)].get(name)
            by_method = _by_method(results, dataset, n, size)
            ours = ("not run" if name not in by_method else
                    f"**{np.mean([r['f1'] for r in by_method[name].values()]):.1f}**")
            cells.append(f"{'–' if paper is None else f'{paper:.1f}'} / {ours}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=sorted(SHAPES), default="cifar10")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=64, help="extractor input side (px)")
    parser.add_argument("--methods", default="baseline,classical,warps")
    parser.add_argument("--n-iter", type=int, default=None, help="GAN iterations (default: the library's)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--paper-table", action="store_true",
                        help="the paper's Table 1 layout, paper / ours")
    args = parser.parse_args()
    if args.report or args.paper_table:
        print(paper_table(args.size) if args.paper_table else report())
        return
    torch.set_num_threads(args.threads)
    args.methods = args.methods.split(",")
    run(args)


if __name__ == "__main__":
    main()
