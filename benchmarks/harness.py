"""What every benchmark script shares: data sets by name, a resumable result cache,
the grid-searched RBF SVM and its scores, paired summaries against a baseline,
markdown tables and run metadata.

A new data set is one loader registered under its name (``@loader("name")``); any
other name is read as ``NAME.npz`` (``X``, ``y``, optionally ``categorical``) under
the data folder. A new row of a benchmark is a function returning a JSON-able dict,
stored with :class:`ResultCache` so that an interrupted run resumes.

Every benchmark imports it as ``from benchmarks import harness`` and runs as a module
from the repository's root (``python -m benchmarks.NAME``); no benchmark imports another
(what several share beyond this module is in :mod:`benchmarks.protocols`).
"""

import functools
import hashlib
import io
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DOCS = HERE.parent / "docs"
SHARED_DATA = HERE.parents[1] / "shared" / "data"
#: Where :class:`FeatureCache` keeps extractor features (outside git): the
#: environment's ``SK_ACTIVEGAN_FEATURE_CACHE``, else ``results/cache_features``.
FEATURE_CACHE = Path(os.environ.get("SK_ACTIVEGAN_FEATURE_CACHE",
                                    RESULTS / "cache_features"))
#: ``image_shape`` (C, H, W) of the image data sets' flat rows.
IMAGE_SHAPES = {"mnist5k": (1, 28, 28), "mnist70k": (1, 28, 28),
                "fashion_mnist": (1, 28, 28), "cifar10": (3, 32, 32), "digits": (1, 8, 8)}

#: Diagnostics of synthetic rows (``synthetic_diagnostics``) averaged in summaries.
DIAGNOSTICS = ("mean_reward", "share_margin_le_epsilon", "share_conditioned_class",
               "median_margin", "median_nn_distance_ratio")


# ------------------------------------------------------------------------------ data

@dataclass(frozen=True)
class Data:
    """A data set: ``X`` of shape (n_samples, n_features), ``y`` of shape
    (n_samples,), the indices of categorical columns, and the official test split
    where the data set has one (``X_test``, ``y_test``; then ``X``, ``y`` are the
    official training split). Arrays are read-only: loads are cached."""

    X: np.ndarray
    y: np.ndarray
    categorical: tuple = ()
    X_test: np.ndarray = None
    y_test: np.ndarray = None

    def draw(self, n, seed):
        """Sorted indices into ``X`` of the ``n`` stratified, seeded training rows
        :meth:`split` draws (the same rows, whatever the order)."""
        rows, _ = train_test_split(np.arange(len(self.y)), train_size=n, stratify=self.y,
                                   random_state=seed)
        return np.sort(rows)

    def split(self, train_size, seed):
        """``X_train, X_test, y_train, y_test``: a stratified, seeded training set of
        ``train_size`` rows (a count or a share); the test set is the rest, or the
        official test split where there is one."""
        if self.X_test is None:
            return split(self.X, self.y, train_size, seed)
        X_train, _, y_train, _ = split(self.X, self.y, train_size, seed)
        return X_train, self.X_test, y_train, self.y_test


def split(X, y, train_size, seed):
    """A stratified, seeded train / test split."""
    return train_test_split(X, y, train_size=train_size, stratify=y, random_state=seed)


LOADERS = {}


def loader(name):
    """Register ``function(data_dir) -> Data`` as the loader of data set ``name``."""
    def register(function):
        LOADERS[name] = function
        return function
    return register


def load(name, data_dir=SHARED_DATA):
    """The data set ``name``: a registered loader's, else ``NAME.npz`` under
    ``data_dir`` (or ``name`` itself, a path ending in ``.npz``) as a table."""
    return _load(str(name), str(data_dir))


@functools.lru_cache(maxsize=4)
def _load(name, data_dir):
    if name in LOADERS:
        data = LOADERS[name](Path(data_dir))
    else:
        data = npz_table(Path(name) if name.endswith(".npz") else Path(data_dir) / f"{name}.npz")
    for array in (data.X, data.y, data.X_test, data.y_test):
        if array is not None:
            array.flags.writeable = False
    return data


def npz_table(path):
    """A table ``X`` (as float64), ``y`` and, where the file has them, the indices of
    its categorical columns: the UCI sets (``optdigits``, ``penbased``, ``satimage``,
    ``segment``) and the KEEL imbalanced sets (``imbalanced/NAME``)."""
    data = np.load(path)
    categorical = data["categorical"].astype(int).tolist() if "categorical" in data else []
    return Data(data["X"].astype(np.float64), data["y"], tuple(categorical))


