"""Figures of the image benchmark (seed 0 of a cell), from the samples
``benchmarks/images.py`` saved while it ran:

- ``images_grid.png``: generated images, a column a class, a row a latent draw,
  for AC-GAN, ActiveGAN (paper) and ActiveGAN (defaults) — the paper's Figure 5;
- ``images_informative.png``: the generated images the reward ranks highest, per
  class (the default generator), with the anchor-free paper generator's beside;
- ``images_tsne.png``: t-SNE of real and generated images (the paper's Figure 4).

    python -m benchmarks.image_figures --cell mnist_n500 --out docs/img
"""

import argparse
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402

from . import harness

KINDS = {"AC-GAN": "AC-GAN (λ = 0, paper G)", "ActiveGAN[paper]": "ActiveGAN, paper's G(z, y)",
         "ActiveGAN": "ActiveGAN, defaults (warp G)"}


def mosaic(X, y, side, rows, classes):
    canvas = np.ones((rows * (side + 1), len(classes) * (side + 1)))
    for j, c in enumerate(classes):
        for i, image in enumerate(X[y == c][:rows]):
            canvas[i * (side + 1):i * (side + 1) + side,
                   j * (side + 1):j * (side + 1) + side] = image.reshape(side, side)
    return canvas


def grid_figure(data, side, path, label):
    fig, axes = plt.subplots(1, len(data), figsize=(5.4 * len(data), 5.2))
    for ax, (kind, d) in zip(axes, data.items()):
        classes = np.unique(d["y_grid"])
        ax.imshow(mosaic(d["X_grid"], d["y_grid"], side, 8, classes), cmap="gray_r",
                  vmin=0, vmax=1)
        ax.set(title=KINDS[kind], xticks=[side / 2 + (side + 1) * j for j in range(len(classes))],
               xticklabels=classes.tolist(), yticks=[])
        ax.set_xlabel("class (a column a class, a row a latent draw)")
    fig.suptitle(f"Generated images, {label}, seed 0 (the paper's Figure 5)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def informative_figure(data, side, path):
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.6))
    for ax, kind in zip(axes, ("ActiveGAN", "ActiveGAN[paper]")):
        d = data[kind]
        X, y, reward = d["X_many"], d["y_many"], d["reward"]
        classes = np.unique(y)
        order = np.argsort(-reward)
        top = np.concatenate([order[y[order] == c][:6] for c in classes])
        ax.imshow(mosaic(X[top], y[top], side, 6, classes), cmap="gray_r", vmin=0, vmax=1)
        ax.set(title=f"{KINDS[kind]}:\nhighest reward of 50 per class "
                     f"(median reward {np.median(reward):.2f})",
               xticks=[side / 2 + (side + 1) * j for j in range(len(classes))],
               xticklabels=classes.tolist(), yticks=[])
        ax.set_xlabel("class; rows: reward rank 1-6")
    fig.suptitle("The generated images the reward ranks most informative (eq. 9)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def tsne_figure(data, path, seed=0):
    real = data["ActiveGAN"]
    X_real, y_real = real["X_real"], real["y_real"]
    parts = [("real", X_real, y_real)]
    for kind in ("AC-GAN", "ActiveGAN"):
        parts.append((kind, data[kind]["X_many"], data[kind]["y_many"]))
    X = np.vstack([p[1] for p in parts])
    embedded = TSNE(init="pca", random_state=seed, perplexity=30).fit_transform(X)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.6), sharex=True, sharey=True)
    start = len(X_real)
    real_points = embedded[:start]
    for ax, (kind, X_gen, y_gen) in zip(axes, parts[1:]):
        gen = embedded[start:start + len(X_gen)]
        start += len(X_gen)
        ax.scatter(*real_points.T, c=y_real, cmap="tab10", s=6, alpha=0.35, marker="o")
        ax.scatter(*gen.T, c=y_gen, cmap="tab10", s=16, marker="x")
        ax.set(title=f"real (dots) and {KINDS[kind]} (crosses)", xticks=[], yticks=[])
    fig.suptitle("t-SNE of real and generated MNIST images, colour = class "
                 "(the paper's Figure 4)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures-dir", default=str(harness.RESULTS / "cache_images_figures"))
    parser.add_argument("--cell", default="mnist_n500")
    parser.add_argument("--out", default=str(harness.DOCS / "img"))
    args = parser.parse_args(argv)
    data = {kind: np.load(Path(args.figures_dir) / f"{args.cell}_{kind}.npz")
            for kind in KINDS}
    side = int(round(np.sqrt(data["ActiveGAN"]["X_grid"].shape[1])))
    out = Path(args.out)
    name, n = args.cell.rsplit("_n", 1)
    grid_figure(data, side, out / "images_grid.png", f"{name}, n = {n} labeled")
    informative_figure(data, side, out / "images_informative.png")
    tsne_figure(data, out / "images_tsne.png")
    print("saved", *(out / n for n in ("images_grid.png", "images_informative.png",
                                       "images_tsne.png")))


if __name__ == "__main__":
    main()
