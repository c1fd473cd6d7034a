"""Grid search over lambda and epsilon with AugmentedClassifier (no imbalanced-learn import).

On digits (tabular rows, the anchored generator) the scores barely depend on ε and
λ: rows that agree to the second decimal are expected, not a bug — at these settings
the reward moves the generator little (see the method notes), and the search says
so. On images λ matters (the image results).

    python examples/grid_search.py          # a few minutes on a laptop CPU
    python examples/grid_search.py --fast   # seconds, for smoke tests
"""

import argparse

from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier, make_reward_model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): a few training iterations to check that the example runs; "
              "its scores are not results.")
    n_iter = 40 if args.fast else 600

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=200, stratify=y, random_state=0)
    augmenter = ActiveGANAugmenter(n_iter=n_iter, reward_estimator=make_reward_model(C=10.0),
                                   random_state=0)
    model = AugmentedClassifier(augmenter, make_pipeline(StandardScaler(), SVC(C=10.0)))
    grid = {"augmenter__lambda_reward": [0.0, 0.1, 1.0], "augmenter__epsilon": [0.1, 0.2]}
    search = GridSearchCV(model, grid, scoring="f1_macro", cv=3, n_jobs=2).fit(X_train, y_train)

    print(f"{'lambda':>7} {'epsilon':>8} {'CV macro F1':>12}")
    for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        print(f"{params['augmenter__lambda_reward']:>7} {params['augmenter__epsilon']:>8} "
              f"{100 * score:>12.2f}")
    print(f"best: {search.best_params_}, test macro F1 "
          f"{100 * _f1(search, X_test, y_test):.2f}")


def _f1(model, X, y):
    from sklearn.metrics import f1_score

    return f1_score(y, model.predict(X), average="macro")


if __name__ == "__main__":
    main()
