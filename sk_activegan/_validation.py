"""Input validation, with no side effects: everything that can be checked before
any training is checked here (the training data, the reward grid, the device, the
network sizes), and the kind of data is decided once (:func:`~._spaces.make_space`)."""

from typing import NamedTuple

import numpy as np
import torch
from imblearn.utils import check_target_type
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_X_y

from ._compat import get_feature_names
from ._spaces import (DataSpace, encode_categorical, is_missing, make_space,
                      resolve_categorical, type_names)


def resolve_device(device):
    """``"auto"`` is CUDA when available, else the CPU; a device that this machine
    does not have is a ``ValueError``, raised before any training."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"Unknown device {device!r}: use 'auto', 'cpu' or 'cuda[:N]'.") from exc
    if device.type == "cuda" and (not torch.cuda.is_available()
                                  or (device.index or 0) >= torch.cuda.device_count()):
        raise ValueError(f"device={str(device)!r} was asked for, but torch sees "
                         f"{torch.cuda.device_count()} CUDA device(s) here; use 'auto' or 'cpu'.")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device='mps' was asked for, but the MPS backend is not available "
                         "here; use 'auto' or 'cpu'.")
    if device.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"Unsupported device {str(device)!r}: use 'auto', 'cpu', 'cuda[:N]' "
                         "or 'mps'.")
    return device


def _numpy_labels(y):
    """pandas nullable integer / boolean labels as their numpy dtype (no float classes);
    a DataFrame of one-hot labels as an array."""
    if hasattr(y, "iloc") and np.ndim(y) == 2:
        return y.to_numpy()
    numpy_dtype = getattr(getattr(y, "dtype", None), "numpy_dtype", None)
    if numpy_dtype is not None and hasattr(y, "isna") and not y.isna().any():
        return y.to_numpy(dtype=numpy_dtype)
    return y


class LabelForm(NamedTuple):
    """The form the caller gave y in, to give labels back in it: a pandas Series'
    ``(name, dtype)``, and a one-hot (label indicator) matrix's ``(n_columns, dtype,
    columns)`` (``columns`` None for an array, the column names of a DataFrame); each
    None when y was not of that form."""

    series: object = None
    one_hot: object = None

    @classmethod
    def of(cls, y):
        series = (y.name, y.dtype) if hasattr(y, "to_numpy") and np.ndim(y) == 1 else None
        one_hot = None
        if np.ndim(y) == 2 and type_of_target(np.asarray(y)) == "multilabel-indicator":
            one_hot = (np.shape(y)[1], np.asarray(y).dtype, getattr(y, "columns", None))
        return cls(series, one_hot)

    def restore(self, labels):
        """Labels (as ``classes_`` holds them) in the caller's form."""
        if self.one_hot is not None:
            n_columns, dtype, columns = self.one_hot
            matrix = np.eye(n_columns, dtype=dtype)[np.asarray(labels, dtype=np.int64)]
            if columns is None:
                return matrix
            import pandas as pd

            return pd.DataFrame(matrix, columns=columns)
        if self.series is not None:
            import pandas as pd

            name, dtype = self.series
            return pd.Series(labels, name=name).astype(dtype)
        return labels


class CheckedData(NamedTuple):
    """Validated training data.

    ``X_caller`` is X as given, ``X`` a float array of it (categorical columns
    encoded), ``y`` the labels, ``y_encoded`` their indices among ``classes``,
    ``y_form`` the form y was given in (:class:`LabelForm`), ``categorical`` and
    ``categories`` the categorical columns with their categories, and ``space`` the
    (unfitted) data space: the kind of data, decided once.
    """

    X_caller: object
    X: np.ndarray
    y: np.ndarray
    y_encoded: np.ndarray
    classes: np.ndarray
    y_form: LabelForm
    categorical: list
    categories: list
    space: DataSpace


def _check_labels(y):
    """Refuse missing labels and labels of mixed types, naming the first bad row."""
    values = np.asarray(y, dtype=object) if np.ndim(y) == 1 else None
    if values is None or np.asarray(y).dtype.kind not in "OUS":
        return
    missing = [i for i, v in enumerate(values.tolist()) if is_missing(v)]
    if missing:
        raise ValueError(f"y holds missing labels ({len(missing)} of them, the first at row "
                         f"{missing[0]}): every row needs a class label; drop or label those "
                         "rows first.")
    kinds = type_names(values.tolist())
    if len(kinds) > 1:
        raise ValueError(f"y mixes label types {kinds}: labels must all be strings or all "
                         "numbers; convert them to one type (for example y.astype(str)).")


