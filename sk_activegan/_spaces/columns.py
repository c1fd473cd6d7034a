"""The caller's columns: standardization, class spacing, categorical columns, the
dtypes samples come back in — the helpers the data spaces share."""

import numbers
import warnings

import numpy as np
from sklearn.neighbors import NearestNeighbors

#: Features must lie within these magnitudes to be standardized in float64
#: (squares neither overflow nor underflow).
LARGEST_MAGNITUDE = 1e150
SMALLEST_SPREAD = 1e-150


def caller_types(X_caller, X):
    """The dtype samples come back in, and ``"float"``, ``"int"`` or ``"bool"`` per
    column, from the caller's X (array, list or DataFrame) and its validated form."""
    dtypes = getattr(X_caller, "dtypes", None)
    if dtypes is not None:  # a DataFrame: one dtype per column
        kinds = [_kind(numpy_dtype(d)) for d in dtypes]
        return X.dtype, np.array(kinds)
    dtype = getattr(X_caller, "dtype", None)
    dtype = np.asarray(X_caller).dtype if dtype is None else np.dtype(dtype)
    if dtype.kind not in "biuf":
        dtype = X.dtype
    return dtype, np.full(X.shape[1], _kind(dtype))


def numpy_dtype(dtype):
    """A pandas column dtype as numpy's (categories, strings and other extension
    types without one count as float: they are categorical columns, encoded)."""
    try:
        return np.dtype(getattr(dtype, "numpy_dtype", dtype))
    except TypeError:
        return np.dtype(float)


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


def _is_category_dtype(dtype):
    return str(dtype) == "category"


def resolve_categorical(spec, X_caller, n_features):
    """Sorted column indices that ``categorical_features`` names.

    ``"auto"``: the columns of pandas ``category`` dtype (none for arrays); None:
    none; else column indices, a boolean mask or column names (DataFrames).
    """
    if spec is None:
        return []
    dtypes = getattr(X_caller, "dtypes", None)
    if isinstance(spec, str) and spec == "auto":
        return [] if dtypes is None else [i for i, d in enumerate(dtypes)
                                          if _is_category_dtype(d)]
    values = np.asarray(spec)
    if values.ndim != 1:
        raise ValueError("categorical_features must be 'auto', None or a 1-d list of column "
                         f"indices, names or a boolean mask; got {spec!r}.")
    if values.dtype.kind == "b":
        if len(values) != n_features:
            raise ValueError(f"categorical_features as a boolean mask needs one entry per "
                             f"feature ({n_features}); got {len(values)}.")
        return np.flatnonzero(values).tolist()
    if values.dtype.kind in "iu":
        bad = values[(values < -n_features) | (values >= n_features)]
        if len(bad):
            raise ValueError(f"categorical_features index {int(bad[0])} is out of range for "
                             f"{n_features} features.")
        return sorted(set((values % n_features).tolist()))
    if values.dtype.kind in "UO":
        columns = getattr(X_caller, "columns", None)
        if columns is None:
            raise ValueError("categorical_features names columns, but X has no column "
                             "names; give column indices or a boolean mask.")
        names = list(map(str, columns))
        unknown = [v for v in values.tolist() if str(v) not in names]
        if unknown:
            raise ValueError(f"categorical_features names {unknown}, which are not columns "
                             f"of X ({names}).")
        return sorted({names.index(str(v)) for v in values.tolist()})
    raise TypeError(f"categorical_features must be 'auto', None or a list of column indices, "
                    f"names or a boolean mask; got {spec!r}.")


