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
CELLS = {"mnist": [500, 1000], "digits": [500], "optdigits": [500]}
SHAPES = {"mnist": (28, 28), "digits": (8, 8), "optdigits": (8, 8)}
METHODS = ["shift4", "VSV-shift8", "VSV-affine4", "SMOTE", "AC-GAN", "AC-GAN+F",
           "ActiveGAN[paper]", "ActiveGAN@0.5", "ActiveGAN@4", "ActiveGAN"]
C_GRID = [1.0, 10.0, 100.0]
GAMMA_FACTORS = [0.3, 1.0, 3.0]  # times gamma="scale"'s value


def load(name):
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
    if kind == "AC-GAN":
        params.update(method="paper", lambda_reward=0.0)
    elif kind == "ActiveGAN[paper]":
        params.update(method="paper")
    return ActiveGANAugmenter(**params).fit(X, y)


def gan_rows(kind, X, y, shape, seed, n_iter, save=None):
    """{method: (X_syn, y_syn, info)} for one trained model, at its budgets."""
    start = time.perf_counter()
    aug = gan(kind, X, y, shape, seed, n_iter)
    info = {"fit_seconds": time.perf_counter() - start, "reward_params": aug.reward_params_}
    budgets = {"AC-GAN": {"AC-GAN": (0.5, None), "AC-GAN+F": (0.5, 0.2)},
               "ActiveGAN[paper]": {"ActiveGAN[paper]": (0.5, None)},
               "ActiveGAN": {"ActiveGAN@0.5": (0.5, None), "ActiveGAN@4": (4.0, None),
                             "ActiveGAN": (aug._n_synthetic(), None)}}[kind]
    out = {}
    for method, (budget, margin) in budgets.items():
        X_syn, y_syn, scores = aug.sample(synthetic_counts(y, budget), margin_filter=margin,
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
    X, y = load(name)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
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
    for method in [m for m in todo if m in ("shift4", "VSV-shift8", "VSV-affine4", "SMOTE")]:
        start = time.perf_counter()
        X_syn, y_syn = classical(method, X_tr, y_tr, shape, support, seed)
        record(method, X_syn, y_syn, {}, time.perf_counter() - start)
    kinds = {"ActiveGAN": ["ActiveGAN@0.5", "ActiveGAN@4", "ActiveGAN"],
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


def targets(table):
    """Lines saying whether the defaults met the issue's targets, cell by cell."""
    lines = []
    for (dataset, n, method), row in sorted(table.items()):
        if method != "ActiveGAN":
            continue
        classical = {m: table[(dataset, n, m)]["gain"] for m in
                     ("shift4", "VSV-shift8", "VSV-affine4", "SMOTE") if (dataset, n, m) in table}
        best = max(classical, key=classical.get) if classical else None
        if dataset == "mnist" and best:
            verdict = "met" if row["gain"] > classical[best] else "not met"
            lines.append(f"- MNIST n = {n}: defaults {row['gain']:+.2f} ({row['wins']}/"
                         f"{row['seeds']} seeds above the baseline, error cut "
                         f"{row['error_cut']:+.1f} %) vs the best classical, {best} "
                         f"{classical[best]:+.2f}: target {verdict}.")
        elif dataset != "mnist":
            verdict = "met" if row["gain"] >= 0 else "not met"
            lines.append(f"- {dataset} (8x8) n = {n}: defaults {row['gain']:+.2f} "
                         f"({row['wins']}/{row['seeds']} seeds above): never below the "
                         f"baseline on average — {verdict}"
                         + (f"; best classical {best} {classical[best]:+.2f}." if best else "."))
    return lines


def page(table, args):
    """docs/images.md: chart first, the targets, per-cell tables, figures, the design
    study and what was not run."""
    docs = HERE.parent / "docs"
    chart(table, docs / "img" / "images_gain.png")
    design = HERE / "results" / "images_design.md"
    speed = HERE / "results" / "images_speed.md"
    lines = [
        "# Results: images (real MNIST and the 8x8 digit sets)", "",
        "![gain of each augmentation per cell](img/images_gain.png)", "",
        "*Figure: macro-F1 gain over the raw-pixel SVM, mean ± sd over seeds; red: "
        "`ActiveGANAugmenter(image_shape=...)` with its defaults.*", "",
        "Command: `python benchmarks/images.py` (two processes side by side, one per n, "
        "`--threads 1`), then `python benchmarks/images.py --report --docs --figures-n 1000 "
        "--json benchmarks/results/images.json` and `python benchmarks/home_chart.py`. "
        "Protocol: a "
        "stratified n-image training set, every other image of the set is the test set; "
        "pixels / 255 (MNIST) or / 16 (8x8); an RBF SVM on raw pixels, C and gamma "
        "grid-searched on the training set (5 folds, macro F1); every method's images are "
        "added and the SVM is refitted with the baseline's C and gamma; macro F1 on the "
        "test set; gains paired by seed. Error cut: gain / (100 − baseline F1). "
        "Diagnostics (share in own class, mean reward) are the library's "
        "`sample_diagnostics` under each model's own reward model.", "",
        "**Rows.** `shift4`: the four 1-px translations of every image. `VSV-shift8`: "
        "virtual support vectors — the eight 1-px translations of every support vector of "
        "the baseline SVM. `VSV-affine4`: four random affine copies of every support vector "
        "(rotation ±12°, shift ±1.5 px). `SMOTE`: +50 %. `AC-GAN`: the convolutional "
        "AC-GAN (`method=\"paper\"`, λ = 0), +50 %; `AC-GAN+F`: its samples through the "
        "margin filter at 0.2 (the same generator). `ActiveGAN[paper]`: the paper's method "
        "with convolutional networks, +50 %. `ActiveGAN`: the defaults — the anchored warp "
        "generator, λ = 1, +800 % (`n_synthetic=\"auto\"`); `ActiveGAN@0.5` and "
        "`ActiveGAN@4`: the same trained model sampled at +50 % and +400 %. GAN rows use "
        "the library's default reward model (the grid-searched, calibrated SVM on raw "
        "pixels) and 3,000 iterations.", "",
        "## Against the targets", "", *targets(table), "",
        "## Per cell", "", markdown(table), "",
        f"## What the generators make (MNIST, n = {args.figures_n}, seed 0)", "",
        f"`python benchmarks/image_figures.py --cell mnist_n{args.figures_n}` draws these "
        "from samples the benchmark saved.", "",
        "![generated images per class](img/images_grid.png)", "",
        "*Figure: a column a class, a row a latent draw (the paper's Figure 5). The "
        "convolutional AC-GAN draws recognisable digits; the paper's ActiveGAN, pushed by "
        "the reward, draws noisier ones; the defaults transform real images.*", "",
        "![the generated images the reward ranks highest](img/images_informative.png)", "",
        "*Figure: of 50 generated images per class, the six with the highest reward "
        "(eq. 9): the defaults' informative images are shifted, rotated, rescaled real "
        "digits; the paper's generator buys reward with noise.*", "",
        "![t-SNE of real and generated images](img/images_tsne.png)", "",
        f"*Figure: t-SNE of the {args.figures_n} real training images (dots) and 50 "
        "generated images per "
        "class (crosses), colour = class (the paper's Figure 4).*", "",
    ]
    if design.exists():
        lines += ["## Design study: which warp, which λ", "", design.read_text().strip(), ""]
    if speed.exists():
        lines += ["## Speed", "", speed.read_text().strip(), ""]
    lines += [
        "## Not run", "",
        "- The defaults with the budget chosen by inner cross-validation "
        "(`AugmentedClassifierCV`): four image fits per cell, not affordable next to the "
        "rest on two cores; the budget rows above (+50 %, +400 %, +800 % from one model) "
        "show the gain growing with the budget on MNIST.",
        "- Anchors drawn at the reward model's support vectors: at these n most training "
        "images are support vectors of the baseline SVM (the `VSV-shift8` rows add 8 per "
        "support vector: about 430 of 500 and 740 of 1,000 images), so such anchors would "
        "be nearly the uniform ones.",
        "- The paper's VGG-16 features: no weights can be downloaded here; "
        "`feature_extractor` takes them (user guide).", ""]
    (docs / "images.md").write_text("\n".join(lines) + "\n")
    print("wrote", docs / "images.md")


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
    table = report(args.cache_dir)
    print(markdown(table))
    if args.chart:
        chart(table, args.chart)
    if args.docs:
        page(table, args)
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"dataset": k[0], "n": k[1], "method": k[2], **v} for k, v in table.items()],
            indent=1))


if __name__ == "__main__":
    main()
