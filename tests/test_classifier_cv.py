"""AugmentedClassifierCV: the synthetic budget chosen by inner cross-validation."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from sk_activegan import ActiveGANAugmenter, AugmentedClassifierCV


class RuleAugmenter(BaseEstimator):
    """Rows labeled by the true rule ``x0 > 0`` ("oracle") or with the wrong label ("flip").

    Every ``fit`` is recorded in ``FITS`` (row counts), so tests can count trainings.
    """

    FITS = []

    def __init__(self, mode="oracle", random_state=0):
        self.mode = mode
        self.random_state = random_state

    def fit(self, X, y):
        RuleAugmenter.FITS.append(len(X))
        self.rng_ = np.random.default_rng(self.random_state)
        return self

    def sample(self, n_per_class):
        X_parts, y_parts = [], []
        for label, count in n_per_class.items():
            side = 1.0 if label == 1 else -1.0
            if self.mode == "flip":
                side = -side
            X = self.rng_.uniform(-1, 1, size=(count, 2))
            X[:, 0] = side * np.abs(X[:, 0])
            X_parts.append(X)
            y_parts.append(np.full(count, label))
        return np.concatenate(X_parts), np.concatenate(y_parts)


@pytest.fixture
def noisy_rule():
    """60 rows labeled by x0 > 0, a tenth of the labels flipped."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    flip = rng.choice(60, size=6, replace=False)
    y[flip] = 1 - y[flip]
    return X, y


@pytest.fixture(autouse=True)
def clear_fits():
    RuleAugmenter.FITS.clear()


def test_harmful_augmentation_is_not_used(noisy_rule):
    X, y = noisy_rule
    knn = KNeighborsClassifier(n_neighbors=1)
    clf = AugmentedClassifierCV(RuleAugmenter("flip"), knn, shares=(0.0, 0.5, 2.0)).fit(X, y)
    assert clf.share_ == 0.0
    assert clf.augmenter_ is None
    assert len(RuleAugmenter.FITS) == 3  # one training per fold, no final one
    # the final model is the plain estimator on the real rows
    np.testing.assert_array_equal(clf.predict(X), knn.fit(X, y).predict(X))


def test_helpful_augmentation_is_chosen_with_one_training_per_fold(noisy_rule):
    X, y = noisy_rule
    knn = KNeighborsClassifier(n_neighbors=1)
    clf = AugmentedClassifierCV(RuleAugmenter("oracle"), knn, shares=(0.0, 1.0, 4.0),
                                cv=3).fit(X, y)
    results = clf.cv_results_
    assert results["shares"].tolist() == [0.0, 1.0, 4.0]
    assert results["mean_test_score"][2] > results["mean_test_score"][0] + 0.1
    assert clf.share_ == results["shares"][np.argmax(results["mean_test_score"])]
    assert clf.best_score_ == results["mean_test_score"].max()
    np.testing.assert_allclose(
        results["mean_test_score"],
        np.mean([results[f"split{k}_test_score"] for k in range(3)], axis=0))
    # 3 fold trainings (on 40 rows each), then one on all 60 rows
    assert RuleAugmenter.FITS == [40, 40, 40, 60]
    assert clf.augmenter_ is not None
    # the final estimator saw the real rows plus share_ times each class's size
    assert clf.estimator_.n_samples_fit_ == round(60 * (1 + clf.share_))


def test_ties_go_to_the_smaller_budget(noisy_rule):
    X, y = noisy_rule
    # a constant-score estimator: every budget ties
    from sklearn.dummy import DummyClassifier

    clf = AugmentedClassifierCV(RuleAugmenter("oracle"), DummyClassifier(),
                                shares=(1.0, 0.25, 0.5)).fit(X, y)
    assert clf.cv_results_["shares"].tolist() == [0.25, 0.5, 1.0]
    assert clf.share_ == 0.25


def test_with_the_activegan_augmenter(blobs, fast_params):
    X, y = blobs
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    clf = AugmentedClassifierCV(aug, LogisticRegression(), shares=(0.0, 0.5), cv=2,
                                scoring="f1_macro").fit(X, y)
    assert clf.share_ in (0.0, 0.5)
    assert set(clf.cv_results_) == {"shares", "mean_test_score", "std_test_score",
                                    "rank_test_score", "split0_test_score",
                                    "split1_test_score"}
    assert clf.score(X, y) > 0.9  # well-separated blobs
    assert clf.predict_proba(X).shape == (90, 3)
    refit = AugmentedClassifierCV(aug, LogisticRegression(), shares=(0.0, 0.5), cv=2,
                                  scoring="f1_macro").fit(X, y)
    np.testing.assert_array_equal(refit.cv_results_["mean_test_score"],
                                  clf.cv_results_["mean_test_score"])


@pytest.mark.parametrize("budgets, message", [
    ((), "at least one share"),
    ((0.0, -0.5), "finite shares >= 0"),
    ((0.0, float("nan")), "finite shares >= 0"),
    ((0.0, True), "finite shares >= 0"),
    ((0.0, "half"), "finite shares >= 0"),
])
def test_bad_budgets_are_named(noisy_rule, budgets, message):
    with pytest.raises(ValueError, match=message):
        AugmentedClassifierCV(RuleAugmenter(), shares=budgets).fit(*noisy_rule)


def test_folds_too_small_for_the_augmenter_are_named(fast_params):
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    clf = AugmentedClassifierCV(ActiveGANAugmenter(**fast_params), cv=2)
    with pytest.raises(ValueError, match=r"cv=2, a training fold holds fewer than 2 rows of "
                                         r"classes \[2\]"):
        clf.fit(X, y)
    # budget 0 alone trains no augmenter, so the same folds are fine
    AugmentedClassifierCV(ActiveGANAugmenter(**fast_params), cv=2, shares=(0.0,)).fit(X, y)


def test_in_a_pipeline_and_after_pickling(blobs, fast_params):
    import pickle

    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = blobs
    pipe = make_pipeline(StandardScaler(), AugmentedClassifierCV(
        ActiveGANAugmenter(**fast_params, random_state=0), LogisticRegression(),
        shares=(0.5, 1.0), cv=2))
    pipe.fit(X, y)
    clf = pipe[-1]
    assert clf.augmenter_ is not None  # 0 is not a candidate here
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict_proba(X), pipe.predict_proba(X))
    # the restored augmenter continues the same sample stream
    np.testing.assert_array_equal(restored[-1].augmenter_.sample(3)[0],
                                  clf.augmenter_.sample(3)[0])
