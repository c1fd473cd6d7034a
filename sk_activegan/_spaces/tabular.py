"""The space of a feature table (:class:`TabularSpace`)."""

import numpy as np
import torch

from .._networks import Discriminator, FreeMLP
from .base import CallerMap, DataSpace, GeneratorLayout, SpaceDefaults
from .columns import (caller_types, codes_are_values, encode_categorical, integer_limits,
                      numpy_dtype, robust_standardization)


def _scaling(cont):
    """``(mean, scale, low, high)`` of the continuous columns: ``model = (caller -
    mean) / scale``, and each column's observed range."""
    mean, scale = robust_standardization(cont)
    return mean, scale, cont.min(axis=0), cont.max(axis=0)


class TabularSpace(DataSpace):
    """A feature table: standardized continuous columns and one-hot categorical ones.

    The model space holds the continuous columns standardized (in their order), then
    one one-hot block per categorical column. Generated one-hot blocks are decoded by
    their largest entry, so a sample always carries a category seen in fit. On the
    way back every continuous column is clipped to its observed range, integer
    columns rounded, boolean ones thresholded.

    Attributes (after :meth:`fit`), besides :class:`DataSpace`'s
    ---------------------------------------------------------
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
    columns, dtypes : pandas Index and Series or None
        A DataFrame's column names and dtypes, to give samples back as one.
    """

    kind = "table"
    defaults = SpaceDefaults(generator="anchored", n_synthetic=0.5)
    default_widths = (256, 256)

    @classmethod
    def from_data(cls, X, *, image_shape, n_features):
        """A table: what no other kind takes."""
        return cls()

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

    def fit(self, X_caller, X, labels, n_classes, categorical=(), categories=()):
        self.n_features = X.shape[1]
        self.categorical = list(categorical)
        self.continuous = [j for j in range(self.n_features) if j not in self.categorical]
        self.codes = [np.unique(X[:, j]) for j in self.categorical]
        self.categories = list(categories)
        self.mean, self.scale, self.low, self.high = _scaling(X[:, self.continuous])
        self.dtype, kinds = caller_types(X_caller, X)
        self.kinds = kinds[self.continuous]
        column_dtypes = ([numpy_dtype(d) for d in X_caller.dtypes] if hasattr(X_caller, "dtypes")
                         and not hasattr(X_caller, "dtype") else [self.dtype] * self.n_features)
        self.int_low, self.int_high = (limit[self.continuous] for limit in integer_limits(
            X_caller, column_dtypes))
        self.columns = getattr(X_caller, "columns", None)
        self.object_array = (self.columns is None
                             and np.asarray(X_caller, dtype=None).dtype.kind in "OUS")
        self.dtypes = getattr(X_caller, "dtypes", None)
        widths = [len(c) for c in self.codes]
        starts = len(self.continuous) + np.concatenate([[0], np.cumsum(widths)])
        self.blocks = [(int(a), int(b)) for a, b in zip(starts[:-1], starts[1:])]
        self.n_model = int(starts[-1])
        self.set_training_rows(self.to_model(X), labels, n_classes)
        return self


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