def _explain_bad_values(X_numeric, X_caller):
    """After X failed numpy's conversion: name the first column, and row, that holds
    dates, text, NaN (or pandas' NA) or an infinity. Categorical columns are already
    encoded in ``X_numeric``; names come from the caller's DataFrame. Returns
    quietly when none does (the original error then stands)."""
    if hasattr(X_numeric, "tocsr") or np.ndim(X_numeric) != 2:
        return
    frame = hasattr(X_numeric, "iloc")
    name = (lambda j: repr(X_caller.columns[j])) if frame else str
    values = X_numeric if frame else np.asarray(X_numeric)
    if not frame and values.dtype.kind == "c":
        return  # complex: check_X_y names the problem
    for j in range(values.shape[1]):
        column = values.iloc[:, j] if frame else values[:, j]
        if frame and column.dtype.kind in "mM":
            raise ValueError(f"Column {name(j)} of X holds dates or durations "
                             f"({column.dtype}): convert it to numbers (for example days "
                             "since a reference date) or drop it.")
        if column.dtype.kind not in "OUS":
            continue  # numbers (categories and text columns are objects)
        for row, value in enumerate(np.asarray(column, dtype=object).tolist()):
            if isinstance(value, (str, bytes)):
                try:
                    float(value)
                    continue
                except ValueError:
                    pass
                raise ValueError(
                    f"Column {name(j)} of X holds {value!r} (row {row}), which is not a "
                    "number. Name the column in categorical_features if it holds "
                    "categories, or convert it to numbers.")
    try:
        floats = (values.to_numpy(dtype=np.float64, na_value=np.nan) if frame
                  else values.astype(np.float64))
    except (TypeError, ValueError):
        return  # other objects: numpy's conversion names their type
    bad = ~np.isfinite(floats)
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        what = "NaN (a missing value)" if np.isnan(floats[row, column]) else "infinity"
        raise ValueError(f"Column {name(column)} of X holds {what} at row {row} "
                         f"({int(bad.sum())} non-finite values in all): input X must be "
                         "finite; impute missing values first (for example "
                         "sklearn.impute.SimpleImputer) or drop those rows.")


def check_reward_param_grid(grid):
    """``reward_param_grid`` with every value as a list: a scalar is a one-point grid.

    Names must be parameters of scikit-learn's ``SVC``; an empty list is a ``ValueError``.
    """
    if grid is None:
        return None
    from sklearn.svm import SVC

    known = set(SVC().get_params())
    checked = {}
    for name, values in grid.items():
        if name not in known:
            raise ValueError(f"reward_param_grid names {name!r}, which is not a parameter of "
                             f"the reward model's SVC (for example 'C', 'gamma').")
        if isinstance(values, (str, bytes)) or np.ndim(values) == 0:
            values = [values]  # one value: a one-point grid
        values = list(np.asarray(values, dtype=object).ravel().tolist())
        if not values:
            raise ValueError(f"reward_param_grid[{name!r}] is empty: give at least one value, "
                             f"as in {{{name!r}: [1.0, 10.0]}}.")
        checked[name] = values
    return checked


def check_training_data(params, X, y, name):
    """The validated training data (:class:`CheckedData`) for an estimator of class
    ``name`` with parameters ``params``; no side effects.

    Every check that needs no training runs here, so that bad input fails before
    the reward model or the networks are fitted.
    """
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    y_form = LabelForm.of(y)
    y = _numpy_labels(y)
    _check_labels(y)
    check_classification_targets(y)
    y = check_target_type(y)
    get_feature_names(X)  # column names of mixed types fail now, not after training
    categorical, categories, X_numeric = [], [], X
    if np.ndim(X) == 2 and not hasattr(X, "tocsr"):
        categorical = resolve_categorical(params["categorical_features"], X, np.shape(X)[1])
        X_numeric, categories = encode_categorical(X, categorical)
    try:
        X_array, y = check_X_y(X_numeric, y, accept_sparse=False,
                               dtype=[np.float64, np.float32], ensure_all_finite=True,
                               ensure_min_samples=2, estimator=name)
    except (TypeError, ValueError):
        _explain_bad_values(X_numeric, X)  # name the column where one is to blame
        raise
    if type_of_target(y) not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {type_of_target(y)!r}.")
    encoder = LabelEncoder().fit(y)
    if len(encoder.classes_) < 2:
        raise ValueError(f"{name} needs at least 2 classes in y; got 1 class "
                         f"({encoder.classes_[0]!r}).")
    space = make_space(params["image_shape"], X_array.shape[1], X)
    return CheckedData(X, X_array, y, encoder.transform(y), encoder.classes_, y_form,
                       categorical, categories, space)
