"""AugmentedClassifierCV: the synthetic budget chosen by inner cross-validation."""

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import check_classification_targets

from ._augmenter import ActiveGANAugmenter
from ._compat import HasMethods, Interval, safe_indexing
from ._classifier import (_default_estimator, _PredictFromEstimator, assign_state,
                          validated_state)
from ._counts import synthetic_counts
from ._memory import caller_itemsize, check_fits_in_memory


def _nested_subset(X_syn, y_syn, counts, start=0):
    """The first ``counts[label]`` synthetic rows of every class, among the rows
    from ``start`` on (X as sampled or resampled: array or DataFrame)."""
    y_syn = np.asarray(y_syn)[start:]
    keep = np.zeros(len(y_syn), dtype=bool)
    for label, count in counts.items():
        keep[np.flatnonzero(y_syn == label)[:count]] = True
    return safe_indexing(X_syn, start + np.flatnonzero(keep)), y_syn[keep]


def _with_nested_subset(X, y, X_syn, y_syn, counts, start=0):
    """``(X_aug, y_aug, y_add)``: the real rows, then `_nested_subset`'s rows."""
    X_add, y_add = _nested_subset(X_syn, y_syn, counts, start)
    return _append_rows(X, X_add), np.concatenate([y, y_add]), y_add


def _cv_results(name, candidates, scores):
    """``cv_results_``: the candidates under ``name``, the mean and standard
    deviation of ``scores`` (n_candidates, n_splits) and each split's scores."""
    return {name: candidates, "mean_test_score": scores.mean(axis=1),
            "std_test_score": scores.std(axis=1),
            **{f"split{k}_test_score": scores[:, k] for k in range(scores.shape[1])}}


def _append_rows(X, X_add):
    """The rows of ``X`` then those of ``X_add``, in ``X``'s form (DataFrames stay
    DataFrames with their dtypes)."""
    if hasattr(X, "iloc"):
        import pandas as pd

        return pd.concat([X, X_add], ignore_index=True)
    return np.concatenate([np.asarray(X), np.asarray(X_add)])


def _score_budgets(augmenter, estimator, scorer, X, y, train, test, budgets):
    """Validation score of every budget on one fold, from one trained augmenter."""
    X_fit, y_fit = safe_indexing(X, train), y[train]
    X_test, y_test = safe_indexing(X, test), y[test]
    scores = []
    X_syn = y_syn = None
    if max(budgets) > 0:
        fitted = clone(augmenter).fit(X_fit, y_fit)
        X_syn, y_syn = fitted.sample(synthetic_counts(y_fit, max(budgets)))
        y_syn = np.asarray(y_syn)
    for share in budgets:
        if share > 0:
            X_aug, y_aug, _ = _with_nested_subset(X_fit, y_fit, X_syn, y_syn,
                                                  synthetic_counts(y_fit, share))
        else:
            X_aug, y_aug = X_fit, y_fit
        model = clone(estimator).fit(X_aug, y_aug)
        scores.append(scorer(model, X_test, y_test))
    return scores


