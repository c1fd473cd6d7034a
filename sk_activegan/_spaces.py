"""Data spaces: the caller's data <-> the networks' model space.

A space is fitted on the caller's training rows and owns everything about their
representation: the standardization the networks train in, the per-class real
rows and spacing an anchored generator and the diagnostics use, and the way back
to the caller's scale, dtypes and pandas columns, with every column kept valid
(each within its observed range; integers rounded, booleans both ways).

A space is also *the kind of data*: :func:`make_space` decides it once per fit
from the parameters, and everything that differs between kinds is asked of the
space — its "auto" defaults (:class:`SpaceDefaults`: the generator family and the
budget), the checks its settings need before training, the networks of the
paper's free generator and of the discriminator, and how the reward model reads
its rows. Generator families read a space's description (``image_shape``,
``n_model``, ``spacing``, ``generator_layout``), never its class.
:class:`TabularSpace` is the space of a feature table, :class:`ImageSpace` of
flattened images; both are :class:`DataSpace`, which holds what they share. A new
kind of data is another subclass of :class:`DataSpace`.
"""

import numbers
import warnings

from abc import ABC, abstractmethod
from typing import NamedTuple

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

from ._networks import ConvDiscriminator, ConvGenerator, Discriminator, FreeMLP
from ._reward import FeatureProba, extract_features, reward_proba_module

#: Features must lie within these magnitudes to be standardized in float64
#: (squares neither overflow nor underflow).
LARGEST_MAGNITUDE = 1e150
SMALLEST_SPREAD = 1e-150


def _caller_types(X_caller, X):
    """The dtype samples come back in, and ``"float"``, ``"int"`` or ``"bool"`` per
    column, from the caller's X (array, list or DataFrame) and its validated form."""
    dtypes = getattr(X_caller, "dtypes", None)
    if dtypes is not None:  # a DataFrame: one dtype per column
        kinds = [_kind(_numpy_dtype(d)) for d in dtypes]
        return X.dtype, np.array(kinds)
    dtype = getattr(X_caller, "dtype", None)
    dtype = np.asarray(X_caller).dtype if dtype is None else np.dtype(dtype)
    if dtype.kind not in "biuf":
        dtype = X.dtype
    return dtype, np.full(X.shape[1], _kind(dtype))


def _numpy_dtype(dtype):
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


def _integer_limits(X_caller, column_dtypes):
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


class SpaceDefaults(NamedTuple):
    """What the front doors' "auto" resolves to for one kind of data."""

    #: ``generator="auto"``: the name of the default generator family.
    generator: str
    #: The augmenter's ``n_synthetic="auto"``: a share of each class's size.
    n_synthetic: float


class CallerMap(NamedTuple):
    """The affine map from the model space back to the caller's scale:
    ``caller = model * weight + offset`` when ``diagonal`` (weight and offset of
    shape (n_features,)), else ``caller = model @ weight + offset`` (weight of shape
    (n_model, n_features))."""

    weight: np.ndarray
    offset: np.ndarray
    diagonal: bool


class GeneratorLayout(NamedTuple):
    """Where an anchored generator may move a row: ``free`` is 1 on the model-space
    dimensions it may shift and 0 on one-hot blocks; ``blocks`` are the one-hot
    blocks' ``(start, stop)`` model-space slices."""

    free: np.ndarray
    blocks: list