@loader("digits")
def digits(data_dir):
    """scikit-learn's 8x8 digits: 1,797 rows, pixel values 0-16 as float64."""
    from sklearn.datasets import load_digits

    return Data(*load_digits(return_X_y=True))


@loader("mnist5k")
def mnist5k(data_dir):
    """5,000 MNIST images, uint8 pixels (0-255), rows of 784."""
    data = np.load(data_dir / "mnist5k.npz")
    return Data(data["X"], data["y"])


def official_split(path):
    data = np.load(path)
    return Data(data["X_train"], data["y_train"], (), data["X_test"], data["y_test"])


@loader("mnist70k")
def mnist70k(data_dir):
    """MNIST, the official 60,000 / 10,000 split, uint8 pixels, rows of 784."""
    return official_split(data_dir / "mnist70k.npz")


@loader("fashion_mnist")
def fashion_mnist(data_dir):
    """Fashion-MNIST, the official 60,000 / 10,000 split, uint8 pixels, rows of 784."""
    return official_split(data_dir / "fashion_mnist.npz")


@loader("cifar10")
def cifar10(data_dir):
    """CIFAR-10, the official 50,000 / 10,000 split, decoded from JPEG (about 20 s):
    uint8 rows of 3,072, channel-first (``image_shape=(3, 32, 32)``)."""
    from PIL import Image

    data = np.load(data_dir / "cifar10_jpeg.npz")

    def images(part):
        buffer, offsets = data[f"jpeg_{part}"], data[f"offsets_{part}"]
        X = np.stack([np.asarray(Image.open(io.BytesIO(
            buffer[offsets[i]:offsets[i + 1]].tobytes())).convert("RGB"))
            for i in range(len(offsets) - 1)])
        return X.transpose(0, 3, 1, 2).reshape(len(X), -1)

    return Data(images("train"), data["y_train"], (), images("test"), data["y_test"])


def parse_entry(entry):
    """``NAME`` or ``NAME:N`` (one labeled-set size): ``(NAME, N or None)``."""
    name, _, size = entry.rpartition(":")
    return (name, int(size)) if size.isdigit() else (entry, None)


def parse_variants(specs, family="ActiveGAN"):
    """``NAME=JSON`` options: ``{"ActiveGAN[NAME]": parameters}``, in order."""
    variants = {}
    for spec in specs:
        name, params = spec.split("=", 1)
        variants[f"{family}[{name}]"] = json.loads(params)
    return variants


# ------------------------------------------------------------------------------ cache

def settings_hash(settings):
    """``__`` and 8 hex digits naming the settings (a JSON-able object)."""
    blob = json.dumps(settings, sort_keys=True)
    return "__" + hashlib.sha1(blob.encode()).hexdigest()[:8]


class ResultCache:
    """One JSON file per row, ``DATASET[__nN]__seedS[__METHOD][SETTINGS].json``.

    ``settings`` is a suffix naming what else changes the row (for example
    :func:`settings_hash` of the iterations and parameters), so that a run with other
    settings never reads rows it did not compute. Writes are atomic.
    """

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, dataset, n, seed, method=None, settings=""):
        parts = [Path(dataset).stem, *([f"n{n}"] if n is not None else []), f"seed{seed}"]
        if method is not None:
            parts.append(method.replace("/", "_").replace(" ", "_"))
        return self.root / ("__".join(parts) + f"{settings}.json")

    def rows(self):
        """Every stored row, in the order of the file names."""
        return [json.loads(path.read_text()) for path in sorted(self.root.glob("*.json"))]

    def get(self, *key, **settings):
        path = self.path(*key, **settings)
        return json.loads(path.read_text()) if path.exists() else None

    def put(self, row, *key, **settings):
        path = self.path(*key, **settings)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(row))
        tmp.replace(path)
        return row


# --------------------------------------------------------------------- feature cache

