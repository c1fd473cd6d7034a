"""ActiveGANAugmenter as a sampler step of an imbalanced-learn Pipeline.

Resampling happens only when the pipeline is fitted; predictions see the rows as
given. Cross-validated against the same SVM without augmentation.

    python examples/imblearn_pipeline.py [--fast]
"""

import argparse

from imblearn.pipeline import Pipeline
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sk_activegan import ActiveGANAugmenter


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): a few training iterations to check that the example runs; "
              "its scores are not results.")

    X, y = load_digits(return_X_y=True)
    X, _, y, _ = train_test_split(X, y, train_size=300, stratify=y, random_state=0)
    augmenter = ActiveGANAugmenter(n_iter=40 if args.fast else 1500, n_synthetic=0.5,
                                   random_state=0)
    with_gan = Pipeline([("scale", StandardScaler()), ("augmenter", augmenter),
                         ("svm", SVC(C=10.0))])
    without = Pipeline([("scale", StandardScaler()), ("svm", SVC(C=10.0))])
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    for name, pipe in [("SVM", without), ("ActiveGAN + SVM", with_gan)]:
        scores = cross_val_score(pipe, X, y, cv=cv, scoring="f1_macro")
        print(f"{name:<16} macro F1 {100 * scores.mean():.2f} +- {100 * scores.std():.2f}")


if __name__ == "__main__":
    main()
