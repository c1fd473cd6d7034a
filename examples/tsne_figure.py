"""The paper's Figure 4 on digits: t-SNE of real, AC-GAN and ActiveGAN samples.

Light blue: real training samples. Red: real hard samples, i.e. rows of the
held-out pool whose top-two margin under the reward model is at most 0.2 (eq. 6).
Green: generated samples, from AC-GAN (left) and ActiveGAN (right). One t-SNE
embedding is fitted on all points, so the two panels share coordinates.

    python examples/tsne_figure.py --output tsne.png [--fast]
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from sk_activegan import (ActiveGANAugmenter, make_reward_model,  # noqa: E402
                          synthetic_diagnostics)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="tsne.png")
    parser.add_argument("--lambda-reward", type=float, default=1.0)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): a few training iterations to check that the example runs; "
              "its scores are not results.")
    n_iter, per_class = (40, 5) if args.fast else (3000, 30)

    X, y = load_digits(return_X_y=True)
    X_train, X_pool, y_train, y_pool = train_test_split(X, y, train_size=300, stratify=y,
                                                        random_state=0)
    reward_model = make_reward_model(C=10.0).fit(X_train, y_train)
    margin = synthetic_diagnostics(X_train, y_train, X_pool, y_pool, reward_model)[0]["margin"]
    hard = X_pool[margin <= 0.2]

    generated = {}
    for name, lambda_reward in [("AC-GAN", 0.0), ("ActiveGAN", args.lambda_reward)]:
        aug = ActiveGANAugmenter(lambda_reward=lambda_reward, n_iter=n_iter,
                                 reward_estimator=reward_model, random_state=0)
        generated[name] = aug.fit(X_train, y_train).sample(per_class)[0]

    parts = [X_train, hard, generated["AC-GAN"], generated["ActiveGAN"]]
    embedded = TSNE(perplexity=min(30, sum(map(len, parts)) // 4), init="pca",
                    random_state=0).fit_transform(StandardScaler().fit_transform(np.vstack(parts)))
    bounds = np.cumsum([0] + [len(p) for p in parts])
    train_2d, hard_2d, acgan_2d, active_2d = (embedded[a:b] for a, b in zip(bounds, bounds[1:]))

    fig, axes = plt.subplots(1, 2, figsize=(9, 4.4), sharex=True, sharey=True)
    for ax, name, points in [(axes[0], "(a) AC-GAN", acgan_2d),
                             (axes[1], f"(b) ActiveGAN, lambda={args.lambda_reward}", active_2d)]:
        # Okabe-Ito colours and distinct markers, for colour-blind readers too
        ax.scatter(*train_2d.T, s=6, c="#56B4E9", label="real training samples")
        ax.scatter(*points.T, s=8, c="#E69F00", label="generated samples")
        ax.scatter(*hard_2d.T, s=14, c="black", marker="x", label="real hard samples (margin <= 0.2)")
        ax.set_title(name, fontsize=11)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=9,
               frameon=False, markerscale=1.5)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(args.output, dpi=100)  # 900 px: the docs column, unscaled
    print(f"saved {args.output}: {len(X_train)} real, {len(hard)} hard, "
          f"{len(acgan_2d)} AC-GAN and {len(active_2d)} ActiveGAN samples")


if __name__ == "__main__":
    main()
