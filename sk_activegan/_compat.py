"""The one place the package reaches into other libraries' private names.

Every name here is private in the library it comes from and has no public
equivalent. Each is imported with a fallback that implements the behaviour the
package relies on, so that a release that moves or removes the name does not break
the package; ``tests/test_compat.py`` fails loudly, naming the symbol, when a
private name moves or changes behaviour (then update this module).
No other module of the package imports a private name of another library
(``tests/test_compat.py`` checks that by parsing the package).
"""

import functools
import numbers

import numpy as np
import torch

# -- scikit-learn: parameter constraints (sklearn.utils._param_validation) -----------

try:
    from sklearn.utils._param_validation import (HasMethods, Interval, StrOptions,
                                                 validate_parameter_constraints)
except ImportError:  # pragma: no cover - exercised by tests/test_compat.py
    HasMethods = Interval = StrOptions = validate_parameter_constraints = None

try:
    from sklearn.utils._param_validation import InvalidParameterError
except ImportError:  # pragma: no cover
    class InvalidParameterError(ValueError, TypeError):
        """A parameter of the wrong type or value (scikit-learn's, when it moves)."""

try:
    from sklearn.base import _fit_context as fit_context
except ImportError:  # pragma: no cover
    fit_context = None


class _FallbackInterval:
    """``Interval(type, left, right, closed=...)`` as scikit-learn's (which lets bools
    pass as integers: :func:`check_params` refuses them)."""

    def __init__(self, type, left, right, *, closed):
        self.type, self.left, self.right, self.closed = type, left, right, closed

    def is_satisfied_by(self, value):
        if not isinstance(value, self.type):
            return False
        if self.left is not None and (value < self.left or (
                value == self.left and self.closed in ("right", "neither"))):
            return False
        return self.right is None or not (value > self.right or (
            value == self.right and self.closed in ("left", "neither")))

    def __str__(self):
        return (f"{self.type.__name__} in {'[' if self.closed in ('left', 'both') else '('}"
                f"{self.left}, {self.right}{']' if self.closed in ('right', 'both') else ')'}")


class _FallbackStrOptions:
    def __init__(self, options):
        self.options = options

    def is_satisfied_by(self, value):
        return isinstance(value, str) and value in self.options

    def __str__(self):
        return f"a str among {sorted(self.options)}"


class _FallbackHasMethods:
    def __init__(self, methods):
        self.methods = [methods] if isinstance(methods, str) else list(methods)

    def is_satisfied_by(self, value):
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        return f"an object implementing {self.methods}"


def _fallback_satisfied(constraint, value):
    if constraint is None:
        return value is None
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    if constraint == "array-like":
        return hasattr(value, "__len__") or hasattr(value, "shape") or hasattr(value, "__array__")
    if constraint == "boolean":
        return isinstance(value, (bool, np.bool_))
    if constraint in ("random_state",):
        return value is None or isinstance(value, (numbers.Integral, np.random.RandomState))
    if constraint == "verbose":
        return isinstance(value, (numbers.Integral, bool, np.bool_))
    if constraint == "cv_object":
        return value is None or isinstance(value, numbers.Integral) or hasattr(
            value, "split") or hasattr(value, "__iter__")
    if constraint is callable:
        return callable(value)
    return constraint.is_satisfied_by(value)


def _fallback_validate(parameter_constraints, params, caller_name):
    for name, value in params.items():
        constraints = parameter_constraints.get(name, "no_validation")
        if isinstance(constraints, str) and constraints == "no_validation":
            continue
        if not any(_fallback_satisfied(c, value) for c in constraints):
            raise InvalidParameterError(
                f"The {name!r} parameter of {caller_name} must be "
                f"{' or '.join(map(str, constraints))}. Got {value!r} instead.")


def _fallback_fit_context(*, prefer_skip_nested_validation):
    def decorator(fit_method):
        @functools.wraps(fit_method)
        def wrapper(estimator, *args, **kwargs):
            _validate(getattr(estimator, "_parameter_constraints", {}),
                      estimator.get_params(deep=False), type(estimator).__name__)
            return fit_method(estimator, *args, **kwargs)
        return wrapper
    return decorator


if validate_parameter_constraints is None:  # pragma: no cover
    HasMethods, Interval, StrOptions = _FallbackHasMethods, _FallbackInterval, _FallbackStrOptions
    _validate = _fallback_validate
else:
    _validate = validate_parameter_constraints
if fit_context is None:  # pragma: no cover
    fit_context = _fallback_fit_context


def check_params(parameter_constraints, params, caller_name):
    """Validate ``params`` (``{name: value}``) against scikit-learn style
    ``parameter_constraints``; an unmet one is a ``ValueError`` (scikit-learn's
    ``InvalidParameterError``) naming the parameter, what it must be and the value.

    Stricter than scikit-learn's check in one way: a bool is refused unless the
    parameter's constraints list ``"boolean"`` or ``"verbose"`` (scikit-learn lets
    ``True`` pass as the integer 1)."""
    for name, value in params.items():
        constraints = parameter_constraints.get(name, "no_validation")
        if isinstance(constraints, str) or not isinstance(value, (bool, np.bool_)):
            continue
        if not any(isinstance(c, str) and c in ("boolean", "verbose") for c in constraints):
            allowed = " or ".join(getattr(c, "__name__", str(c)) for c in constraints)
            raise InvalidParameterError(f"The {name!r} parameter of {caller_name} must be "
                                        f"{allowed}; got the bool {value!r}.")
    _validate(parameter_constraints, params, caller_name)


