"""The two search-CV classifiers: the share of synthetic rows, 0 included, chosen by
inner cross-validation, for `ActiveGANAugmenter` (every class) and for any
over-sampler (imbalanced-learn's ``sampling_strategy``). The search is
`BaseShareSearchCV`'s; the leaves say where the rows come from."""

import warnings

import numpy as np
from sklearn.base import clone

from ._augmenter import ActiveGANAugmenter
from ._base import clone_sharing_extractor
from ._compat import HasMethods, StrOptions, safe_indexing
from ._counts import synthetic_counts
from ._memory import caller_itemsize, check_fits_in_memory
from ._search_cv import (REFERENCES_DOC, SHARED_ATTRIBUTES_DOC, SHARED_PARAMETERS_DOC,
                         BaseShareSearchCV, append_rows, with_nested_subset)

#: Candidate shares, the same default for both searches.
DEFAULT_SHARES = (0.0, 0.25, 0.5, 1.0)


def _score_augmented(augmenter, estimator, scorer, X, y, train, test, shares):
    """Validation score of every share on one split, from one trained augmenter."""
    X_fit, y_fit = safe_indexing(X, train), y[train]
    X_test, y_test = safe_indexing(X, test), y[test]
    X_syn = y_syn = None
    if shares.max() > 0:
        fitted = _with_share(augmenter, shares.max()).fit(X_fit, y_fit)
        X_syn, y_syn = fitted.sample(synthetic_counts(y_fit, shares.max()))
        y_syn = np.asarray(y_syn)
    scores = []
    for share in shares:
        X_aug, y_aug = X_fit, y_fit
        if share > 0:
            X_aug, y_aug, _ = with_nested_subset(X_fit, y_fit, X_syn, y_syn,
                                                 synthetic_counts(y_fit, share))
        scores.append(scorer(clone(estimator).fit(X_aug, y_aug), X_test, y_test))
    return scores


def _with_share(augmenter, share):
    """A clone of ``augmenter`` whose ``n_synthetic`` (where it has one) is ``share``:
    its ``fit_resample`` then adds the rows the estimator was fitted with."""
    augmenter = clone_sharing_extractor(augmenter)
    if "n_synthetic" in augmenter.get_params(deep=False):
        augmenter.set_params(n_synthetic=float(share))
    return augmenter


class _RenamedKeys(dict):
    """``cv_results_``, whose former key ``"n_synthetic"`` still reads ``"shares"``
    (with a ``FutureWarning``) until 0.4."""

    def __missing__(self, key):
        if key == "n_synthetic":
            warnings.warn("cv_results_['n_synthetic'] was renamed cv_results_['shares'] in "
                          "0.3 and will be removed in 0.4.", FutureWarning, stacklevel=2)
            return self["shares"]
        raise KeyError(key)