class AugmentedClassifierCV(_PredictFromEstimator, ClassifierMixin, BaseEstimator):
    """A classifier whose synthetic budget is chosen by inner cross-validation.

    For every fold of ``cv``, the augmenter is trained once on the fold's training
    part, enough rows for the largest budget are sampled, and the estimator is fitted
    on the real rows plus, for each budget, the first rows of that sample (budgets are
    nested, so one training serves them all) and scored on the held-out part. The
    budget with the best mean score wins (ties go to the smaller budget); a budget of
    0 means "no augmentation", so augmentation is used only where it helps. The final
    model is then refitted on all the data with that budget.

    Cost: ``n_splits`` augmenter trainings, plus one more when the chosen budget is
    not 0.

    Parameters
    ----------
    augmenter : ActiveGANAugmenter or sampler with fit and sample, default=None
        None uses ``ActiveGANAugmenter()``. Its ``n_synthetic`` is replaced by each
        candidate budget.
    estimator : classifier, default=None
        None uses ``make_pipeline(StandardScaler(), SVC())``.
    n_synthetic : sequence of float, default=(0.0, 0.25, 0.5, 1.0)
        Candidate budgets, each a share of every class's size (0.5 adds 50 % of
        every class). Include 0 to allow "no augmentation".
    cv : int, cross-validation generator or iterable, default=3
        As in scikit-learn's `check_cv` (an int is a
        `StratifiedKFold`).
    scoring : str, callable or None, default=None
        Validation score; None uses the estimator's ``score`` (accuracy).
    n_jobs : int or None, default=None
        Folds evaluated in parallel (joblib).

    Attributes
    ----------
    n_synthetic_ : float
        The chosen budget.
    best_score_ : float
        Its mean validation score.
    cv_results_ : dict of ndarray
        ``n_synthetic``, ``mean_test_score``, ``std_test_score`` and
        ``split{k}_test_score`` for every candidate budget.
    augmenter_ : fitted augmenter or None
        None when the chosen budget is 0.
    estimator_ : fitted clone of estimator
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_activegan import ActiveGANAugmenter, AugmentedClassifierCV
    >>> X, y = load_iris(return_X_y=True)
    >>> augmenter = ActiveGANAugmenter(n_iter=50, generator__hidden_layer_sizes=(32,),
    ...                                reward_param_grid={"C": [1.0], "gamma": ["scale"]},
    ...                                random_state=0)
    >>> clf = AugmentedClassifierCV(augmenter, n_synthetic=(0.0, 0.5)).fit(X, y)
    >>> clf.cv_results_["n_synthetic"].tolist()
    [0.0, 0.5]
    >>> clf.n_synthetic_ in (0.0, 0.5)
    True
    """

    _parameter_constraints = {
        "augmenter": [HasMethods(["fit", "sample"]), None],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_synthetic": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, augmenter=None, estimator=None, *, n_synthetic=(0.0, 0.25, 0.5, 1.0),
                 cv=3, scoring=None, n_jobs=None):
        self.augmenter = augmenter
        self.estimator = estimator
        self.n_synthetic = n_synthetic
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs

    def _budgets(self):
        budgets = np.asarray(self.n_synthetic, dtype=object).ravel()
        if len(budgets) == 0:
            raise ValueError("n_synthetic must name at least one budget; got none.")
        for share in budgets:
            if (isinstance(share, bool) or not isinstance(share, numbers.Real)
                    or not np.isfinite(share) or share < 0):
                raise ValueError("n_synthetic must hold finite shares >= 0 of each class's "
                                 f"size; got {share!r}.")
        return np.unique(budgets.astype(np.float64))  # sorted: ties go to the smaller

    def fit(self, X, y):
        """Choose the budget by inner cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : AugmentedClassifierCV
            On any error, or an interruption, the previous fit is kept as it was.

        Raises
        ------
        ValueError
            Before any training: bad budgets; folds with fewer than 2 rows of a
            class; a largest augmented set (rows x features x bytes per value)
            larger than the memory available now.
        """
        self._validate_params()
        budgets = self._budgets()
        # X goes to the augmenter as given (DataFrames keep their column names and
        # category dtypes); the augmenter validates it before any training. The new
        # state is built as locals and assigned last: a failed refit keeps the old one
        X, y, state = validated_state(self, X, y)
        check_classification_targets(y)
        # the largest augmented set must fit in memory, checked before any training
        check_fits_in_memory(len(y) + sum(synthetic_counts(y, budgets.max()).values()),
                             np.shape(X)[1], caller_itemsize(X), "n_synthetic")
        augmenter = self.augmenter if self.augmenter is not None else ActiveGANAugmenter()
        estimator = self.estimator if self.estimator is not None else _default_estimator()
        cv = check_cv(self.cv, y, classifier=is_classifier(estimator))
        scorer = check_scoring(estimator, scoring=self.scoring)
        folds = list(cv.split(X, y))
        if budgets.max() > 0:
            self._check_folds(y, folds)
        scores = np.array(Parallel(n_jobs=self.n_jobs)(
            delayed(_score_budgets)(augmenter, estimator, scorer, X, y, train, test, budgets)
            for train, test in folds
        )).T  # (n_budgets, n_splits)
        cv_results = _cv_results("n_synthetic", budgets, scores)
        mean = cv_results["mean_test_score"]
        best = int(np.argmax(mean))
        n_synthetic = float(budgets[best])
        fitted_augmenter = None
        X_aug, y_aug = X, y
        if n_synthetic > 0:
            fitted_augmenter = clone(augmenter).fit(X, y)
            X_add, y_add = fitted_augmenter.sample(synthetic_counts(y, n_synthetic))
            X_aug = _append_rows(X, X_add)
            y_aug = np.concatenate([y, np.asarray(y_add)])
        fitted_estimator = clone(estimator).fit(X_aug, y_aug)
        assign_state(self, {**state, "cv_results_": cv_results, "n_synthetic_": n_synthetic,
                            "best_score_": float(mean[best]), "augmenter_": fitted_augmenter,
                            "estimator_": fitted_estimator,
                            "classes_": fitted_estimator.classes_})
        return self

    def _check_folds(self, y, folds):
        """Every training fold must hold 2 rows of every class for the augmenter."""
        short = set()
        for train, _ in folds:
            labels, counts = np.unique(y[train], return_counts=True)
            short |= set(np.setdiff1d(np.unique(y), labels[counts >= 2]).tolist())
        if short:
            raise ValueError(
                f"With cv={self.cv!r}, a training fold holds fewer than 2 rows of classes "
                f"{sorted(short, key=repr)}; the augmenter needs at least 2 per class. "
                "Use fewer folds, or more rows of those classes."
            )


