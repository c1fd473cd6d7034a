"""Quick start: does ActiveGAN augmentation help an SVM trained on few labels?

The paper's protocol on scikit-learn's digits: draw a small stratified labeled
set, grid-search an RBF SVM on it (the baseline), augment the labeled set with
ActiveGAN samples (the reward model uses the baseline's hyper-parameters),
retrain the SVM with the same hyper-parameters on real + synthetic data, and
compare macro F-scores on all the remaining samples. Rows: the paper's method
(free generator), the library's default (anchored generator), and the default
with the synthetic budget chosen by inner cross-validation (0 allowed).

    python examples/digits_quickstart.py            # a few minutes on a laptop CPU
    python examples/digits_quickstart.py --fast     # a few seconds, for smoke tests
    python examples/digits_quickstart.py --history curves.png   # + the default's training curves
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sk_activegan import ActiveGANAugmenter, AugmentedClassifierCV, make_reward_model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-labeled", type=int, default=200)
    parser.add_argument("--n-iter", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fast", action="store_true", help="tiny run for smoke tests")
    parser.add_argument("--history", default=None,
                        help="PNG of the default augmenter's training curves (plot_history)")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): a few training iterations to check that the example runs; "
              "its scores are not results.")
    if args.fast:
        args.n_iter = 60

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=args.n_labeled, stratify=y, random_state=args.seed
    )

    svm = make_pipeline(StandardScaler(), SVC())
    grid = {"svc__C": [1, 10, 100], "svc__gamma": [0.3 / 64, 1 / 64, 3 / 64]}
    baseline = GridSearchCV(svm, grid, scoring="f1_macro", cv=5).fit(X_train, y_train)
    C, gamma = baseline.best_params_["svc__C"], baseline.best_params_["svc__gamma"]
    rows = [("baseline SVM", len(X_train), f1_score(y_test, baseline.predict(X_test),
                                                    average="macro"), 0.0)]

    def augmenter(**params):
        return ActiveGANAugmenter(n_iter=args.n_iter, random_state=args.seed,
                                  reward_estimator=make_reward_model(C=C, gamma=gamma), **params)

    def retrained_svm():
        return make_pipeline(StandardScaler(), SVC(C=C, gamma=gamma))

    for name, params in [("AC-GAN (paper)", {"method": "paper", "lambda_reward": 0.0}),
                         ("ActiveGAN (paper)", {"method": "paper"}),
                         ("ActiveGAN (default)", {})]:
        start = time.perf_counter()
        fitted = augmenter(**params)
        X_res, y_res = fitted.fit_resample(X_train, y_train)
        retrained = retrained_svm().fit(X_res, y_res)
        score = f1_score(y_test, retrained.predict(X_test), average="macro")
        rows.append((name, len(X_res), score, time.perf_counter() - start))

    start = time.perf_counter()
    chosen = AugmentedClassifierCV(augmenter(), retrained_svm())  # macro F1, one-SE rule
    chosen.fit(X_train, y_train)
    added = sum(round(chosen.share_ * count) for count in np.bincount(y_train))
    rows.append(("default + CV budget", len(X_train) + added,
                 f1_score(y_test, chosen.predict(X_test), average="macro"),
                 time.perf_counter() - start))

    print(f"digits: {args.n_labeled} labeled samples, {len(X_test)} test samples, "
          f"SVM C={C}, gamma={gamma:.4f}, seed {args.seed}, n_iter {args.n_iter}")
    print(f"{'method':<20} {'train rows':>10} {'macro F1':>9} {'gain':>7} {'fit s':>6}")
    base = rows[0][2]
    for name, n_rows, score, seconds in rows:
        print(f"{name:<20} {n_rows:>10} {100 * score:>9.2f} {100 * (score - base):>+7.2f} "
              f"{seconds:>6.1f}")
    print("inner-CV macro F1 per budget (share of n): " + ", ".join(
        f"{b:g}: {100 * f:.2f}" for b, f in zip(chosen.cv_results_["shares"],
                                                chosen.cv_results_["mean_test_score"])))
    if args.history:  # `fitted` is the last of the loop: the default augmenter
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from sk_activegan import plot_history

        axes = plot_history(fitted)
        axes[0].figure.suptitle(f"Training curves of ActiveGANAugmenter() on {args.n_labeled} "
                                f"digits (n_iter {args.n_iter}, seed {args.seed})")
        axes[0].figure.tight_layout()
        plt.savefig(args.history, dpi=100)
        print(f"saved {args.history}")


if __name__ == "__main__":
    main()