class FeatureCache:
    """An extractor's features of a data set's images, computed once per image.

    One file per (data set, ``tag``, split): ``root / "DATASET__TAG__SPLIT.npz"``
    with the row indices computed so far and their features (float32). Rows
    asked for and missing are computed in batches and the file is rewritten
    every ``save_every`` images, so an interrupted run resumes. ``tag`` names
    the extractor and everything that changes its output (for example
    ``"lite0-224"``); rows are indices into the split's array (``Data.X`` for
    ``"train"``, ``Data.X_test`` for ``"test"``).
    """

    def __init__(self, dataset, tag, extractor, image_shape, root=FEATURE_CACHE, batch=32,
                 save_every=1024):
        self.dataset, self.tag, self.extractor = str(dataset), str(tag), extractor
        self.image_shape, self.root = tuple(image_shape), Path(root)
        self.batch, self.save_every = int(batch), int(save_every)

    def path(self, split):
        return self.root / f"{Path(self.dataset).stem}__{self.tag}__{split}.npz"

    def stored(self, split):
        """``(rows, features)`` in the file (sorted rows), empty when there is none."""
        path = self.path(split)
        if not path.exists():
            return np.zeros(0, np.int64), None
        data = np.load(path)
        return data["rows"], data["features"]

    def compute(self, images):
        """Features of flat images (any numeric dtype), float32 of shape (n, d)."""
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(images), self.batch):
                chunk = torch.as_tensor(np.asarray(images[start:start + self.batch],
                                                   dtype=np.float32))
                out.append(self.extractor(chunk.reshape(len(chunk), *self.image_shape))
                           .float().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)

    def features(self, split, rows, images, progress=None):
        """Features of ``images[rows]`` (``images``: the split's flat array), float32 of
        shape (len(rows), d), computing and storing the rows not yet in the file."""
        rows = np.asarray(rows, dtype=np.int64)
        stored_rows, stored = self.stored(split)
        missing = np.setdiff1d(rows, stored_rows)
        for start in range(0, len(missing), self.save_every):
            part = missing[start:start + self.save_every]
            new = self.compute(images[part])
            stored_rows = np.concatenate([stored_rows, part])
            stored = new if stored is None else np.concatenate([stored, new])
            order = np.argsort(stored_rows)
            stored_rows, stored = stored_rows[order], stored[order]
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = self.path(split).with_suffix(".tmp.npz")
            np.savez(tmp, rows=stored_rows, features=stored)
            tmp.replace(self.path(split))
            if progress is not None:
                progress(split, min(start + self.save_every, len(missing)), len(missing))
        return stored[np.searchsorted(stored_rows, rows)]


# --------------------------------------------------------------------------- images

#: The four axis-aligned 1-pixel translations, then the four diagonal ones (dy, dx).
SHIFTS4 = [(0, 1), (0, -1), (1, 0), (-1, 0)]
SHIFTS8 = SHIFTS4 + [(1, 1), (1, -1), (-1, 1), (-1, -1)]


def translate(X, shape, dy, dx):
    """Flat images ``X`` of ``shape`` ((H, W) or (C, H, W)) shifted by (dy, dx)
    pixels, background (0) filling in; flat rows out."""
    images = X.reshape(len(X), *shape)
    out = np.zeros_like(images)
    h, w = shape[-2:]
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        images[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out.reshape(len(X), -1)


def shifted(X, y, shape, shifts):
    """``(X_syn, y_syn)``: every image of ``X`` translated by each ``(dy, dx)`` of
    ``shifts`` (:func:`translate`), shift by shift, with its label."""
    return np.concatenate([translate(X, shape, *s) for s in shifts]), np.tile(y, len(shifts))


def trivial_augment(X, shape, copies, seed, top=1.0):
    """``copies`` TrivialAugment draws (kornia's, its default ops; one op and
    magnitude per image) of every image of ``X`` (flat, pixels in [0, ``top``];
    ``shape`` (H, W) or (C, H, W)), copy by copy; rows in ``X``'s dtype."""
    import torch
    from kornia.augmentation.auto import TrivialAugment

    torch.manual_seed(seed)  # kornia draws from torch's process-wide generator
    augment = TrivialAugment()
    shape = tuple(shape) if len(shape) == 3 else (1, *shape)
    images = torch.as_tensor(np.asarray(X, dtype=np.float32) / top).reshape(-1, *shape)
    with torch.no_grad():
        out = [augment(image[None]) for _ in range(copies) for image in images]
    out = torch.cat(out).reshape(len(out), -1).clamp(0, 1).numpy() * top
    return (np.rint(out) if np.issubdtype(X.dtype, np.integer) else out).astype(X.dtype)


def flips_crops(X, shape, copies, seed, pad=4):
    """The standard augmentation of natural images: ``copies`` draws of every image
    (flat, ``shape`` (C, H, W)), each mirrored left-right with probability 1/2 and
    cropped at a random offset from the image padded by ``pad`` zero pixels per side
    (He et al., 2016, on CIFAR-10); copy by copy, rows in ``X``'s dtype."""
    rng = np.random.default_rng(seed)
    h, w = shape[-2:]
    images = np.asarray(X).reshape(len(X), *shape)
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(pad, pad), (pad, pad)])
    out = []
    for _ in range(copies):
        dy, dx = rng.integers(0, 2 * pad + 1, (2, len(X)))
        flip = rng.random(len(X)) < 0.5
        for i, image in enumerate(padded):
            crop = image[..., dy[i]:dy[i] + h, dx[i]:dx[i] + w]
            out.append(crop[..., ::-1] if flip[i] else crop)
    return np.stack(out).reshape(len(out), -1).astype(X.dtype)