def _added_per_class(y_res, n_real):
    """``{label: rows}`` the over-sampler appended after the ``n_real`` real rows."""
    labels, counts = np.unique(np.asarray(y_res)[n_real:], return_counts=True)
    return dict(zip(labels.tolist(), counts.tolist()))


def _share_counts(added, share):
    """Rows kept per class at ``share`` of the sampler's own amount (half to even)."""
    return {label: int(np.round(share * count)) for label, count in added.items()}


def _over_sample(sampler, X, y):
    """``sampler.fit_resample(X, y)`` (the sampler is fitted in place); checks the real
    rows come first, as imbalanced-learn's over-samplers return them."""
    X_res, y_res = sampler.fit_resample(X, y)
    y_res = np.asarray(y_res)
    if len(y_res) < len(y) or not np.array_equal(y_res[:len(y)], np.asarray(y)):
        raise ValueError(
            f"{type(sampler).__name__}.fit_resample must return the real rows first, then "
            "the synthetic ones (as imbalanced-learn's over-samplers do); it returned "
            f"{len(y_res)} rows for {len(y)} real ones, in another order.")
    return X_res, y_res


def _score_shares(sampler, estimator, scorer, X, y, train, test, shares):
    """Validation score of every share on one fold, from one ``fit_resample``."""
    X_fit, y_fit = safe_indexing(X, train), y[train]
    X_test, y_test = safe_indexing(X, test), y[test]
    added = {}
    if shares.max() > 0:
        try:
            X_res, y_res = _over_sample(clone(sampler), X_fit, y_fit)
        except ValueError as exc:
            raise ValueError(f"The sampler failed on a training fold ({len(train)} rows, "
                             f"class sizes {np.unique(y_fit, return_counts=True)[1].tolist()})"
                             f": {exc} Use fewer folds (cv).") from exc
        added = _added_per_class(y_res, len(y_fit))
    scores = []
    for share in shares:
        X_aug, y_aug = X_fit, y_fit
        if share > 0:
            X_aug, y_aug, _ = _with_nested_subset(X_fit, y_fit, X_res, y_res,
                                                  _share_counts(added, share), len(y_fit))
        model = clone(estimator).fit(X_aug, y_aug)
        scores.append(scorer(model, X_test, y_test))
    return scores


