"""One search over amounts of synthetic data, shared by `AugmentedClassifierCV` and
`OverSampledClassifierCV` (scikit-learn's ``BaseSearchCV`` idea: the leaves differ in
the hooks that make and refit the synthetic rows)."""

import numbers
import warnings

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import check_classification_targets

from ._classifier import _default_estimator, _PredictFromEstimator, assign_state, validated_state
from ._compat import HasMethods, Interval, StrOptions, check_params, safe_indexing

#: ``min_improvement`` values that are read from the fold spread.
ONE_STANDARD_ERROR = "1se"

#: The docstring of the parameters every search shares (the leaves add theirs).
SHARED_PARAMETERS_DOC = """\
    cv : int, cross-validation generator or iterable, default=3
        As in scikit-learn's `check_cv`: an int is a `StratifiedKFold`; a splitter
        such as ``RepeatedStratifiedKFold(n_splits=3, n_repeats=5)`` gives more
        scores per share and so a better measure of their spread; an iterable of
        ``(train, test)`` index pairs (a ``split`` generator too) is read once.
    scoring : str, callable or None, default="f1_macro"
        Validation score, higher is better; None uses the estimator's ``score``
        (accuracy). Changed in 0.3: was None for `AugmentedClassifierCV`.
    min_improvement : float >= 0 or "1se", default="1se"
        How far below the best mean validation score a smaller share may be and
        still be chosen: the smallest share whose mean is at least ``best -
        min_improvement`` wins, so a larger share is used only when it beats every
        smaller one (0, the classifier alone, where listed) by more than this. A
        float is in the scorer's units (0.01 is one macro-F1 point); 0.0 picks the
        best mean. "1se" is the one-standard-error rule (Hastie, Tibshirani and
        Friedman, 2009, sec. 7.10), the tolerance being one standard error of the
        best share's mean score, read from the spread of the split scores and
        corrected for the overlap of the splits' training parts (Nadeau and
        Bengio, 2003): ``s * sqrt(1 / n_splits + n_test / n_train)``, where ``s``
        is the larger of the best share's standard deviation over its splits
        (``ddof=1``) and the standard deviation pooled over every share (the root
        of their mean split variance). Uncorrected, the error shrinks as ``1 /
        sqrt(n_splits)`` with repeated splits that share their rows, and the rule
        would take noise for a gain; unpooled, three splits give the best share's
        spread two degrees of freedom, and a spread small by chance is when the
        rule would gamble. "1se" is the default because the validation parts of
        small or very imbalanced sets hold a handful of minority rows: a
        difference within the spread of the splits is as likely noise as gain, and
        the classifier alone is then kept rather than a share chosen by chance (0
        says that the search found no evidence, not that synthetic rows hurt).
        Changed in 0.3: the pooled spread (measured on the imbalanced results
        page, "Choosing the amount").
    n_jobs : int or None, default=None
        Splits evaluated in parallel (joblib)."""

#: The docstring of the attributes every search sets.
SHARED_ATTRIBUTES_DOC = """\
    share_ : float
        The chosen share.
    best_score_ : float
        Its mean validation score.
    min_improvement_ : float
        The tolerance used (``min_improvement``, or the standard error "1se"
        read; infinite with a single split).
    cv_results_ : dict of ndarray of shape (n_shares,)
        ``shares`` (sorted), ``mean_test_score``, ``std_test_score``,
        ``rank_test_score`` (1 for the best mean; a share whose mean is not finite
        ranks last, with a warning, as in scikit-learn's searches) and
        ``split{k}_test_score`` for every candidate share."""

#: The references of the choice rule, for both leaves' docstrings.
REFERENCES_DOC = """\
    References
    ----------
    .. [1] T. Hastie, R. Tibshirani and J. Friedman, "The Elements of Statistical
       Learning", 2nd ed., Springer, 2009, sec. 7.10 (the one-standard-error rule).
    .. [2] C. Nadeau and Y. Bengio, "Inference for the Generalization Error",
       Machine Learning 52(3):239-281, 2003 (the corrected variance of a mean
       over overlapping splits)."""