# ------------------------------------------------------------------------ classifiers

#: The RBF SVM's grid, the one every benchmark searches: C, and gamma as factors of
#: 1 / n_features on standardized features (of ``gamma="scale"``'s value on features
#: as given). The library's default reward model searches the same grid
#: (``tests/test_harness.py`` checks that they agree).
C_GRID = [1.0, 10.0, 100.0]
GAMMA_FACTORS = [0.3, 1.0, 3.0]


def svm(C, gamma, class_weight=None, standardize=True):
    """The RBF SVM on standardized features (on the features as given without
    ``standardize``: pixels, where a pixel that is nearly always background would be
    blown up)."""
    return make_pipeline(*([StandardScaler()] if standardize else []),
                         SVC(C=C, gamma=gamma, class_weight=class_weight))


def inner_folds(y, max_folds=5):
    """Stratified shuffled folds on a training set, as many as its smallest class
    allows (at most ``max_folds``)."""
    folds = int(min(max_folds, np.unique(y, return_counts=True)[1].min()))
    return StratifiedKFold(folds, shuffle=True, random_state=0)


def tune_svm(X, y, *, C_grid=C_GRID, gamma_factors=GAMMA_FACTORS, scoring="f1_macro",
             class_weight=None, standardize=True):
    """``(C, gamma)`` of :func:`svm` grid-searched on ``(X, y)`` (default: the grid
    :data:`C_GRID` x :data:`GAMMA_FACTORS`, macro F1): gamma is a factor times
    1 / n_features (without ``standardize``: times ``gamma="scale"``'s value,
    1 / (n_features * X.var())); :func:`inner_folds`."""
    if standardize:
        gammas = [f / X.shape[1] for f in gamma_factors]
    else:
        scale = 1.0 / (X.shape[1] * X.var())
        gammas = [f * scale for f in gamma_factors]
    grid = {"svc__C": C_grid, "svc__gamma": gammas}
    search = GridSearchCV(svm(1.0, "scale", class_weight, standardize),
                          grid, scoring=scoring, cv=inner_folds(y))
    search.fit(X, y)
    return search.best_params_["svc__C"], search.best_params_["svc__gamma"]


def fit_augmented(model, X, y, X_syn, y_syn):
    """``model`` fitted on the real rows followed by the synthetic ones."""
    return model.fit(np.vstack([X, X_syn]), np.concatenate([y, y_syn]))


def macro_f1(model, X, y):
    """Macro F-score of ``model`` on ``(X, y)``, in points (0-100)."""
    return 100.0 * f1_score(y, model.predict(X), average="macro")


def per_class_f1(model, X, y):
    return (100.0 * f1_score(y, model.predict(X), average=None)).tolist()


def top_two_margin(proba):
    """The top-two margin (eq. 6) of every row of class probabilities."""
    top_two = -np.sort(-proba, axis=1)[:, :2]
    return top_two[:, 0] - top_two[:, 1]


def uncertainty_reward(proba, alpha=0.5, epsilon=0.2):
    """The paper's uncertainty reward (eq. 9): ``alpha`` exp(-margin) where the
    top-two margin is at most ``epsilon`` (else 0), plus (1 - ``alpha``) exp(entropy)."""
    margin = top_two_margin(proba)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(proba > 0, proba * np.log(proba), 0.0).sum(axis=1)
    return alpha * np.where(margin <= epsilon, np.exp(-margin), 0.0) + \
        (1 - alpha) * np.exp(entropy)


# -------------------------------------------------------------------------- summaries

def paired(scores, baselines):
    """Scores against the baseline's on the same splits, in points: mean ``gain``,
    its sd ``gain_std`` (0 for one split), ``wins`` (splits with a positive gain) and
    the mean relative ``error_reduction`` (gain / (100 - baseline), in %)."""
    baselines = np.asarray(baselines, dtype=float)
    gains = np.asarray(scores, dtype=float) - baselines
    reduction = 100 * gains / np.maximum(100 - baselines, 1e-9)
    return {"gain": float(gains.mean()),
            "gain_std": float(gains.std(ddof=1)) if len(gains) > 1 else 0.0,
            "wins": int((gains > 0).sum()), "error_reduction": float(reduction.mean())}


