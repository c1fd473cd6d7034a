"""The search both search-CV classifiers share: one signature, one choice rule (the
one-standard-error rule by default), scores that are not finite ranked last, ``cv``
as a generator of splits, and the deprecation paths of the renamed arguments."""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer, precision_score
from sklearn.model_selection import StratifiedKFold

from sk_activegan import ActiveGANAugmenter, AugmentedClassifierCV, OverSampledClassifierCV


class Augmenter(BaseEstimator):
    """Rows near the class means (fit + sample)."""

    def __init__(self, n_synthetic=0.5, random_state=0):
        self.n_synthetic = n_synthetic
        self.random_state = random_state

    def fit(self, X, y):
        self.means_ = {label: X[y == label].mean(axis=0) for label in np.unique(y)}
        self.rng_ = np.random.default_rng(self.random_state)
        return self

    def sample(self, n_per_class):
        X = [self.means_[label] + 0.1 * self.rng_.standard_normal((count, len(self.means_[label])))
             for label, count in n_per_class.items()]
        y = [np.full(count, label) for label, count in n_per_class.items()]
        return np.concatenate(X), np.concatenate(y)


class Sampler(BaseEstimator):
    """Balances the classes with copies of the minority's first row (fit_resample)."""

    def fit_resample(self, X, y):
        labels, counts = np.unique(y, return_counts=True)
        minority = labels[np.argmin(counts)]
        n_new = counts.max() - counts.min()
        X_new = np.repeat(X[y == minority][:1], n_new, axis=0)
        return np.concatenate([X, X_new]), np.concatenate([y, np.full(n_new, minority)])