def append_rows(X, X_add):
    """The rows of ``X`` then those of ``X_add``, in ``X``'s form (DataFrames stay
    DataFrames with their dtypes)."""
    if hasattr(X, "iloc"):
        import pandas as pd

        return pd.concat([X, X_add], ignore_index=True)
    return np.concatenate([np.asarray(X), np.asarray(X_add)])


def nested_subset(X_syn, y_syn, counts, start=0):
    """The first ``counts[label]`` synthetic rows of every class, among the rows
    from ``start`` on (X as sampled or resampled: array or DataFrame)."""
    y_syn = np.asarray(y_syn)[start:]
    keep = np.zeros(len(y_syn), dtype=bool)
    for label, count in counts.items():
        keep[np.flatnonzero(y_syn == label)[:count]] = True
    return safe_indexing(X_syn, start + np.flatnonzero(keep)), y_syn[keep]


def with_nested_subset(X, y, X_syn, y_syn, counts, start=0):
    """``(X_aug, y_aug, y_add)``: the real rows, then `nested_subset`'s rows."""
    X_add, y_add = nested_subset(X_syn, y_syn, counts, start)
    return append_rows(X, X_add), np.concatenate([y, y_add]), y_add


def cv_results(shares, scores):
    """``cv_results_`` from ``scores`` of shape (n_shares, n_splits); a share whose
    mean is not finite ranks last (scikit-learn's searches do the same)."""
    with np.errstate(invalid="ignore"):
        mean = scores.mean(axis=1)
        std = scores.std(axis=1)
    ranked = np.where(np.isfinite(mean), mean, -np.inf)
    return {"shares": shares, "mean_test_score": mean, "std_test_score": std,
            "rank_test_score": rankdata(-ranked, method="min").astype(np.int32),
            **{f"split{k}_test_score": scores[:, k] for k in range(scores.shape[1])}}


def choose_share(results, n_splits, min_improvement, test_train_ratio):
    """``(index, tolerance)``: the smallest share whose mean validation score is at
    least the best mean minus the tolerance: ``min_improvement``, or for "1se" the
    standard error of the best mean over the ``n_splits`` splits, with Nadeau and
    Bengio's correction for overlapping training parts (``test_train_ratio``: the
    mean ratio of a split's test rows to its training rows). The spread is the
    larger of the best share's own (``k - 1`` degrees of freedom) and the one
    pooled over every share with a finite mean (their split variances averaged):
    with 3 splits the best share's own is often small by chance, and that is when
    the rule would take noise for a gain. Means that are not finite never win;
    when none is finite the smallest share is chosen."""
    mean, shares = results["mean_test_score"], results["shares"]
    finite = np.isfinite(mean)
    if not finite.all():
        warnings.warn(
            f"The mean validation score of shares {shares[~finite].tolist()} is not finite "
            "(the scorer returned NaN or infinity on a split): they rank last"
            + ("" if finite.any() else "; none is finite, so the smallest share is chosen")
            + ". Check the scoring.", UserWarning, stacklevel=3)
        if not finite.any():
            return 0, float("nan")
    ranked = np.where(finite, mean, -np.inf)
    best = int(np.argmax(ranked))
    if min_improvement != ONE_STANDARD_ERROR:
        tolerance = float(min_improvement)
    elif n_splits < 2:
        warnings.warn("min_improvement='1se' needs at least 2 splits to measure their "
                      "spread; with 1 the smallest share is chosen.", UserWarning, stacklevel=3)
        tolerance = float("inf")
    else:
        scores = np.array([results[f"split{k}_test_score"] for k in range(n_splits)]).T
        spread = scores[best].std(ddof=1)
        pooled = scores[finite].var(axis=1, ddof=1).mean() ** 0.5
        tolerance = float(max(spread, pooled) * np.sqrt(1 / n_splits + test_train_ratio))
    return int(np.flatnonzero(ranked >= ranked[best] - tolerance)[0]), tolerance


def split_list(cv, X, y, estimator):
    """The ``(train, test)`` pairs of ``cv`` (``check_cv``'s meaning); a generator or
    iterable that yields none (one already read by an earlier fit) is a ``ValueError``."""
    folds = list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y))
    if not folds:
        raise ValueError("cv gave no (train, test) split: a generator of splits is read "
                         "once (it was used by an earlier fit?); pass the splitter itself, "
                         "e.g. cv=StratifiedKFold(3), or a list of the splits.")
    return folds


