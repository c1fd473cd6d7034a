"""The one place the package reaches into other libraries' private names.

Every name here is private in the library it comes from and has no public
equivalent. Each is imported from where it lives in every release from the
minimum that ``pyproject.toml`` declares on (scikit-learn 1.6, imbalanced-learn
0.13, skorch 1.0), so no fallback is needed. When a later release moves one, the
import is keyed to that version (imbalanced-learn's ``utils/fixes.py`` habit)::

    if sklearn_version >= parse_version("1.N"):  # moved in 1.N
        from sklearn.new.home import name
    else:
        from sklearn.old.home import name

so that the old branch drops out when the declared minimum passes 1.N.
``tests/test_compat.py`` fails loudly, naming the symbol, when a private name
moves or changes behaviour; no other module of the package imports a private name
of another library (``tests/test_compat.py`` checks that by parsing the package).
"""

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils._validation import ArraysTransformer  # noqa: F401 (since 0.7)
from sklearn.base import _fit_context as fit_context  # noqa: F401 (since 1.3)
from sklearn.utils._indexing import _safe_indexing as safe_indexing  # noqa: F401 (since 1.4)
from sklearn.utils._param_validation import (HasMethods, Interval,  # noqa: F401 (since 1.2)
                                             InvalidParameterError, StrOptions,
                                             validate_parameter_constraints)
from sklearn.utils.validation import _get_feature_names as get_feature_names  # noqa: F401

#: imbalanced-learn's constraints on an over-sampler's ``sampling_strategy``
#: (``BaseOverSampler._parameter_constraints``, since 0.10).
OVER_SAMPLING_STRATEGY_CONSTRAINTS = list(
    BaseOverSampler._parameter_constraints["sampling_strategy"])


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
    validate_parameter_constraints(parameter_constraints, params, caller_name)


def predict_nonlinearity(net):
    """The callable a fitted skorch net's ``predict_proba`` applies to the module's
    output (skorch's private ``NeuralNet._get_predict_nonlinearity``, since 0.10)."""
    return net._get_predict_nonlinearity()