class Constant(ClassifierMixin, BaseEstimator):
    """Predicts the first class; scored by a scripted scorer."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def scripted(values):
    """A scorer returning ``values[split][share]`` in the order the search calls it
    (splits in order, shares sorted, one process)."""
    calls = iter(np.asarray(values, dtype=float).ravel().tolist())
    return lambda model, X, y: next(calls)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.repeat([0, 1], [42, 18])
    X[y == 1] += 1.5
    return X, y


def _search(kind, **params):
    if kind == "augmenter":
        return AugmentedClassifierCV(Augmenter(), Constant(), **params)
    return OverSampledClassifierCV(Sampler(), Constant(), **params)


LEAVES = ["augmenter", "sampler"]


def test_the_two_searches_share_one_signature():
    augmented = inspect.signature(AugmentedClassifierCV).parameters
    over_sampled = inspect.signature(OverSampledClassifierCV).parameters
    assert list(augmented)[:2] == ["augmenter", "estimator"]
    assert list(over_sampled)[:2] == ["sampler", "estimator"]
    shared = list(over_sampled)[1:]
    assert list(augmented)[1:len(shared) + 1] == shared  # then the deprecated n_synthetic
    for name in shared:
        assert augmented[name].default == over_sampled[name].default, name
    assert over_sampled["scoring"].default == "f1_macro"
    assert over_sampled["min_improvement"].default == "1se"


@pytest.mark.parametrize("kind", LEAVES)
def test_one_standard_error_keeps_zero_when_the_gain_is_within_the_noise(data, kind):
    # share 1 has the better mean (0.75 against 0.70) but a standard error of 0.12
    # (3 splits of 40 training and 20 test rows: 0.132 * sqrt(1 / 3 + 20 / 40))
    noisy = [[0.70, 0.60], [0.70, 0.80], [0.70, 0.85]]
    clf = _search(kind, shares=(0.0, 1.0), scoring=scripted(noisy)).fit(*data)
    assert clf.share_ == 0.0
    np.testing.assert_allclose(clf.min_improvement_,
                               np.std([0.6, 0.8, 0.85], ddof=1) * (1 / 3 + 1 / 2) ** .5)
    assert clf.best_score_ == pytest.approx(0.70)
    # with a tolerance of 0 the best mean wins
    clf = _search(kind, shares=(0.0, 1.0), scoring=scripted(noisy), min_improvement=0.0)
    assert clf.fit(*data).share_ == 1.0 and clf.min_improvement_ == 0.0
    # a gain larger than its standard error is taken
    clear = [[0.70, 0.80], [0.70, 0.82], [0.70, 0.84]]
    assert _search(kind, shares=(0.0, 1.0), scoring=scripted(clear)).fit(*data).share_ == 1.0


@pytest.mark.parametrize("kind", LEAVES)
def test_the_smallest_share_within_the_tolerance_of_the_best_wins(data, kind):
    # best mean: share 1 (0.817, standard error 0.105); share 0.5 (0.80) is within it
    # and share 0 (0.70) is not
    values = [[0.70, 0.79, 0.70], [0.70, 0.80, 0.82], [0.70, 0.81, 0.93]]
    clf = _search(kind, shares=(0.0, 0.5, 1.0), scoring=scripted(values)).fit(*data)
    assert clf.share_ == 0.5
    assert clf.cv_results_["rank_test_score"].tolist() == [3, 2, 1]


@pytest.mark.parametrize("kind", LEAVES)
def test_repeated_folds_do_not_shrink_the_standard_error_below_the_noise(data, kind):
    from sklearn.model_selection import RepeatedStratifiedKFold

    # the same three split scores repeated 5 times: 15 splits that tell no more than 3
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=5, random_state=0)
    noisy = [[0.70, 0.60], [0.70, 0.80], [0.70, 0.85]] * 5
    clf = _search(kind, shares=(0.0, 1.0), cv=cv, scoring=scripted(noisy)).fit(*data)
    assert {f"split{k}_test_score" for k in range(15)} <= set(clf.cv_results_)
    spread = np.std([0.6, 0.8, 0.85] * 5, ddof=1)
    np.testing.assert_allclose(clf.min_improvement_, spread * (1 / 15 + 1 / 2) ** .5)
    assert clf.min_improvement_ > 0.08 and clf.share_ == 0.0  # uncorrected: 0.029, share 1


def test_one_split_has_no_spread_so_the_smallest_share_is_kept(data):
    X, y = data
    split = [(np.arange(0, 60, 2), np.arange(1, 60, 2))]
    clf = _search("sampler", shares=(0.0, 1.0), cv=split, scoring=scripted([[0.5, 0.9]]))
    with pytest.warns(UserWarning, match="needs at least 2 splits"):
        clf.fit(X, y)
    assert clf.share_ == 0.0 and clf.min_improvement_ == np.inf


@pytest.mark.parametrize("kind", LEAVES)
def test_a_score_that_is_not_finite_never_wins(data, kind):
    values = [[np.nan, 0.6, 0.7], [np.nan, 0.6, 0.7]]
    clf = _search(kind, shares=(0.0, 0.5, 1.0), cv=2, scoring=scripted(values),
                  min_improvement=0.0)
    with pytest.warns(UserWarning, match=r"shares \[0.0\] is not finite.*rank last"):
        clf.fit(*data)
    assert clf.share_ == 1.0 and clf.best_score_ == pytest.approx(0.7)
    assert clf.cv_results_["rank_test_score"].tolist() == [3, 2, 1]
    # none finite: the smallest share, with a warning that says so
    clf = _search(kind, shares=(0.0, 1.0), cv=2, scoring=scripted(np.full((2, 2), np.nan)))
    with pytest.warns(UserWarning, match="none is finite"):
        clf.fit(*data)
    assert clf.share_ == 0.0


def test_a_metric_undefined_for_one_share_does_not_win():
    # the classifier alone predicts no minority row: its precision is undefined (NaN)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(120, 2))
    y = (X[:, 0] > 0.6).astype(int)
    scorer = make_scorer(precision_score, zero_division=np.nan)
    from imblearn.over_sampling import RandomOverSampler

    clf = OverSampledClassifierCV(RandomOverSampler(random_state=0), LogisticRegression(C=0.01),
                                  shares=(0.0, 1.0), scoring=scorer, min_improvement=0.0)
    with pytest.warns(UserWarning, match="not finite"):
        clf.fit(X, y)
    assert np.isnan(clf.cv_results_["mean_test_score"][0])
    assert clf.share_ == 1.0 and np.isfinite(clf.best_score_)


@pytest.mark.parametrize("kind", LEAVES)
def test_cv_may_be_a_generator_of_splits(data, kind):
    X, y = data
    expected = _search(kind, cv=StratifiedKFold(3), scoring="accuracy").fit(X, y)
    clf = _search(kind, cv=StratifiedKFold(3).split(X, y), scoring="accuracy").fit(X, y)
    np.testing.assert_array_equal(clf.cv_results_["mean_test_score"],
                                  expected.cv_results_["mean_test_score"])
    with pytest.raises(ValueError, match="cv gave no .train, test. split"):
        clf.fit(X, y)  # the generator was read by the first fit
    assert clf.share_ == expected.share_  # and the first fit is kept


def test_the_fitted_augmenter_carries_the_chosen_share(fast_params):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    augmenter = ActiveGANAugmenter(**fast_params, n_synthetic=0.25, random_state=0)
    clf = AugmentedClassifierCV(augmenter, LogisticRegression(max_iter=500), shares=(1.0,),
                                cv=2).fit(X, y)
    assert clf.share_ == 1.0 and clf.augmenter_.n_synthetic == 1.0
    assert augmenter.n_synthetic == 0.25  # the caller's augmenter is not changed
    X_res, _ = clf.augmenter_.fit_resample(X, y)
    assert len(X_res) == 300  # 150 real rows and 150 synthetic ones, as the estimator saw


def test_renamed_names_still_work_with_a_future_warning(data):
    X, y = data
    with pytest.warns(FutureWarning, match="n_synthetic was renamed shares"):
        clf = AugmentedClassifierCV(Augmenter(), Constant(), n_synthetic=(0.0, 1.0),
                                    scoring="accuracy").fit(X, y)
    assert clf.cv_results_["shares"].tolist() == [0.0, 1.0]
    with pytest.warns(FutureWarning, match="renamed share_"):
        assert clf.n_synthetic_ == clf.share_
    with pytest.warns(FutureWarning, match=r"cv_results_\['shares'\]"):
        assert clf.cv_results_["n_synthetic"] is clf.cv_results_["shares"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AugmentedClassifierCV(Augmenter(), Constant(), shares=(0.0, 1.0)).fit(X, y)


def test_the_former_argument_order_still_works_with_a_future_warning(data):
    X, y = data
    expected = OverSampledClassifierCV(Sampler(), LogisticRegression(), shares=(0.0, 1.0))
    expected.fit(X, y)
    # the default sampler is not trained for share 0 alone
    for args, shares in [((LogisticRegression(), Sampler()), (0.0, 1.0)),
                         ((LogisticRegression(),), (0.0,))]:
        clf = OverSampledClassifierCV(*args, shares=shares)
        with pytest.warns(FutureWarning, match=r"takes \(sampler, estimator\)"):
            clf.fit(X, y)
        assert hasattr(clf, "predict_proba")
        assert isinstance(clf.estimator_, LogisticRegression)
        if len(args) == 2:
            np.testing.assert_array_equal(clf.cv_results_["mean_test_score"],
                                          expected.cv_results_["mean_test_score"])


@pytest.mark.parametrize("kind", LEAVES)
def test_one_standard_error_pools_the_spread_of_every_share(data, kind):
    # share 1's three splits agree (sd 0.01) but the other shares' spread widely: the
    # pooled sd, sqrt((0.1 ** 2 + 0.01 ** 2 + 0.1 ** 2) / 3) = 0.0818, sets the tolerance,
    # and 0.74 - 0.70 lies within it; the best share's own spread alone would take 1
    values = [[0.70, 0.60, 0.73], [0.60, 0.80, 0.75], [0.80, 0.70, 0.74]]
    clf = _search(kind, shares=(0.0, 0.5, 1.0), scoring=scripted(values)).fit(*data)
    pooled = np.sqrt(np.mean([np.var(v, ddof=1) for v in np.transpose(values)]))
    np.testing.assert_allclose(clf.min_improvement_, pooled * (1 / 3 + 1 / 2) ** .5)
    assert clf.share_ == 0.0
    own = np.std([0.73, 0.75, 0.74], ddof=1) * (1 / 3 + 1 / 2) ** .5
    assert 0.74 - own > 0.70  # the unpooled rule would have chosen share 1