class BaseShareSearchCV(_PredictFromEstimator, ClassifierMixin, BaseEstimator):
    """A classifier whose share of synthetic rows, 0 included, is chosen by inner
    cross-validation; the leaves say where the rows come from.

    Hooks of a leaf: ``_source_name`` (its collaborator's parameter),
    ``_default_source()``, ``_share_is_valid(share)`` and ``_share_rule`` (its
    wording in the error), ``_check_before_work(X, y, shares, folds)``,
    ``_score_split`` (a static function: the scores of every share on one split,
    from one fit of the collaborator), ``_refit_source(source, X, y, share)``
    (the final rows and the collaborator's fitted attributes) and, where
    arguments moved, ``_collaborators(warn)``.
    """

    _shared_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "shares": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "min_improvement": [Interval(numbers.Real, 0, None, closed="left"),
                            StrOptions({ONE_STANDARD_ERROR})],
        "n_jobs": [numbers.Integral, None],
    }

    #: The type of ``cv_results_`` (a dict).
    _results_type = dict

    def _collaborators(self, warn=False):
        """``(source, estimator)`` as given (None where not given)."""
        return getattr(self, self._source_name), self.estimator

    def _resolved_params(self):
        """The parameters, checked (before any work), with the collaborators in place."""
        source, estimator = self._collaborators(warn=True)
        params = {**self.get_params(deep=False), self._source_name: source,
                  "estimator": estimator}
        check_params(self._parameter_constraints, params, type(self).__name__)
        return params

    def _shares(self, shares):
        shares = np.asarray(shares, dtype=object).ravel()
        if len(shares) == 0:
            raise ValueError("shares must name at least one share; got none.")
        for share in shares:
            if (isinstance(share, bool) or not isinstance(share, numbers.Real)
                    or not self._share_is_valid(share)):
                raise ValueError(f"shares must hold {self._share_rule}; got {share!r}.")
        return np.unique(shares.astype(np.float64))  # sorted: ties go to the smaller

    def fit(self, X, y):
        """Choose the share by inner cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Passed to the collaborator as given (DataFrames keep their columns and
            dtypes).
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
            On any error, or an interruption, the previous fit is kept as it was.
        """
        params = self._resolved_params()
        shares = self._shares(params["shares"])
        # the new state is built as locals and assigned last: a failed refit keeps the old one
        X, y, state = validated_state(self, X, y)
        check_classification_targets(y)
        source = params[self._source_name]
        source = source if source is not None else self._default_source()
        estimator = params["estimator"]
        estimator = estimator if estimator is not None else _default_estimator()
        folds = split_list(self.cv, X, y, estimator)
        self._check_before_work(X, y, shares, folds)
        scorer = check_scoring(estimator, scoring=params["scoring"])
        score_split = type(self)._score_split
        scores = np.array(Parallel(n_jobs=params["n_jobs"])(
            delayed(score_split)(source, estimator, scorer, X, y, train, test, shares)
            for train, test in folds
        ), dtype=np.float64).T  # (n_shares, n_splits)
        results = self._results_type(cv_results(shares, scores))
        ratio = float(np.mean([len(test) / max(len(train), 1) for train, test in folds]))
        best, tolerance = choose_share(results, len(folds), params["min_improvement"], ratio)
        share = float(shares[best])
        X_fit, y_fit, source_state = self._refit_source(source, X, y, share)
        fitted = clone(estimator).fit(X_fit, y_fit)
        assign_state(self, {**state, **source_state, "share_": share,
                            "best_score_": float(results["mean_test_score"][best]),
                            "min_improvement_": tolerance, "cv_results_": results,
                            "estimator_": fitted, "classes_": fitted.classes_})
        return self

    def _check_before_work(self, X, y, shares, folds):
        """Checks a leaf runs after the splits are known and before any training."""

    def __sklearn_tags__(self):
        tags = ClassifierMixin.__sklearn_tags__(self)
        tags.input_tags.sparse = False
        source = self._collaborators()[0]
        source = source if source is not None else self._default_source()
        tags.non_deterministic = getattr(source, "random_state", None) is None
        return tags