def summarize(rows, methods, order=(), extras=DIAGNOSTICS, score="f1"):
    """Per (data set, n): the baseline's mean and sd, then per method its mean score,
    the :func:`paired` statistics and the mean of each of ``extras`` its rows have.

    ``rows`` carry ``dataset``, ``n``, ``seed``, ``method`` and ``score``; the
    baseline's method is ``"baseline"``. Data sets come in ``order``, then the rest.
    """
    baselines = {(r["dataset"], r["n"], r["seed"]): r[score] for r in rows
                 if r["method"] == "baseline"}
    order = list(order)
    table = []
    for dataset, n in sorted({(r["dataset"], r["n"]) for r in rows},
                             key=lambda k: (order.index(k[0]) if k[0] in order else 99, k[1])):
        base = [baselines[k] for k in sorted(baselines) if k[:2] == (dataset, n)]
        table.append({"dataset": dataset, "n": n, "method": "baseline", "seeds": len(base),
                      "f1": float(np.mean(base)), "f1_std": float(np.std(base))})
        for method in methods:
            mine = [r for r in rows if (r["dataset"], r["n"], r["method"]) == (dataset, n, method)]
            if not mine:
                continue
            entry = {"dataset": dataset, "n": n, "method": method, "seeds": len(mine),
                     "f1": float(np.mean([r[score] for r in mine])),
                     **paired([r[score] for r in mine],
                              [baselines[(dataset, n, r["seed"])] for r in mine])}
            for name in extras:
                values = [r[name] for r in mine if name in r]
                if values:
                    entry[name] = float(np.mean(values))
            table.append(entry)
    return table


def per_set_means(summary, method, field="gain"):
    """``{data set: mean of field}`` over the summary entries of ``method``."""
    per_set = {}
    for e in summary:
        if e["method"] == method:
            per_set.setdefault(e["dataset"], []).append(e[field])
    return {d: np.mean(values) for d, values in per_set.items()}


# --------------------------------------------------------------------------- markdown

def md_row(cells):
    """A markdown table row; a cell of None is left blank."""
    return "|" + "|".join(" " if c is None else f" {c} " for c in cells) + "|"


def md_table(columns, rows):
    """A markdown table: the header, the separator and a row per list of cells."""
    return "\n".join([md_row(columns), "|" + " --- |" * len(columns),
                      *(md_row(cells) for cells in rows)])


# --------------------------------------------------------------------------- metadata

def run_meta(script, argv, started, *, machine=True, **settings):
    """What a results file says about its run: the command (``script``, say
    ``"images.py"`` or ``"studies/selection.py"``, run as ``python -m benchmarks.images``),
    the date, the host and
    torch (with ``machine``), the given settings and the wall time since ``started``
    (a ``time.perf_counter()`` reading)."""
    module = "benchmarks." + str(script).removesuffix(".py").replace("/", ".")
    meta = {"command": f"python -m {module} " + " ".join(
                argv if argv is not None else sys.argv[1:]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if machine:
        import torch

        meta.update(host=f"{platform.machine()}, {torch.get_num_threads()} torch threads",
                    torch=torch.__version__)
    return {**meta, **settings, "wall_seconds": time.perf_counter() - started}


def provenance(meta):
    """The command in backquotes, then (date[, host], minutes)."""
    host = f"{meta['host']}, " if "host" in meta else ""
    return (f"`{meta['command']}` ({meta['date']}, {host}"
            f"{meta['wall_seconds'] / 60:.1f} min)")


def write_results(output_dir, tag, results, report):
    """``tag.json`` (``results``) and ``tag.md`` (the lines of ``report``)."""
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{tag}.json").write_text(json.dumps(results, indent=1))
    (output / f"{tag}.md").write_text("\n".join(report) + "\n")


def fill_page(page, block, text):
    """Replace the text between ``<!-- BLOCK -->`` and ``<!-- /BLOCK -->`` in the docs
    page ``page`` (a path, or a name under ``docs/``) with ``text``: the page's prose is
    written by hand, the scripts fill in its tables."""
    path = Path(page) if Path(page).suffix else DOCS / f"{page}.md"
    start, end = f"<!-- {block} -->", f"<!-- /{block} -->"
    source = path.read_text()
    if source.count(start) != 1 or source.count(end) != 1:
        raise ValueError(f"{path}: needs one {start} and one {end} around the generated text")
    head, rest = source.split(start)
    _, tail = rest.split(end)
    path.write_text(f"{head}{start}\n\n{text.strip()}\n\n{end}{tail}")
    return path


def load_results(tag, results_dir=RESULTS):
    """The committed results ``tag.json``, or None."""
    path = Path(results_dir) / f"{tag}.json"
    return json.loads(path.read_text()) if path.exists() else None
