"""Where over-samplers put their samples: SMOTE, BorderlineSMOTE, ActiveGANOverSampler.

On a 2-D imbalanced toy, with the decision boundary of an RBF SVM trained on each
resampled set, saved as PNG.

    python examples/oversampling_2d.py --output oversampling_2d.png [--fast]

``--fast`` is a smoke test (few training iterations): its picture and scores are
not results.
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from imblearn.over_sampling import SMOTE, BorderlineSMOTE  # noqa: E402
from sklearn.datasets import make_moons  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from sk_activegan import ActiveGANOverSampler  # noqa: E402


def imbalanced_moons(n_major, n_minor, seed):
    X, y = make_moons(n_samples=2 * n_major, noise=0.25, random_state=seed)
    rng = np.random.default_rng(seed)
    keep = np.concatenate([np.flatnonzero(y == 0),
                           rng.choice(np.flatnonzero(y == 1), n_minor, replace=False)])
    return X[keep], y[keep]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="oversampling_2d.png")
    parser.add_argument("--fast", action="store_true", help="smoke test: not a result")
    args = parser.parse_args(argv)
    if args.fast:
        print("--fast: a smoke test with 40 training iterations; scores are not results")

    X, y = imbalanced_moons(300, 20, seed=0)
    X_test, y_test = imbalanced_moons(3000, 200, seed=1)
    samplers = {
        "SMOTE": SMOTE(random_state=0),
        "BorderlineSMOTE": BorderlineSMOTE(random_state=0),
        "ActiveGANOverSampler": ActiveGANOverSampler(
            **({"n_iter": 40} if args.fast else {}), random_state=0),
    }
    grid = np.stack(np.meshgrid(np.linspace(-1.6, 2.6, 300), np.linspace(-1.1, 1.6, 250)),
                    axis=-1).reshape(-1, 2)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.8), sharex=True, sharey=True)
    for ax, (name, sampler) in zip(axes, samplers.items()):
        X_res, y_res = sampler.fit_resample(X, y)
        svm = make_pipeline(StandardScaler(), SVC(C=10.0)).fit(X_res, y_res)
        score = 100 * f1_score(y_test, svm.predict(X_test), average="macro")
        print(f"{name:<22} {len(X_res) - len(X)} minority samples, test macro F1 {score:.2f}")
        decision = svm.decision_function(grid).reshape(250, 300)
        ax.contourf(grid[:, 0].reshape(250, 300), grid[:, 1].reshape(250, 300), decision > 0,
                    levels=[-0.5, 0.5, 1.5], colors=["#f3f3f3", "#fde3d0"])
        ax.contour(grid[:, 0].reshape(250, 300), grid[:, 1].reshape(250, 300), decision,
                   levels=[0], colors="black", linewidths=1.2)
        # Okabe-Ito colours, told apart by colour-blind readers too
        ax.scatter(*X[y == 0].T, s=6, c="#56B4E9", alpha=0.6, label="majority (real)")
        ax.scatter(*X_res[len(X):].T, s=8, c="#E69F00", alpha=0.7,
                   label="minority (synthetic)")
        ax.scatter(*X[y == 1].T, s=30, c="#D55E00", edgecolors="black",
                   label="minority (real)")
        ax.set_title(f"{name}\ntest macro F1 {score:.1f}", fontsize=10)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=3,
               fontsize=9, frameon=False, markerscale=1.5)
    fig.suptitle("Where each over-sampler puts its samples (20 real minority rows)\nand the "
                 "SVM boundary it leads to" + (" [--fast smoke test]" if args.fast else ""),
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(args.output, dpi=100)  # 900 px: the docs column, unscaled
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
