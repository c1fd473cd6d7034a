"""AugmentedClassifier: augmentation inside a plain scikit-learn classifier."""

from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._augmenter import ActiveGANAugmenter
from ._base import clone_sharing_extractor
from ._compat import HasMethods


def _estimator_has(method):
    def check(self):
        estimator = getattr(self, "estimator_", None)
        if estimator is None:  # a search's collaborators, where they were given swapped
            collaborators = getattr(self, "_collaborators", None)
            estimator = collaborators()[1] if collaborators is not None else self.estimator
            estimator = estimator if estimator is not None else _default_estimator()
        return hasattr(estimator, method)

    return check


def check_passthrough(estimator, X, y="no_validation", *, reset):
    """Validate X (and y) for an augmenting classifier without converting X's data:
    a DataFrame passes as given (its column names and dtypes, categories included,
    reach the augmenter and the estimator); anything else becomes an array of its
    own dtype (object arrays keep their strings). Feature names and counts are
    checked against fit; y becomes 1-d."""
    if hasattr(X, "iloc"):
        out = validate_data(estimator, X, y, reset=reset, skip_check_array=True)
        if isinstance(y, str):
            return out
        return out[0], column_or_1d(out[1], warn=True)
    return validate_data(estimator, X, y, reset=reset, dtype=None)


def validated_state(estimator, X, y):
    """``(X, y, attributes)``: X and y checked as :func:`check_passthrough` checks
    them for a fresh fit, and the input attributes that sets (``n_features_in_``,
    ``feature_names_in_``), recorded on a bare copy so that ``estimator`` keeps its
    fitted state until its fit has succeeded (:func:`assign_state`). The copy
    shares the parameters (no ``clone``: a ``cv`` given as a generator of splits
    cannot be deep-copied, and validation only reads them)."""
    probe = type(estimator).__new__(type(estimator))
    probe.__dict__.update(estimator.get_params(deep=False))
    X, y = check_passthrough(probe, X, y, reset=True)
    return X, y, {name: value for name, value in vars(probe).items() if name.endswith("_")}


def assign_state(estimator, state):
    """Replace ``estimator``'s fitted state in one step (its fit has succeeded);
    ``feature_names_in_`` goes when the new fit has none."""
    if "feature_names_in_" not in state:
        estimator.__dict__.pop("feature_names_in_", None)
    estimator.__dict__.update(state)


def _default_estimator():
    return make_pipeline(StandardScaler(), SVC())


class _PredictFromEstimator:
    """Prediction through the fitted ``estimator_``, for the augmenting classifiers.

    Their shared surface: ``predict_proba``, ``predict_log_proba`` and
    ``decision_function`` exist when the estimator has them; input must be dense.
    """

    def predict(self, X):
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense, with the columns (and column names) seen in fit.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels as given in fit (``classes_``'s dtype).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.
        ValueError
            When X is sparse or its number of features differs from fit's.
        """
        check_is_fitted(self)
        return self.estimator_.predict(self._check_X(X))

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the fitted estimator (when it has ``predict_proba``).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense, with the columns (and column names) seen in fit.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), float
            Columns in the order of ``classes_``; rows sum to 1.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(self._check_X(X))

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the fitted estimator (when it has them).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense, with the columns (and column names) seen in fit.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes), float
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(self._check_X(X))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision values of the fitted estimator (when it has them).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense, with the columns (and column names) seen in fit.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes), float
            As the estimator's ``decision_function`` gives them (one column for two
            classes).
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(self._check_X(X))

    def _check_X(self, X):
        return check_passthrough(self, X, reset=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        augmenter = self.augmenter if self.augmenter is not None else ActiveGANAugmenter()
        tags.non_deterministic = getattr(augmenter, "random_state", None) is None
        return tags


class AugmentedClassifier(_PredictFromEstimator, ClassifierMixin, BaseEstimator):
    """A classifier fitted on real data plus samples from an augmenter.

    ``fit`` runs ``augmenter.fit_resample(X, y)`` on a clone of the augmenter and
    fits a clone of ``estimator`` on the real + synthetic rows; prediction uses
    that estimator alone. Augmentation happens only at fit time, so the class
    works in scikit-learn's `Pipeline`, ``cross_val_score`` and
    ``GridSearchCV`` (``{"augmenter__lambda_reward": [...]}``) with no
    imbalanced-learn import.

    Parameters
    ----------
    augmenter : sampler with fit_resample, default=None
        None uses ``ActiveGANAugmenter()``.
    estimator : classifier, default=None
        None uses ``make_pipeline(StandardScaler(), SVC())``.

    Attributes
    ----------
    augmenter_ : fitted clone of augmenter
    estimator_ : fitted clone of estimator
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sk_activegan import ActiveGANAugmenter, AugmentedClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> augmenter = ActiveGANAugmenter(n_iter=50, generator__hidden_layer_sizes=(32,),
    ...                                reward_param_grid={"C": [1.0], "gamma": ["scale"]},
    ...                                random_state=0)
    >>> clf = AugmentedClassifier(augmenter, LogisticRegression(max_iter=1000)).fit(X, y)
    >>> clf.predict(X[:3]).tolist(), len(clf.augmenter_.sampling_strategy_)
    ([0, 0, 0], 3)
    """

    _parameter_constraints = {
        "augmenter": [HasMethods(["fit_resample"]), None],
        "estimator": [HasMethods(["fit", "predict"]), None],
    }

    def __init__(self, augmenter=None, estimator=None):
        self.augmenter = augmenter
        self.estimator = estimator

    def fit(self, X, y):
        """Augment ``(X, y)`` and fit the estimator on real + synthetic rows.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Dense training data, passed to the augmenter as given (a DataFrame keeps
            its column names and ``category`` columns); flattened images for an
            augmenter with ``image_shape``.
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), at least 2 rows per class for the
            default reward model.

        Returns
        -------
        self : AugmentedClassifier
            On any error, or an interruption, the previous fit is kept as it was.

        Raises
        ------
        ValueError
            For invalid parameters or data (sparse X, a 1-D or 3-D X, NaN, a single
            class, mismatched lengths), from this class or from the augmenter, before
            any training.
        TrainingDivergedError
            When the augmenter's training diverges (see its remedy).
        """
        self._validate_params()
        # X goes to the augmenter as given (DataFrames keep their column names and
        # category dtypes); the augmenter validates it before any training. The new
        # state is built as locals and assigned last: a failed refit keeps the old one
        X, y, state = validated_state(self, X, y)
        check_classification_targets(y)
        augmenter = (clone_sharing_extractor(self.augmenter) if self.augmenter is not None
                     else ActiveGANAugmenter())
        X_res, y_res = augmenter.fit_resample(X, y)
        estimator = clone(self.estimator) if self.estimator is not None else _default_estimator()
        estimator.fit(X_res, y_res)
        assign_state(self, {**state, "estimator_": estimator, "augmenter_": augmenter,
                            "classes_": estimator.classes_})
        return self