class DataSpace(ABC):
    """A data space: the interface every kind of data meets, and what tables and
    images share — continuous columns standardized by :meth:`_scaling` (each kind
    its own), clipped to their observed range on the way back, integer columns
    rounded, boolean ones thresholded; categorical columns as one-hot blocks.

    Before :meth:`fit`: :attr:`defaults`, :attr:`image_shape` and
    :meth:`check_settings`. After it: the conversions (:meth:`to_model`,
    :meth:`to_caller`, :meth:`encode`, :meth:`as_caller`, :meth:`caller_map`), the
    real rows (``real``, ``labels``, ``spacing``, :meth:`class_rows`), the networks
    a generator family asks of the kind (:meth:`free_generator`,
    :meth:`discriminator`, :attr:`default_widths`, :meth:`generator_layout`) and how
    the reward model reads rows (:meth:`reward_inputs`, :meth:`reward_proba`,
    :meth:`reward_standardized`).

    Attributes (after :meth:`fit`)
    ------------------------------
    continuous, categorical : list of int
        Caller's column indices of each kind.
    categories : list of ndarray
        Per categorical column, its categories (numeric codes as the caller gave them,
        or the sorted labels of a string column, encoded as their index).
    mean, scale : ndarray of shape (n_continuous,)
        ``model = (caller - mean) / scale`` on the continuous columns.
    kinds : ndarray of str
        ``"float"``, ``"int"`` or ``"bool"`` per continuous column.
    low, high : ndarray of shape (n_continuous,)
        The observed range of every continuous column: samples are clipped to it.
    dtype : numpy dtype
        The dtype of samples given as an array.
    columns, dtypes : pandas Index and Series or None
        A DataFrame's column names and dtypes, to give samples back as one.
    real, labels, spacing :
        The training rows in the model space (float32), their encoded labels,
        and each class's :func:`class_spacing`.
    """

    #: "auto" defaults of this kind of data.
    defaults: SpaceDefaults
    #: ``(C, H, W)`` for images, None for rows of features.
    image_shape = None
    #: Hidden layers of the paper's free generator and its discriminator when a
    #: family leaves them "auto".
    default_widths: tuple

    @abstractmethod
    def check_settings(self, *, categorical, feature_extractor):
        """Raise ``ValueError`` for settings this kind of data cannot take (before
        any training): the categorical columns found, the feature extractor given."""

    @abstractmethod
    def free_generator(self, latent_dim, n_classes, widths):
        """The paper's G(z, y) for this kind of data (an ``nn.Module`` on flat
        model-space rows)."""

    @abstractmethod
    def discriminator(self, n_classes, widths, dropout):
        """The AC-GAN discriminator D(x) for this kind of data: ``(source logit,
        class logits)`` of flat model-space rows."""

    @abstractmethod
    def reward_standardized(self, feature_extractor):
        """Whether the default reward model standardizes its inputs."""

    def reward_inputs(self, X, feature_extractor, device):
        """What the reward model is fitted on, from the caller's rows ``X`` (float64
        array): the rows themselves (a space may override)."""
        return X

    def reward_proba(self, estimator, device, feature_extractor=None):
        """A torch module from model-space rows to the fitted reward model's class
        probabilities (its port, with :meth:`caller_map` folded in)."""
        return reward_proba_module(estimator, device, input_map=self.caller_map())

    def fit(self, X_caller, X, labels, n_classes, categorical=(), categories=()):
        """Learn the space from the caller's ``X_caller`` (array or DataFrame), its
        validated float array ``X`` (categorical columns encoded), encoded ``labels``
        and the categorical columns with their categories."""
        self.n_features = X.shape[1]
        self.categorical = list(categorical)
        self.continuous = [j for j in range(self.n_features) if j not in self.categorical]
        self.codes = [np.unique(X[:, j]) for j in self.categorical]
        self.categories = list(categories)
        self.mean, self.scale, self.low, self.high = self._scaling(X[:, self.continuous])
        self.dtype, kinds = _caller_types(X_caller, X)
        self.kinds = kinds[self.continuous]
        column_dtypes = ([_numpy_dtype(d) for d in X_caller.dtypes] if hasattr(X_caller, "dtypes")
                         and not hasattr(X_caller, "dtype") else [self.dtype] * self.n_features)
        self.int_low, self.int_high = (limit[self.continuous] for limit in _integer_limits(
            X_caller, column_dtypes))
        self.columns = getattr(X_caller, "columns", None)
        self.object_array = (self.columns is None
                             and np.asarray(X_caller, dtype=None).dtype.kind in "OUS")
        self.dtypes = getattr(X_caller, "dtypes", None)
        widths = [len(c) for c in self.codes]
        starts = len(self.continuous) + np.concatenate([[0], np.cumsum(widths)])
        self.blocks = [(int(a), int(b)) for a, b in zip(starts[:-1], starts[1:])]
        self.n_model = int(starts[-1])
        self.real = self.to_model(X)
        self.labels = np.asarray(labels)
        self.spacing = class_spacing(self.real, self.labels, n_classes)
        return self

    @staticmethod
    def _scaling(cont):
        """``(mean, scale, low, high)`` of the continuous columns: ``model = (caller -
        mean) / scale``, and each column's observed range."""
        mean, scale = robust_standardization(cont)
        return mean, scale, cont.min(axis=0), cont.max(axis=0)

    def to_model(self, X):
        """Caller's rows (float array, categorical columns encoded) to float32
        model-space rows. A category code not seen in fit is a ``ValueError``."""
        model = np.zeros((len(X), self.n_model), dtype=np.float32)
        model[:, :len(self.continuous)] = (X[:, self.continuous] - self.mean) / self.scale
        for j, codes, (start, _) in zip(self.categorical, self.codes, self.blocks):
            index = np.searchsorted(codes, X[:, j]).clip(max=len(codes) - 1)
            if not np.array_equal(codes[index], X[:, j]):
                raise ValueError(f"Categorical column {j} holds values not seen in fit "
                                 f"(seen: {codes.tolist()}).")
            model[np.arange(len(X)), start + index] = 1.0
        return model

    def caller_map(self):
        """The :class:`CallerMap` to the caller's scale (one-hot blocks to their codes)."""
        if not self.categorical:
            return CallerMap(self.scale, self.mean, True)
        weight = np.zeros((self.n_model, self.n_features))
        offset = np.zeros(self.n_features)
        weight[np.arange(len(self.continuous)), self.continuous] = self.scale
        offset[self.continuous] = self.mean
        for j, codes, (start, stop) in zip(self.categorical, self.codes, self.blocks):
            weight[start:stop, j] = codes  # an exact one-hot block gives its code
        return CallerMap(weight, offset, False)

    def generator_layout(self):
        """Continuous columns are free; one-hot blocks are not."""
        free = np.zeros(self.n_model, dtype=np.float32)
        free[:len(self.continuous)] = 1.0
        return GeneratorLayout(free, self.blocks)

    def to_caller(self, x, out):
        """Write model-space rows ``x`` (a tensor) into ``out`` in the caller's scale.

        Every continuous column is clipped to its observed range (as SMOTE's
        interpolation and SDV's min/max constraint keep it); integer columns are
        rounded, boolean columns thresholded at 0.5; each one-hot block is decoded
        to its largest entry's category; ``out`` has :attr:`dtype`. Float columns
        are not rounded to the decimals their values show (that made samples
        copies of real rows: the user guide).
        """
        values = x.to(torch.float64).cpu().numpy()
        if self.categorical:
            cont = values[:, :len(self.continuous)]
        else:
            cont = values
        cont *= self.scale
        cont += self.mean
        if not np.isfinite(values).all():
            raise FloatingPointError(
                "The generator produced non-finite values; refit with a lower learning_rate."
            )
        np.clip(cont, self.low, self.high, out=cont)  # every column within its observed range
        np.clip(cont, self.int_low, self.int_high, out=cont)  # no wrap-around near 2**63
        for kind in ("int", "bool"):
            columns = np.flatnonzero(self.kinds == kind)
            if len(columns) == 0:
                continue
            part = cont[:, columns]
            cont[:, columns] = (part >= 0.5 if kind == "bool" else np.rint(part))
        if not self.categorical:
            out[...] = values  # the cast to the caller's dtype is exact for valid values
            return out
        out[:, self.continuous] = cont
        for j, codes, (start, stop) in zip(self.categorical, self.codes, self.blocks):
            out[:, j] = codes[values[:, start:stop].argmax(axis=1)]
        return out

    def encode(self, X_caller):
        """New rows in the caller's form, categorical columns encoded as in fit."""
        return encode_categorical(X_caller, self.categorical, self.categories)[0]

    def as_caller(self, X_new):
        """Samples in the form of the caller's X: a DataFrame with the fitted columns
        and dtypes, an object array with the categories as given (fitted on an object
        or string array), or the array as it is."""
        if self.columns is None:
            indexed = [(j, codes, known) for j, codes, known in zip(
                self.categorical, self.codes, self.categories) if not codes_are_values(known)]
            if not self.object_array and not indexed:
                return X_new
            out = X_new.astype(object) if self.object_array else X_new.copy()
            for j, codes, known in (zip(self.categorical, self.codes, self.categories)
                                    if self.object_array else indexed):
                out[:, j] = known[np.searchsorted(codes, X_new[:, j])]  # codes sort as known
            return out
        import pandas as pd

        frame = pd.DataFrame(X_new, columns=self.columns)
        for j, known in zip(self.categorical, self.categories):
            if not codes_are_values(known):  # e.g. strings: encoded as their index
                frame.isetitem(j, known[X_new[:, j].astype(np.int64)])
        return frame.astype(dict(zip(self.columns, self.dtypes)))



    def class_rows(self, class_index):
        """Indices of the real rows of one class."""
        return np.flatnonzero(self.labels == class_index)


