"""Image mode on scikit-learn's 8x8 digits: generated images per class, and the SVM.

Every row of ``load_digits`` is a flattened 8x8 image; ``image_shape=(8, 8)``
makes the networks convolutional, and the default (anchored) generator moves a
real image of the class by a learned, bounded warp. The script trains on a small
labeled set, draws a grid of samples (a column a class: the anchor-free
``generator="paper"`` and the default ``generator="warp"`` side by side), and
compares the SVM trained on the real images with the SVM trained on real +
generated ones.

    python examples/images_digits.py --output images_digits.png [--fast]
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

from sk_activegan import ActiveGANAugmenter


def draw(grids, titles, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(grids), figsize=(4.2 * len(grids), 4.0))
    for ax, (X, y), title in zip(np.atleast_1d(axes), grids, titles):
        classes = np.unique(y)
        rows = min(np.bincount(y)[classes])
        canvas = np.ones((rows * 9, len(classes) * 9)) * 16
        for j, c in enumerate(classes):
            for i, image in enumerate(X[y == c][:rows]):
                canvas[i * 9:i * 9 + 8, j * 9:j * 9 + 8] = image.reshape(8, 8)
        ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=16)
        ax.set(title=title, xticks=[4 + 9 * j for j in range(len(classes))],
               xticklabels=classes.tolist(), yticks=[])
        ax.set_xlabel("class (a column a class, a row a latent draw)")
    fig.suptitle("Generated 8x8 digits, image mode")
    fig.tight_layout()
    fig.savefig(path, dpi=100)  # about 840 px: the docs column, unscaled


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-labeled", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="PNG of the generated images")
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): a few training iterations to check that the example runs; "
              "its scores are not results.")
    X, y = load_digits(return_X_y=True)
    X = X.astype(np.uint8)  # pixels 0-16: samples come back as uint8 in the same range
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=args.n_labeled, stratify=y, random_state=args.seed)
    settings = {"image_shape": (8, 8), "random_state": args.seed,
                **({"n_iter": 40, "generator__hidden_layer_sizes": (8, 16, 32)} if args.fast
                   else {})}

    def svm_f1(X_fit, y_fit):
        model = SVC(gamma="scale", C=10.0).fit(X_fit.astype(float), y_fit)
        return 100 * f1_score(y_test, model.predict(X_test.astype(float)), average="macro")

    print(f"{args.n_labeled} labeled 8x8 images; SVM (C=10) macro F1 on {len(y_test)} others")
    print(f"  real images only          {svm_f1(X_train, y_train):6.2f}")
    grids = []
    for generator in ("paper", "warp"):
        augmenter = ActiveGANAugmenter(generator=generator, **settings)
        X_res, y_res = augmenter.fit_resample(X_train, y_train)  # real, then 8 new per image
        X_syn, y_syn = X_res[len(X_train):], y_res[len(y_train):]
        f1 = svm_f1(X_res, y_res)
        print(f"  + {len(y_syn)} from generator={generator!r:8s}{f1:6.2f}   "
              f"(samples: {X_syn.dtype}, pixels {X_syn.min()}-{X_syn.max()})")
        grids.append(augmenter.sample(6))
    if args.output:
        draw(grids, ["generator='paper': G(z, y)", "generator='warp' (default): warped real image"],
             args.output)
        print(f"saved {args.output}")


if __name__ == "__main__":
    main()
