"""AugmentedClassifierCV: the synthetic budget chosen by inner cross-validation."""

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import check_classification_targets

from ._augmenter import ActiveGANAugmenter
from ._compat import HasMethods, safe_indexing
from ._classifier import (_default_estimator, _PredictFromEstimator, assign_state,
                          validated_state)
from ._counts import synthetic_counts
from ._memory import caller_itemsize, check_fits_in_memory


def _nested_subset(X_syn, y_syn, counts):
    """The first ``counts[label]`` synthetic rows of every class (X as sampled:
    array or DataFrame)."""
    keep = np.zeros(len(y_syn), dtype=bool)
    for label, count in counts.items():
        keep[np.flatnonzero(y_syn == label)[:count]] = True
    return safe_indexing(X_syn, np.flatnonzero(keep)), y_syn[keep]


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
            X_add, y_add = _nested_subset(X_syn, y_syn, synthetic_counts(y_fit, share))
            X_aug, y_aug = _append_rows(X_fit, X_add), np.concatenate([y_fit, y_add])
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
        mean = scores.mean(axis=1)
        best = int(np.argmax(mean))
        cv_results = {"n_synthetic": budgets, "mean_test_score": mean,
                      "std_test_score": scores.std(axis=1),
                      **{f"split{k}_test_score": scores[:, k] for k in range(len(folds))}}
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