def encode_categorical(X_caller, categorical, categories=None):
    """``X_caller`` with its categorical columns as numbers, and each one's categories.

    Numeric categories stay as they are; other categories (strings) become their index
    among the sorted categories. With ``categories`` given (a fitted space), a value
    not among them is a ``ValueError``. Missing values are a ``ValueError``.
    """
    if not categorical:
        return X_caller, []
    is_frame = hasattr(X_caller, "iloc")
    X_num = X_caller.copy() if is_frame else np.array(X_caller, dtype=object, copy=True)
    found = []
    for position, j in enumerate(categorical):
        column = X_caller.iloc[:, j] if is_frame else np.asarray(X_num[:, j])
        name = repr(X_caller.columns[j]) if is_frame else str(j)
        values = np.asarray(column.astype(object) if is_frame else column, dtype=object)
        missing = np.array([is_missing(v) for v in values.tolist()], dtype=bool)
        if missing.any():
            raise ValueError(f"Categorical column {name} holds missing values (row "
                             f"{int(np.flatnonzero(missing)[0])}): every row needs a category.")
        known = _sorted_categories(values, name) if categories is None else categories[position]
        numeric = codes_are_values(known)
        index = {v: k for k, v in enumerate(known.tolist())}
        unseen = [v for v in set(values.tolist()) if v not in index]
        if unseen:
            raise ValueError(f"Categorical column {name} holds categories {sorted(map(repr, unseen))} "
                             f"that were not seen in fit ({known.tolist()}).")
        codes = np.array([float(v) if numeric else float(index[v]) for v in values.tolist()])
        if is_frame:
            X_num.isetitem(j, codes)
        else:
            X_num[:, j] = codes
        found.append(known)
    return (X_num if is_frame else X_num.astype(np.float64)), found


def codes_are_values(known):
    """Whether a categorical column's categories ``known`` are their own codes: all
    numbers (no bools) that float64 holds exactly. Others (strings; integers beyond
    2**53, such as IDs, which float64 would merge) are coded as their index."""
    values = [v.item() if isinstance(v, np.generic) else v for v in known.tolist()]
    return all(isinstance(v, numbers.Number) and not isinstance(v, bool) and float(v) == v
               for v in values)


def integer_limits(X_caller, column_dtypes):
    """Per column, the floats bounding what an integer column gives back: its exact
    observed range rounded inwards to float64 (``[-inf, inf]`` for other columns).
    Beyond 2**53 float64 rounds: the observed maximum 2**63 - 1 would become 2**63,
    which wraps around in int64; rounded inwards, samples stay within the observed
    range (where no float64 lies within it, within the dtype's range)."""
    n = len(column_dtypes)
    low, high = np.full(n, -np.inf), np.full(n, np.inf)
    frame = hasattr(X_caller, "iloc")
    values = None if frame else np.asarray(X_caller)
    for j, dtype in enumerate(column_dtypes):
        if dtype.kind not in "iu":
            continue
        column = X_caller.iloc[:, j].to_numpy(dtype=dtype) if frame else values[:, j]
        smallest, largest = int(column.min()), int(column.max())
        lo, hi = float(smallest), float(largest)
        lo = lo if int(lo) >= smallest else float(np.nextafter(lo, np.inf))
        hi = hi if int(hi) <= largest else float(np.nextafter(hi, -np.inf))
        if lo > hi:  # no float64 within the observed range: the dtype's bounds
            info = np.iinfo(dtype)
            top = float(info.max)
            lo, hi = float(info.min), top if int(top) <= info.max else float(
                np.nextafter(top, -np.inf))
        low[j], high[j] = lo, hi
    return low, high


def is_missing(value):
    """Whether one value is a missing value: None, NaN, or pandas' NA and NaT."""
    return (value is None or (isinstance(value, (float, np.floating)) and value != value)
            or type(value).__name__ in ("NAType", "NaTType"))


def type_names(values):
    """The sorted names of the types among ``values`` ("string" for str), to say
    what a column or y mixes."""
    return sorted({"string" if isinstance(v, str) else type(v).__name__ for v in values})


def _sorted_categories(values, name):
    """The distinct values of one categorical column, sorted; values of types that
    cannot be ordered together (numbers and strings) are a ``TypeError`` naming the
    column."""
    distinct = set(values.tolist())
    try:
        return np.array(sorted(distinct), dtype=object)
    except TypeError:
        kinds = type_names(distinct)
        raise TypeError(
            f"Categorical column {name} mixes value types {kinds} (for example "
            f"{sorted(map(repr, distinct))[:4]}): a column's categories must all be numbers or "
            "all strings; convert the column to one type (for example to str).") from None


