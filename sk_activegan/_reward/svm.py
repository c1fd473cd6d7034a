"""The reward model of Algorithm 1, step 3: a grid-searched, calibrated SVM.

The built-in probability option of ``SVC`` is deprecated in scikit-learn 1.9, so probabilities come
from :class:`~sklearn.calibration.CalibratedClassifierCV` with Platt (sigmoid)
calibration and ``ensemble=False``: one SVM fitted on all the data, calibrated on
cross-validated decision values.
"""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

#: Default grid: C, and gamma as multiples of 1 / n_features (the value of
#: ``gamma="scale"`` on standardized data).
DEFAULT_C_GRID = (1.0, 10.0, 100.0)
DEFAULT_GAMMA_FACTORS = (0.3, 1.0, 3.0)
MAX_FOLDS = 5


def make_reward_model(C=1.0, gamma="scale", cv=MAX_FOLDS, standardize=True):
    """A standardized, sigmoid-calibrated RBF SVM with fixed hyper-parameters.

    Parameters
    ----------
    C : float, default=1.0
        SVM regularisation.
    gamma : float or "scale", default="scale"
        RBF kernel coefficient, on standardized features.
    cv : int or cross-validation generator, default=5
        Folds that produce the decision values the calibration is fitted on.
    standardize : bool, default=True
        Standardize the features first. Pixels are better left as they are (a
        pixel that is nearly always background would be blown up); the image
        mode's default reward model on raw pixels does not standardize.

    Returns
    -------
    model : sklearn.pipeline.Pipeline
        ``StandardScaler`` (with ``standardize``) then
        ``CalibratedClassifierCV(SVC(...), ensemble=False)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_activegan import make_reward_model
    >>> X, y = load_iris(return_X_y=True)
    >>> make_reward_model(C=10.0).fit(X, y).predict_proba(X[:2]).shape
    (2, 3)
    """
    svm = SVC(kernel="rbf", C=C, gamma=gamma)
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", ensemble=False, cv=cv)
    return make_pipeline(StandardScaler(), calibrated) if standardize else make_pipeline(calibrated)


def n_folds_for(y, max_folds=MAX_FOLDS):
    """Stratified folds the smallest class allows (at most ``max_folds``).

    Raises ``ValueError`` when a class has fewer than 2 samples: neither the grid
    search nor the calibration can hold out a sample of it.
    """
    classes, counts = np.unique(y, return_counts=True)
    smallest = counts.min()
    if smallest < 2:
        rare = classes[counts < 2].tolist()
        raise ValueError(
            "Each class needs at least 2 samples for the reward model's "
            f"cross-validated grid search and calibration; classes {rare} have fewer."
        )
    return int(min(max_folds, smallest))


def fit_default_reward_model(X, y, param_grid=None, standardize=True):
    """Grid-search an RBF SVM, then fit it calibrated (Algorithm 1, step 3).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Encoded class labels.
    param_grid : dict or None
        Grid over ``C`` and ``gamma``; None uses :data:`DEFAULT_C_GRID` and
        :data:`DEFAULT_GAMMA_FACTORS` / n_features (/ (n_features * X.var()) without
        standardization: ``gamma="scale"``'s value).
    standardize : bool, default=True
        See :func:`make_reward_model`.

    Returns
    -------
    model : fitted Pipeline from :func:`make_reward_model`
    best_params : dict
        The chosen ``C`` and ``gamma``.
    """
    n_folds = n_folds_for(y)
    if param_grid is None:
        param_grid = {
            "C": list(DEFAULT_C_GRID),
            "gamma": [f / (X.shape[1] * (1.0 if standardize else max(X.var(), 1e-300)))
                      for f in DEFAULT_GAMMA_FACTORS],
        }
    if all(len(values) == 1 for values in param_grid.values()):
        best = {name: values[0] for name, values in param_grid.items()}
        model = make_reward_model(**best, cv=StratifiedKFold(n_folds), standardize=standardize)
        return model.fit(X, y), best
    grid = {f"svc__{name}": values for name, values in param_grid.items()}
    search = GridSearchCV(
        make_pipeline(*([StandardScaler()] if standardize else []), SVC(kernel="rbf")),
        grid,
        scoring="f1_macro",
        cv=StratifiedKFold(n_folds),
    )
    search.fit(X, y)
    best = {name.removeprefix("svc__"): value for name, value in search.best_params_.items()}
    model = make_reward_model(**best, cv=StratifiedKFold(n_folds), standardize=standardize)
    return model.fit(X, y), best