class AugmentedClassifierCV(BaseShareSearchCV):
    __doc__ = f"""A classifier whose synthetic budget, 0 included, is chosen by inner
    cross-validation.

    A *share* is a budget of synthetic rows as a share of every class's size
    (0.5 adds 50 % of every class: the augmenter's ``n_synthetic`` as a float).
    For every split of ``cv``, the augmenter is trained once on the split's
    training part, enough rows for the largest share are sampled, and the
    estimator is fitted on the real rows plus, for each share, the first rows of
    that sample (shares are nested, so one training serves them all) and scored
    on the held-out part. The smallest share within ``min_improvement`` of the
    best mean score wins (0, "no augmentation", unless a share beats it by more
    than that); the final model is then refitted on all the data with that share.

    Cost: ``n_splits`` augmenter trainings, plus one more when the chosen share is
    not 0, and ``n_splits * len(shares) + 1`` estimator fits.

    Parameters
    ----------
    augmenter : ActiveGANAugmenter or estimator with fit and sample, default=None
        None uses ``ActiveGANAugmenter()``. Each training uses a clone whose
        ``n_synthetic`` (where it has one) is the largest share scored, or the
        chosen share for the final one, so ``augmenter_.fit_resample`` adds the
        rows the final estimator was fitted with.
    estimator : classifier, default=None
        None uses ``make_pipeline(StandardScaler(), SVC())``. Its hyper-parameters
        are kept: tune them beforehand, or wrap this class in ``GridSearchCV``.
    shares : sequence of float, default={DEFAULT_SHARES}
        Candidate shares of every class's size, each finite and >= 0. Include 0
        to allow "no augmentation".
{SHARED_PARAMETERS_DOC}
    n_synthetic : sequence of float, default="deprecated"
        Deprecated in 0.3, removed in 0.4: the former name of ``shares`` (it is
        used, with a ``FutureWarning``, when given).

    Attributes
    ----------
{SHARED_ATTRIBUTES_DOC}
    augmenter_ : fitted clone of augmenter or None
        Its ``n_synthetic`` is ``share_``; None when the chosen share is 0.
    estimator_ : fitted clone of estimator
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    n_synthetic_ : float
        Deprecated in 0.3, removed in 0.4: ``share_``.

    Raises
    ------
    ValueError
        In ``fit``, before any training: no share, or one below 0, not finite or
        not a number; training parts with fewer than 2 rows of a class; a largest
        augmented set (rows x features x bytes per value) larger than the memory
        available; a ``cv`` that gives no split.

    See Also
    --------
    OverSampledClassifierCV : the same search for any over-sampler, whose shares
        are of the sampler's own amount.
    AugmentedClassifier : a fixed budget, for a grid search over the augmenter.

{REFERENCES_DOC}

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_activegan import ActiveGANAugmenter, AugmentedClassifierCV
    >>> X, y = load_iris(return_X_y=True)
    >>> augmenter = ActiveGANAugmenter(n_iter=50, generator__hidden_layer_sizes=(32,),
    ...                                reward_param_grid={{"C": [1.0], "gamma": ["scale"]}},
    ...                                random_state=0)
    >>> clf = AugmentedClassifierCV(augmenter, shares=(0.0, 0.5)).fit(X, y)
    >>> clf.cv_results_["shares"].tolist()
    [0.0, 0.5]
    >>> clf.share_ in (0.0, 0.5)
    True
    """

    _source_name = "augmenter"
    _share_rule = "finite shares >= 0 of each class's size"
    _parameter_constraints = {
        "augmenter": [HasMethods(["fit", "sample"]), None],
        **BaseShareSearchCV._shared_constraints,
        "n_synthetic": ["array-like", StrOptions({"deprecated"})],
    }
    _score_split = staticmethod(_score_augmented)
    _results_type = _RenamedKeys

    def __init__(self, augmenter=None, estimator=None, *, shares=DEFAULT_SHARES, cv=3,
                 scoring="f1_macro", min_improvement="1se", n_jobs=None,
                 n_synthetic="deprecated"):
        self.augmenter = augmenter
        self.estimator = estimator
        self.shares = shares
        self.cv = cv
        self.scoring = scoring
        self.min_improvement = min_improvement
        self.n_jobs = n_jobs
        self.n_synthetic = n_synthetic

    def _resolved_params(self):
        params = super()._resolved_params()
        if not isinstance(self.n_synthetic, str):
            warnings.warn("AugmentedClassifierCV's n_synthetic was renamed shares in 0.3 "
                          "and will be removed in 0.4; the n_synthetic given is used.",
                          FutureWarning, stacklevel=3)
            params["shares"] = self.n_synthetic
        return params

    @staticmethod
    def _share_is_valid(share):
        return bool(np.isfinite(share)) and share >= 0

    @staticmethod
    def _default_source():
        return ActiveGANAugmenter()

    def _check_before_work(self, X, y, shares, folds):
        """The largest augmented set must fit in memory, and every training part
        must hold 2 rows of every class for the augmenter."""
        check_fits_in_memory(len(y) + sum(synthetic_counts(y, shares.max()).values()),
                             np.shape(X)[1], caller_itemsize(X), "shares")
        if shares.max() == 0:
            return
        short = set()
        for train, _ in folds:
            labels, counts = np.unique(y[train], return_counts=True)
            short |= set(np.setdiff1d(np.unique(y), labels[counts >= 2]).tolist())
        if short:
            raise ValueError(
                f"With cv={self.cv!r}, a training fold holds fewer than 2 rows of classes "
                f"{sorted(short, key=repr)}; the augmenter needs at least 2 per class. "
                "Use fewer folds, or more rows of those classes.")

    @staticmethod
    def _refit_source(augmenter, X, y, share):
        if share == 0:
            return X, y, {"augmenter_": None}
        fitted = _with_share(augmenter, share).fit(X, y)
        X_add, y_add = fitted.sample(synthetic_counts(y, share))
        return (append_rows(X, X_add), np.concatenate([y, np.asarray(y_add)]),
                {"augmenter_": fitted})

    @property
    def n_synthetic_(self):
        """Deprecated in 0.3, removed in 0.4: ``share_``."""
        warnings.warn("AugmentedClassifierCV.n_synthetic_ was renamed share_ in 0.3 and "
                      "will be removed in 0.4.", FutureWarning, stacklevel=2)
        return self.share_


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