# -- scikit-learn: feature names, row indexing -----------------------------------------

try:
    from sklearn.utils.validation import _get_feature_names as get_feature_names
except ImportError:  # pragma: no cover
    get_feature_names = None

try:
    from sklearn.utils import _safe_indexing as safe_indexing
except ImportError:  # pragma: no cover
    safe_indexing = None


def _fallback_get_feature_names(X):
    """A DataFrame's column names as an object array when all are strings; None for
    other containers or names that are not strings; ``TypeError`` for mixed names."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "iloc") or len(columns) == 0:
        return None
    names = np.asarray(columns, dtype=object)
    types = sorted({type(v).__qualname__ for v in names.tolist()})
    if len(types) > 1 and "str" in types:
        raise TypeError("Feature names are only supported if all input features have string "
                        f"names, but your input has {types} as feature name / column name "
                        "types.")
    return names if types == ["str"] else None


def _fallback_safe_indexing(X, indices):
    """Rows ``indices`` of an array, list or DataFrame, in its form."""
    if hasattr(X, "iloc"):
        return X.iloc[indices]
    if isinstance(X, list):
        return [X[i] for i in np.asarray(indices).tolist()]
    return np.asarray(X)[indices]


if get_feature_names is None:  # pragma: no cover
    get_feature_names = _fallback_get_feature_names
if safe_indexing is None:  # pragma: no cover
    safe_indexing = _fallback_safe_indexing


# -- imbalanced-learn: results in the caller's container -------------------------------

try:
    from imblearn.utils._validation import ArraysTransformer
except ImportError:  # pragma: no cover
    ArraysTransformer = None


class _FallbackArraysTransformer:
    """Give resampled ``(X, y)`` back in the containers ``(X, y)`` were given in
    (lists, DataFrames with their dtypes, Series with their name and dtype)."""

    def __init__(self, X, y):
        self.x_props, self.y_props = self._props(X), self._props(y)

    @staticmethod
    def _props(array):
        return {"type": type(array).__name__.lower(), "columns": getattr(array, "columns", None),
                "name": getattr(array, "name", None), "dtypes": getattr(array, "dtypes", None)}

    def transform(self, X, y):
        X, y = self._one(X, self.x_props), self._one(y, self.y_props)
        if self.x_props["type"] == "dataframe" and self.y_props["type"] in ("series",
                                                                             "dataframe"):
            y.index = X.index
        return X, y

    @staticmethod
    def _one(array, props):
        if props["type"] == "list":
            return array.tolist()
        if props["type"] == "dataframe":
            import pandas as pd

            out = array if isinstance(array, pd.DataFrame) else pd.DataFrame(
                array, columns=props["columns"])
            try:
                return out.astype(props["dtypes"])
            except TypeError:
                return out
        if props["type"] == "series":
            import pandas as pd

            return pd.Series(array, dtype=props["dtypes"], name=props["name"])
        return array


if ArraysTransformer is None:  # pragma: no cover
    ArraysTransformer = _FallbackArraysTransformer


#: imbalanced-learn's constraints on an over-sampler's ``sampling_strategy`` (read
#: from ``BaseOverSampler._parameter_constraints``; the fallback lists them).
try:
    from imblearn.over_sampling.base import BaseOverSampler as _BaseOverSampler

    OVER_SAMPLING_STRATEGY_CONSTRAINTS = list(
        _BaseOverSampler._parameter_constraints["sampling_strategy"])
except (ImportError, AttributeError, KeyError):  # pragma: no cover
    OVER_SAMPLING_STRATEGY_CONSTRAINTS = [
        Interval(numbers.Real, 0, 1, closed="right"),
        StrOptions({"auto", "minority", "not minority", "not majority", "all"}), dict, callable]


# -- skorch: the nonlinearity predict_proba applies -------------------------------------

def _two_columns(prob):
    return torch.stack((1 - prob, prob), 1)


def _fallback_predict_nonlinearity(net):
    """skorch's rule: ``predict_nonlinearity`` itself, None as identity, "auto" from
    the criterion (softmax for cross-entropy, sigmoid to two columns for BCE with
    logits, two columns for BCE, else identity)."""
    nonlinearity = net.predict_nonlinearity
    if nonlinearity is None:
        return lambda x: x
    if not (isinstance(nonlinearity, str) and nonlinearity == "auto"):
        return nonlinearity
    criterion = getattr(net, "criterion_", None)
    criterion = getattr(criterion, "_orig_mod", criterion)
    if isinstance(criterion, torch.nn.CrossEntropyLoss):
        return functools.partial(torch.softmax, dim=-1)
    if isinstance(criterion, torch.nn.BCEWithLogitsLoss):
        return lambda x: _two_columns(torch.sigmoid(x))
    if isinstance(criterion, torch.nn.BCELoss):
        return _two_columns
    return lambda x: x


def predict_nonlinearity(net):
    """The callable a fitted skorch net's ``predict_proba`` applies to the module's
    output (skorch's private ``NeuralNet._get_predict_nonlinearity``)."""
    method = getattr(net, "_get_predict_nonlinearity", None)
    return method() if method is not None else _fallback_predict_nonlinearity(net)