class TabularSpace(DataSpace):
    """A feature table: standardized continuous columns and one-hot categorical ones.

    The model space holds the continuous columns standardized (in their order), then
    one one-hot block per categorical column. Generated one-hot blocks are decoded by
    their largest entry, so a sample always carries a category seen in fit.
    """

    defaults = SpaceDefaults(generator="anchored", n_synthetic=0.5)
    default_widths = (256, 256)

    def check_settings(self, *, categorical, feature_extractor):
        if feature_extractor is not None:
            raise ValueError("feature_extractor needs image_shape: it maps images to features.")

    def free_generator(self, latent_dim, n_classes, widths):
        """An MLP whose categorical blocks come out one-hot."""
        return FreeMLP(latent_dim, n_classes, self.n_model, widths, self.generator_layout().blocks)

    def discriminator(self, n_classes, widths, dropout):
        return Discriminator(self.n_model, n_classes, widths, dropout)

    def reward_standardized(self, feature_extractor):
        return True


def check_image_shape(image_shape, n_features):
    """``image_shape`` as ``(C, H, W)``: ``(H, W)`` is one channel. A shape whose
    product is not the number of features is a ``ValueError``."""
    values = tuple(np.ravel(np.asarray(image_shape, dtype=object)).tolist())
    if len(values) not in (2, 3) or any(
            isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1 for v in values):
        raise ValueError(f"image_shape must be (H, W) or (C, H, W) of positive integers; got "
                         f"{image_shape!r}.")
    shape = tuple(int(v) for v in ((1, *values) if len(values) == 2 else values))
    if int(np.prod(shape)) != n_features:
        raise ValueError(f"image_shape={image_shape!r} holds {int(np.prod(shape))} pixels but X "
                         f"has {n_features} features: each row must be one flattened image "
                         "(C * H * W values, channel-first).")
    return shape