def _score_over_sampled(sampler, estimator, scorer, X, y, train, test, shares):
    """Validation score of every share on one split, from one ``fit_resample``."""
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
            X_aug, y_aug, _ = with_nested_subset(X_fit, y_fit, X_res, y_res,
                                                 _share_counts(added, share), len(y_fit))
        scores.append(scorer(clone(estimator).fit(X_aug, y_aug), X_test, y_test))
    return scores


def _is_classifier_not_sampler(obj):
    return obj is not None and hasattr(obj, "predict") and not hasattr(obj, "fit_resample")


class OverSampledClassifierCV(BaseShareSearchCV):
    __doc__ = f"""A classifier whose amount of over-sampling, 0 included, is chosen by inner
    cross-validation.

    Works with any classifier and any over-sampler that appends synthetic rows
    after the real ones (imbalanced-learn's over-samplers, `ActiveGANOverSampler`).
    A *share* is a fraction of the rows the sampler adds with its own
    ``sampling_strategy``: with the default ``"auto"``, 1.0 balances the classes,
    0.5 adds half of what balancing adds to every minority class, and 0.0 adds
    nothing, so over-sampling is used only where the validation score says it pays.

    For every split of ``cv`` the sampler is fitted once on the split's training
    part (``fit_resample`` with its own amount); for each share the estimator is
    fitted on the real rows plus the first rows of that share of every class's
    synthetic rows (shares are nested, so one ``fit_resample`` serves them all)
    and scored on the held-out part. The smallest share within
    ``min_improvement`` of the best mean score wins; the estimator is then
    refitted on all the data with that share of one more ``fit_resample`` (none
    when the share is 0).

    Cost: ``n_splits`` sampler fits, plus one when the chosen share is not 0, and
    ``n_splits * len(shares) + 1`` estimator fits.

    Parameters
    ----------
    sampler : over-sampler with fit_resample, default=None
        None uses ``ActiveGANOverSampler()``. ``fit_resample`` must return the real
        rows first and the synthetic ones after them, in the order generated, so that
        the first rows of a class are a sample of the smaller amount. Changed in
        0.3: the first argument, as in `AugmentedClassifierCV`; a classifier
        given first and a sampler second (the former order) are swapped, with a
        ``FutureWarning``, until 0.4.
    estimator : classifier, default=None
        Any scikit-learn classifier (a pipeline too). None uses
        ``make_pipeline(StandardScaler(), SVC())``. Its hyper-parameters are kept:
        tune them beforehand, or wrap this class in ``GridSearchCV``
        (``estimator__...``).
    shares : sequence of float, default={DEFAULT_SHARES}
        Candidate shares of the sampler's own amount, each in [0, 1]. Include 0
        to allow "no over-sampling". Every training part must hold enough rows of
        each class for the sampler (2 for `ActiveGANOverSampler`,
        ``k_neighbors + 1`` for SMOTE).
{SHARED_PARAMETERS_DOC}

    Attributes
    ----------
{SHARED_ATTRIBUTES_DOC}
    sampler_ : fitted clone of sampler or None
        Fitted with its own amount, of which the final estimator saw the share
        ``share_`` (``n_added_``); None when the chosen share is 0.
    n_added_ : dict
        ``{{label: rows}}`` of synthetic rows the final estimator was fitted with
        (empty when the chosen share is 0).
    estimator_ : fitted clone of estimator
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    Raises
    ------
    ValueError
        In ``fit``: no share, a share outside [0, 1] or not a number (before any
        work); a sampler that fails on a training part (too few rows of a class
        for ``cv``); a sampler whose output does not start with the real rows; a
        ``cv`` that gives no split.

    See Also
    --------
    AugmentedClassifierCV : the same search for `ActiveGANAugmenter`'s budget,
        which adds to every class.

{REFERENCES_DOC}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> from imblearn.over_sampling import SMOTE
    >>> from sk_activegan import OverSampledClassifierCV
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = OverSampledClassifierCV(SMOTE(random_state=0),
    ...                               HistGradientBoostingClassifier(random_state=0),
    ...                               shares=(0.0, 0.5, 1.0))
    >>> clf.fit(X, y).cv_results_["shares"].tolist()
    [0.0, 0.5, 1.0]
    >>> clf.share_ in (0.0, 0.5, 1.0)
    True
    """

    _source_name = "sampler"
    _share_rule = "numbers in [0, 1] (shares of the sampler's own amount)"
    _parameter_constraints = {
        "sampler": [HasMethods(["fit_resample"]), None],
        **BaseShareSearchCV._shared_constraints,
    }
    _score_split = staticmethod(_score_over_sampled)

    def __init__(self, sampler=None, estimator=None, *, shares=DEFAULT_SHARES, cv=3,
                 scoring="f1_macro", min_improvement="1se", n_jobs=None):
        self.sampler = sampler
        self.estimator = estimator
        self.shares = shares
        self.cv = cv
        self.scoring = scoring
        self.min_improvement = min_improvement
        self.n_jobs = n_jobs

    def _collaborators(self, warn=False):
        """``(sampler, estimator)``; the former order (a classifier first, then a
        sampler or nothing) is swapped, with a ``FutureWarning`` when ``warn``."""
        sampler, estimator = self.sampler, self.estimator
        if _is_classifier_not_sampler(sampler) and (estimator is None
                                                    or hasattr(estimator, "fit_resample")):
            if warn:
                warnings.warn(
                    "OverSampledClassifierCV takes (sampler, estimator) since 0.3, as "
                    "AugmentedClassifierCV(augmenter, estimator) does; a classifier first "
                    "and a sampler second (the former order) are swapped until 0.4. Name "
                    "them: OverSampledClassifierCV(sampler=..., estimator=...).",
                    FutureWarning, stacklevel=4)
            return estimator, sampler
        return sampler, estimator

    @staticmethod
    def _share_is_valid(share):
        return 0 <= share <= 1

    @staticmethod
    def _default_source():
        from ._over_sampler import ActiveGANOverSampler

        return ActiveGANOverSampler()

    @staticmethod
    def _refit_source(sampler, X, y, share):
        if share == 0:
            return X, y, {"sampler_": None, "n_added_": {}}
        fitted = clone_sharing_extractor(sampler)
        X_res, y_res = _over_sample(fitted, X, y)
        counts = _share_counts(_added_per_class(y_res, len(y)), share)
        X_fit, y_fit, y_add = with_nested_subset(X, y, X_res, y_res, counts, len(y))
        return X_fit, y_fit, {"sampler_": fitted, "n_added_": _added_per_class(y_add, 0)}
