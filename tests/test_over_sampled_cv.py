"""OverSampledClassifierCV: the amount of over-sampling, 0 included, chosen by inner CV."""

import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_activegan import ActiveGANOverSampler, OverSampledClassifierCV


class RuleOverSampler(BaseEstimator):
    """Balances the classes with class-1 rows where the rule ``x0 > 0.6`` puts class 1
    ("oracle") or where it puts class 0 ("flip"); records every fit's row count."""

    FITS = []

    def __init__(self, mode="oracle", random_state=0):
        self.mode = mode
        self.random_state = random_state

    def fit_resample(self, X, y):
        RuleOverSampler.FITS.append(len(X))
        rng = np.random.default_rng(self.random_state)
        n_new = int(np.sum(y == 0) - np.sum(y == 1))
        X_new = rng.uniform(-1, 1, size=(n_new, 2))
        X_new[:, 0] = (rng.uniform(0.6, 1, size=n_new) if self.mode == "oracle"
                       else rng.uniform(-1, 0.6, size=n_new))
        return np.concatenate([X, X_new]), np.concatenate([y, np.ones(n_new, dtype=y.dtype)])


@pytest.fixture
def imbalanced_rule():
    """120 rows, class 1 where x0 > 0.6 (33 rows)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(120, 2))
    return X, (X[:, 0] > 0.6).astype(int)


@pytest.fixture(autouse=True)
def clear_fits():
    RuleOverSampler.FITS.clear()


def test_harmful_over_sampling_is_not_used(imbalanced_rule):
    X, y = imbalanced_rule
    logistic = LogisticRegression()  # about right alone: 0.99 mean validation macro F1
    clf = OverSampledClassifierCV(RuleOverSampler("flip"), logistic).fit(X, y)
    results = clf.cv_results_
    assert results["shares"].tolist() == [0.0, 0.25, 0.5, 1.0]
    assert results["mean_test_score"][0] > results["mean_test_score"][-1] + 0.1
    assert clf.share_ == 0.0
    assert clf.sampler_ is None and clf.n_added_ == {}
    assert len(RuleOverSampler.FITS) == 3  # one fit per fold, none at the end
    # the final model is the plain estimator on the real rows
    np.testing.assert_array_equal(clf.predict(X), logistic.fit(X, y).predict(X))


def test_helpful_over_sampling_is_chosen_with_one_fit_per_fold(imbalanced_rule):
    X, y = imbalanced_rule
    # strongly regularised, the model alone predicts the majority (0.42 macro F1)
    clf = OverSampledClassifierCV(RuleOverSampler("oracle"), LogisticRegression(C=0.1),
                                  shares=(1.0, 0.0), cv=3).fit(X, y)
    results = clf.cv_results_
    assert results["shares"].tolist() == [0.0, 1.0]
    assert clf.share_ == 1.0
    assert clf.best_score_ == results["mean_test_score"].max()
    np.testing.assert_allclose(results["mean_test_score"],
                               np.mean([results[f"split{k}_test_score"] for k in range(3)],
                                       axis=0))
    assert RuleOverSampler.FITS == [80, 80, 80, 120]
    assert clf.n_added_ == {1: int(np.sum(y == 0) - np.sum(y == 1))}


def test_a_share_keeps_that_share_of_every_class():
    X = np.arange(60, dtype=float).reshape(30, 2)
    y = np.array([0] * 18 + [1] * 8 + [2] * 4)
    clf = OverSampledClassifierCV(RandomOverSampler(random_state=0), LogisticRegression(),
                                  shares=(0.5,), cv=2).fit(X, y)
    assert clf.share_ == 0.5
    assert clf.n_added_ == {1: 5, 2: 7}  # half of 10 and of 14, rounded half to even


def test_ties_go_to_the_smaller_share(imbalanced_rule):
    from sklearn.dummy import DummyClassifier

    clf = OverSampledClassifierCV(RuleOverSampler(), DummyClassifier(),
                                  shares=(1.0, 0.25, 0.5), scoring="accuracy")
    clf.fit(*imbalanced_rule)
    assert clf.share_ == 0.25


@pytest.mark.parametrize("estimator", [
    HistGradientBoostingClassifier(max_iter=20, random_state=0),
    make_pipeline(StandardScaler(), LogisticRegression()),
    KNeighborsClassifier(),
])
def test_any_classifier_in_a_grid_search(imbalanced_rule, estimator):
    X, y = imbalanced_rule
    search = GridSearchCV(OverSampledClassifierCV(RandomOverSampler(random_state=0), estimator,
                                                  shares=(0.0, 1.0), cv=2),
                          {"shares": [(0.0,), (0.0, 0.5, 1.0)]}, cv=2, scoring="f1_macro")
    search.fit(X, y)
    assert search.best_estimator_.share_ in (0.0, 0.5, 1.0)
    assert search.predict(X).shape == (120,)


def test_with_the_activegan_over_sampler_in_a_pipeline(imbalanced_rule, fast_params):
    import pickle

    X, y = imbalanced_rule
    pipe = make_pipeline(StandardScaler(), OverSampledClassifierCV(
        ActiveGANOverSampler(**fast_params, random_state=0), LogisticRegression(),
        shares=(0.5, 1.0), cv=2))
    pipe.fit(X, y)
    clf = pipe[-1]
    assert clf.sampler_ is not None  # 0 is not a candidate here
    assert set(clf.n_added_) == {1}
    assert clf.predict_proba(X).shape == (120, 2)
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict_proba(X), pipe.predict_proba(X))


@pytest.mark.parametrize("shares, message", [
    ((), "at least one share"),
    ((0.0, -0.5), r"in \[0, 1\]"),
    ((0.0, 1.5), r"in \[0, 1\]"),
    ((0.0, float("nan")), r"in \[0, 1\]"),
    ((0.0, True), r"in \[0, 1\]"),
    ((0.0, "half"), r"in \[0, 1\]"),
])
def test_bad_shares_are_named(imbalanced_rule, shares, message):
    with pytest.raises(ValueError, match=message):
        OverSampledClassifierCV(RuleOverSampler(), LogisticRegression(), shares=shares).fit(
            *imbalanced_rule)


def test_a_sampler_failing_on_a_fold_is_named(fast_params):
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.array([0] * 18 + [1] * 2)  # a 2-fold training part holds one row of class 1
    clf = OverSampledClassifierCV(ActiveGANOverSampler(**fast_params), LogisticRegression(),
                                  cv=2)
    with pytest.raises(ValueError, match=r"failed on a training fold .* Use fewer folds"):
        clf.fit(X, y)
    # share 0 alone fits no sampler, so the same folds are fine
    OverSampledClassifierCV(ActiveGANOverSampler(**fast_params), LogisticRegression(), cv=2,
                            shares=(0.0,)).fit(X, y)


def test_a_sampler_that_reorders_the_real_rows_is_refused(imbalanced_rule):
    class Shuffling(BaseEstimator):
        def fit_resample(self, X, y):
            order = np.argsort(-y, kind="stable")
            return X[order], y[order]

    with pytest.raises(ValueError, match="real rows first"):
        OverSampledClassifierCV(Shuffling(), LogisticRegression()).fit(*imbalanced_rule)


def test_min_improvement_keeps_the_classifier_alone_unless_a_share_beats_it(imbalanced_rule):
    X, y = imbalanced_rule
    loose = OverSampledClassifierCV(RuleOverSampler("oracle"), LogisticRegression(C=0.1),
                                    shares=(0.0, 1.0), min_improvement=0.0).fit(X, y)
    gain = loose.cv_results_["mean_test_score"][1] - loose.cv_results_["mean_test_score"][0]
    assert loose.share_ == 1.0 and gain > 0.1
    strict = OverSampledClassifierCV(RuleOverSampler("oracle"), LogisticRegression(C=0.1),
                                     shares=(0.0, 1.0), min_improvement=gain + 0.01).fit(X, y)
    assert strict.share_ == 0.0 and strict.sampler_ is None
    np.testing.assert_array_equal(strict.cv_results_["mean_test_score"],
                                  loose.cv_results_["mean_test_score"])