class ImageSpace(DataSpace):
    """Flattened images (rows of ``C * H * W`` pixels, channel-first, as
    scikit-learn's digits).

    The model space maps the observed pixel range to [-1, 1] with one affine map
    for every pixel (the range of a tanh output), so that pixel values keep their
    meaning across the image. Samples come back clipped to the observed range, in
    the caller's dtype (integer pixels rounded: uint8 in, uint8 out). With a
    feature extractor the reward model reads the extractor's features of the
    images, not their pixels.
    """

    defaults = SpaceDefaults(generator="warp", n_synthetic=8.0)
    default_widths = (32, 64, 256)

    def __init__(self, shape):
        self.image_shape = tuple(shape)
        self.n_model = int(np.prod(self.image_shape))  # one model dimension per pixel

    @property
    def shape(self):
        """``(C, H, W)``: the same as ``image_shape``."""
        return self.image_shape

    def check_settings(self, *, categorical, feature_extractor):
        if categorical:
            raise ValueError("image_shape and categorical_features cannot be combined: every "
                             f"column of an image is a pixel (categorical columns: "
                             f"{categorical}).")

    def free_generator(self, latent_dim, n_classes, widths):
        """The InfoGAN-style convolutional G(z, y) (``_networks/conv.py``)."""
        return ConvGenerator(latent_dim, n_classes, self.shape, widths)

    def discriminator(self, n_classes, widths, dropout):
        """Stride-2 convolutions with ``widths[:-1]`` channels, then ``widths[-1]`` units."""
        return ConvDiscriminator(self.shape, n_classes, widths, dropout)

    def reward_standardized(self, feature_extractor):
        """Raw pixels keep their scale; features are standardized."""
        return feature_extractor is not None

    def reward_inputs(self, X, feature_extractor, device):
        """The pixels, or the extractor's features of the images (float64)."""
        if feature_extractor is None:
            return X
        return extract_features(feature_extractor, X, self.shape, device)

    def reward_proba(self, estimator, device, feature_extractor=None):
        """Through the extractor when there is one: model-space images to the
        caller's pixel scale, to features, to the port of the reward model."""
        if feature_extractor is None:
            return super().reward_proba(estimator, device)
        caller_map = self.caller_map()  # one affine map for every pixel
        return FeatureProba(feature_extractor, reward_proba_module(estimator, device),
                            self.shape, caller_map.weight[0], caller_map.offset[0])

    @staticmethod
    def _scaling(cont):
        """One affine map for every pixel, the observed range to [-1, 1]."""
        low, high = float(cont.min()), float(cont.max())
        if not high > low:
            raise ValueError(f"Every pixel of X has the value {low:g}: images need a range.")
        if max(abs(low), abs(high)) > LARGEST_MAGNITUDE:
            raise ValueError(f"Pixel values reach {max(abs(low), abs(high)):.3g}: rescale X.")
        n = cont.shape[1]
        return (np.full(n, (high + low) / 2), np.full(n, (high - low) / 2), np.full(n, low),
                np.full(n, high))


def make_space(image_shape, n_features):
    """The data space the parameters ask for, unfitted: the one place the kind of
    data is decided (images with ``image_shape``, else a table)."""
    if image_shape is None:
        return TabularSpace()
    return ImageSpace(check_image_shape(image_shape, n_features))
