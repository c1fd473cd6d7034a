"""The space of flattened images (:class:`ImageSpace`)."""

import numbers

import numpy as np
import torch

from .._networks import ConvDiscriminator, ConvGenerator
from .._reward import FeatureProba, extract_features, reward_proba_module
from .base import CallerMap, DataSpace, SpaceDefaults
from .columns import LARGEST_MAGNITUDE, caller_types, integer_limits, numpy_dtype


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

    kind = "image"
    default_widths = (32, 64, 256)

    def __init__(self, shape):
        self.image_shape = tuple(shape)
        self.n_model = int(np.prod(self.image_shape))  # one model dimension per pixel

    @classmethod
    def from_data(cls, X, *, image_shape, n_features):
        """Images when the front door's ``image_shape`` is set (checked against
        ``n_features``: a ``ValueError`` when they disagree)."""
        return None if image_shape is None else cls(check_image_shape(image_shape, n_features))

    @property
    def defaults(self):
        """``generator="auto"``: the warp generator for grey images, the augmentation
        policy (``"augment"``) for colour ones, each the family measured best on its
        kind of image (docs/images.md); +800 % (8 rows per labeled image)."""
        return SpaceDefaults(generator="warp" if self.shape[0] == 1 else "augment",
                             n_synthetic=8.0)

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

    def fit(self, X_caller, X, labels, n_classes, categorical=(), categories=()):
        """One affine map for every pixel, the observed range to [-1, 1]; the
        caller's dtype(s) and form."""
        low, high = float(X.min()), float(X.max())
        if not high > low:
            raise ValueError(f"Every pixel of X has the value {low:g}: images need a range.")
        if max(abs(low), abs(high)) > LARGEST_MAGNITUDE:
            raise ValueError(f"Pixel values reach {max(abs(low), abs(high)):.3g}: rescale X.")
        self.n_features = n = X.shape[1]
        self.mean, self.scale = np.full(n, (high + low) / 2), np.full(n, (high - low) / 2)
        self.low, self.high = np.full(n, low), np.full(n, high)
        self.dtype, self.kinds = caller_types(X_caller, X)
        frame = hasattr(X_caller, "dtypes") and not hasattr(X_caller, "dtype")
        column_dtypes = ([numpy_dtype(d) for d in X_caller.dtypes] if frame
                         else [self.dtype] * n)
        self.int_low, self.int_high = integer_limits(X_caller, column_dtypes)
        self.columns = getattr(X_caller, "columns", None)
        self.dtypes = getattr(X_caller, "dtypes", None)
        self.object_array = (self.columns is None
                             and np.asarray(X_caller, dtype=None).dtype.kind in "OUS")
        self.set_training_rows(self.to_model(X), labels, n_classes)
        return self

    def to_model(self, X):
        """Pixels (float array) to float32 model-space images, flat."""
        return ((X - self.mean) / self.scale).astype(np.float32)

    def caller_map(self):
        """The one affine map of every pixel, as a diagonal :class:`CallerMap`."""
        return CallerMap(self.scale, self.mean, True)

    def to_caller(self, x, out):
        """Model-space images ``x`` (a tensor) into ``out`` in the caller's pixel
        scale, clipped to the observed range; integer pixels rounded, boolean ones
        thresholded at 0.5."""
        values = x.to(torch.float64).cpu().numpy()
        values *= self.scale
        values += self.mean
        if not np.isfinite(values).all():
            raise FloatingPointError(
                "The generator produced non-finite values; refit with a lower learning_rate.")
        np.clip(values, self.low, self.high, out=values)
        np.clip(values, self.int_low, self.int_high, out=values)  # no wrap-around near 2**63
        for kind in ("int", "bool"):
            columns = np.flatnonzero(self.kinds == kind)
            if len(columns):
                part = values[:, columns]
                values[:, columns] = (part >= 0.5 if kind == "bool" else np.rint(part))
        out[...] = values
        return out

    def as_caller(self, X_new):
        """A DataFrame with the fitted columns and dtypes when fitted on one, an
        object array when fitted on one, else the array as it is."""
        if self.columns is not None:
            import pandas as pd

            return pd.DataFrame(X_new, columns=self.columns).astype(
                dict(zip(self.columns, self.dtypes)))
        return X_new.astype(object) if self.object_array else X_new