class OverSampledClassifierCV(_PredictFromEstimator, ClassifierMixin, BaseEstimator):
    """A classifier whose amount of over-sampling, 0 included, is chosen by inner
    cross-validation.

    Works with any classifier and any over-sampler that appends synthetic rows
    after the real ones (imbalanced-learn's over-samplers, `ActiveGANOverSampler`).
    A *share* is a fraction of the rows the sampler adds with its own
    ``sampling_strategy``: with the default ``"auto"``, 1.0 balances the classes,
    0.5 adds half of what balancing adds to every minority class, and 0.0 adds
    nothing, so over-sampling is used only where the validation score says it pays.

    For every fold of ``cv`` the sampler is fitted once on the fold's training part
    (``fit_resample`` with its own amount); for each share the estimator is fitted
    on the real rows plus the first rows of that share of every class's synthetic
    rows (shares are nested, so one ``fit_resample`` serves them all) and scored on
    the held-out part. The share with the best mean score wins (ties go to the
    smaller share) when it beats the smallest share by more than
    ``min_improvement``, else the smallest share does; the estimator is then
    refitted on all the data with that share of one more ``fit_resample`` (none when
    the share is 0).

    Cost: ``n_splits`` sampler fits, plus one when the chosen share is not 0, and
    ``n_splits * len(shares) + 1`` estimator fits.

    Parameters
    ----------
    estimator : classifier, default=None
        Any scikit-learn classifier (a pipeline too). None uses
        ``make_pipeline(StandardScaler(), SVC())``. Its hyper-parameters are kept:
        tune them beforehand, or wrap this estimator in ``GridSearchCV``
        (``estimator__...``).
    sampler : over-sampler with fit_resample, default=None
        None uses ``ActiveGANOverSampler()``. ``fit_resample`` must return the real
        rows first and the synthetic ones after them, in the order generated, so that
        the first rows of a class are a sample of the smaller amount.
    shares : sequence of float, default=(0.0, 0.25, 0.5, 1.0)
        Candidate shares of the sampler's own amount, each in [0, 1]. Include 0
        to allow "no over-sampling".
    cv : int, cross-validation generator or iterable, default=3
        As in scikit-learn's `check_cv` (an int is a `StratifiedKFold`). Every
        training fold must hold enough rows of each class for the sampler (2 for
        `ActiveGANOverSampler`, ``k_neighbors + 1`` for SMOTE).
    scoring : str, callable or None, default="f1_macro"
        Validation score; None uses the estimator's ``score`` (accuracy).
    min_improvement : float, default=0.0
        How much (in the scorer's units: 0.01 is one macro-F1 point) the best
        share's mean validation score must exceed the smallest share's (0, "the
        classifier alone", when listed) to be chosen. Above 0 it guards against
        validation folds that hold a handful of minority rows.
    n_jobs : int or None, default=None
        Folds evaluated in parallel (joblib).

    Attributes
    ----------
    share_ : float
        The chosen share.
    best_score_ : float
        Its mean validation score.
    cv_results_ : dict of ndarray of shape (n_shares,)
        ``shares`` (sorted), ``mean_test_score``, ``std_test_score`` and
        ``split{k}_test_score`` for every candidate share.
    sampler_ : fitted clone of sampler or None
        None when the chosen share is 0.
    n_added_ : dict
        ``{label: rows}`` of synthetic rows the final estimator was fitted with
        (empty when the chosen share is 0).
    estimator_ : fitted clone of estimator
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    Raises
    ------
    ValueError
        In ``fit``: no share, a share outside [0, 1] or not a number; a sampler
        that fails on a training fold (too few rows of a class for ``cv``); a
        sampler whose output does not start with the real rows.

    See Also
    --------
    AugmentedClassifierCV : the same choice for `ActiveGANAugmenter`'s budget, which
        adds to every class.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from imblearn.over_sampling import SMOTE
    >>> from sk_activegan import OverSampledClassifierCV
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = OverSampledClassifierCV(HistGradientBoostingClassifier(random_state=0),
    ...                               SMOTE(random_state=0), shares=(0.0, 0.5, 1.0))
    >>> clf.fit(X, y).cv_results_["shares"].tolist()
    [0.0, 0.5, 1.0]
    >>> clf.share_ in (0.0, 0.5, 1.0)
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "sampler": [HasMethods(["fit_resample"]), None],
        "shares": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "min_improvement": [Interval(numbers.Real, 0, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, estimator=None, sampler=None, *, shares=(0.0, 0.25, 0.5, 1.0), cv=3,
                 scoring="f1_macro", min_improvement=0.0, n_jobs=None):
        self.estimator = estimator
        self.sampler = sampler
        self.shares = shares
        self.cv = cv
        self.scoring = scoring
        self.min_improvement = min_improvement
        self.n_jobs = n_jobs

    def _shares(self):
        shares = np.asarray(self.shares, dtype=object).ravel()
        if len(shares) == 0:
            raise ValueError("shares must name at least one share; got none.")
        for share in shares:
            if (isinstance(share, bool) or not isinstance(share, numbers.Real)
                    or not 0 <= share <= 1):
                raise ValueError("shares must hold numbers in [0, 1] (shares of the "
                                 f"sampler's own amount); got {share!r}.")
        return np.unique(shares.astype(np.float64))  # sorted: ties go to the smaller

    def fit(self, X, y):
        """Choose the share by inner cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Passed to the sampler as given.
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : OverSampledClassifierCV
        """
        self._validate_params()
        shares = self._shares()
        X, y, state = validated_state(self, X, y)
        check_classification_targets(y)
        sampler = self.sampler if self.sampler is not None else _default_sampler()
        estimator = self.estimator if self.estimator is not None else _default_estimator()
        cv = check_cv(self.cv, y, classifier=is_classifier(estimator))
        scorer = check_scoring(estimator, scoring=self.scoring)
        folds = list(cv.split(X, y))
        scores = np.array(Parallel(n_jobs=self.n_jobs)(
            delayed(_score_shares)(sampler, estimator, scorer, X, y, train, test, shares)
            for train, test in folds
        )).T  # (n_shares, n_splits)
        cv_results = _cv_results("shares", shares, scores)
        mean = cv_results["mean_test_score"]
        best = int(np.argmax(mean))
        if mean[best] - mean[0] <= self.min_improvement:
            best = 0
        share = float(shares[best])
        fitted_sampler, n_added = None, {}
        X_fit, y_fit = X, y
        if share > 0:
            fitted_sampler = clone(sampler)
            X_res, y_res = _over_sample(fitted_sampler, X, y)
            counts = _share_counts(_added_per_class(y_res, len(y)), share)
            X_fit, y_fit, y_add = _with_nested_subset(X, y, X_res, y_res, counts, len(y))
            n_added = _added_per_class(y_add, 0)
        fitted = clone(estimator).fit(X_fit, y_fit)
        # every step has succeeded: the fitted state is assigned in one go, so a
        # failed refit keeps the previous fit
        assign_state(self, {
            **state, "share_": share, "best_score_": float(mean[best]),
            "cv_results_": cv_results,
            "sampler_": fitted_sampler, "n_added_": n_added, "estimator_": fitted,
            "classes_": fitted.classes_})
        return self

    def __sklearn_tags__(self):
        tags = ClassifierMixin.__sklearn_tags__(self)
        tags.input_tags.sparse = False
        sampler = self.sampler if self.sampler is not None else _default_sampler()
        tags.non_deterministic = getattr(sampler, "random_state", None) is None
        return tags


def _default_sampler():
    from ._over_sampler import ActiveGANOverSampler

    return ActiveGANOverSampler()
