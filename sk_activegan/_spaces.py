"""Data spaces: the caller's data <-> the networks' model space.

A space is fitted on the caller's training rows and owns everything about their
representation: the standardization the networks train in, the per-class real
rows and spacing an anchored generator and the diagnostics use, and the way back
to the caller's scale, dtypes and pandas columns, with every column kept valid
(integers rounded within their observed range, booleans both ways).

:class:`TabularSpace` is the space of a feature table. A new kind of data (images,
categorical columns) is another space with the same methods.
"""

import warnings

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

#: Features must lie within these magnitudes to be standardized in float64
#: (squares neither overflow nor underflow).
LARGEST_MAGNITUDE = 1e150
SMALLEST_SPREAD = 1e-150


def _caller_types(X_caller, X):
    """The dtype samples come back in, and ``"float"``, ``"int"`` or ``"bool"`` per
    column, from the caller's X (array, list or DataFrame) and its validated form."""
    dtypes = getattr(X_caller, "dtypes", None)
    if dtypes is not None:  # a DataFrame: one dtype per column
        kinds = [_kind(np.dtype(getattr(d, "numpy_dtype", d)) if d != "category"
                       else np.dtype(float)) for d in dtypes]
        return X.dtype, np.array(kinds)
    dtype = getattr(X_caller, "dtype", None)
    dtype = np.asarray(X_caller).dtype if dtype is None else np.dtype(dtype)
    if dtype.kind not in "biuf":
        dtype = X.dtype
    return dtype, np.full(X.shape[1], _kind(dtype))


def _kind(dtype):
    if dtype.kind == "b":
        return "bool"
    return "int" if dtype.kind in "iu" else "float"


def robust_standardization(X):
    """Column means and scales of ``X`` computed without overflow.

    Columns are divided by their largest magnitude before the moments are taken.
    A constant column gets scale 1 (as ``StandardScaler``). Raises ``ValueError``
    for columns whose magnitudes float64 cannot standardize.
    """
    X = np.asarray(X, dtype=np.float64)
    peak = np.abs(X).max(axis=0)
    too_large = peak > LARGEST_MAGNITUDE
    unit = np.where(peak > 0, peak, 1.0)
    normalized = X / unit
    scale = normalized.std(axis=0) * unit
    too_small = (scale > 0) & (scale < SMALLEST_SPREAD)
    if too_large.any() or too_small.any():
        column = int(np.flatnonzero(too_large | too_small)[0])
        raise ValueError(
            f"Column {column} of X has values of magnitude {peak[column]:.3g} and spread "
            f"{scale[column]:.3g}: features must lie within {LARGEST_MAGNITUDE:.0e} and vary "
            f"by more than {SMALLEST_SPREAD:.0e} to be standardized in float64. Rescale X "
            "(for example divide by a power of ten) before fitting."
        )
    mean = normalized.mean(axis=0) * unit
    constant = scale <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
    return mean, np.where(constant, 1.0, scale)


def class_spacing(X, labels, n_classes):
    """Median nearest-neighbour distance among each class's *distinct* rows.

    Duplicate rows would give a spacing of 0 (and an anchored generator a radius of
    0: copies). A class with fewer than two distinct rows takes the median spacing
    of the whole data set, with a warning.
    """
    def median_nn(rows):
        rows = np.unique(rows, axis=0)
        if len(rows) < 2:
            return np.nan
        distances, _ = NearestNeighbors(n_neighbors=2).fit(rows).kneighbors(rows)
        return float(np.median(distances[:, 1]))

    spacing = np.array([median_nn(X[labels == c]) for c in range(n_classes)])
    missing = np.flatnonzero(~(spacing > 0))
    if len(missing):
        overall = median_nn(X)
        overall = overall if overall > 0 else 1.0
        warnings.warn(
            f"Classes at indices {missing.tolist()} have fewer than 2 distinct rows; their "
            f"spacing (the anchored generator's unit) is that of the whole data set, "
            f"{overall:.3g} standardized units.", UserWarning, stacklevel=4)
        spacing[missing] = overall
    return spacing


class TabularSpace:
    """A feature table: standardized float32 model space, per-class real rows.

    Attributes (after :meth:`fit`)
    ------------------------------
    mean, scale : ndarray of shape (n_features,)
        ``model = (caller - mean) / scale``.
    kinds : ndarray of str
        ``"float"``, ``"int"`` or ``"bool"`` per column.
    low, high : ndarray of shape (n_features,)
        The observed range of every column (integer columns are clipped to it).
    dtype : numpy dtype
        The dtype of samples given as an array.
    columns, dtypes : pandas Index and Series or None
        A DataFrame's column names and dtypes, to give samples back as one.
    real, labels, spacing :
        The training rows in the model space (float32), their encoded labels,
        and each class's :func:`class_spacing`.
    """

    def fit(self, X_caller, X, labels, n_classes):
        """Learn the space from the caller's ``X_caller`` (array or DataFrame), its
        validated float array ``X`` and encoded ``labels``."""
        self.mean, self.scale = robust_standardization(X)
        self.dtype, self.kinds = _caller_types(X_caller, X)
        self.low, self.high = X.min(axis=0), X.max(axis=0)
        self.columns = getattr(X_caller, "columns", None)
        self.dtypes = getattr(X_caller, "dtypes", None)
        self.real = self.to_model(X)
        self.labels = np.asarray(labels)
        self.spacing = class_spacing(self.real, self.labels, n_classes)
        return self

    @property
    def n_features(self):
        return len(self.mean)

    def to_model(self, X):
        """Caller's rows (float array) to float32 model-space rows."""
        return ((X - self.mean) / self.scale).astype(np.float32)

    def model_to_caller_affine(self):
        """``(scale, mean)``: caller = model * scale + mean, for the reward module."""
        return self.scale, self.mean

    def class_rows(self, class_index):
        """Indices of the real rows of one class."""
        return np.flatnonzero(self.labels == class_index)

    def to_caller(self, x, out):
        """Write model-space rows ``x`` (a tensor) into ``out`` in the caller's scale.

        Integer columns are rounded and clipped to their observed range, boolean
        columns thresholded at 0.5; ``out`` has :attr:`dtype`.
        """
        values = x.to(torch.float64).cpu().numpy()
        values *= self.scale
        values += self.mean
        if not np.isfinite(values).all():
            raise FloatingPointError(
                "The generator produced non-finite values; refit with a lower learning_rate."
            )
        for kind in ("int", "bool"):
            columns = np.flatnonzero(self.kinds == kind)
            if len(columns) == 0:
                continue
            part = values[:, columns]
            values[:, columns] = (part >= 0.5 if kind == "bool" else
                                  np.clip(np.rint(part), self.low[columns], self.high[columns]))
        out[...] = values  # the cast to the caller's dtype is exact for valid values
        return out

    def as_frame(self, X_new):
        """Samples as a DataFrame with the fitted columns and dtypes (or as they are)."""
        if self.columns is None:
            return X_new
        import pandas as pd

        frame = pd.DataFrame(X_new, columns=self.columns)
        return frame.astype(dict(zip(self.columns, self.dtypes)))
