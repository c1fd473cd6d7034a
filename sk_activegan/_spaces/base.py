"""The data space interface: what every kind of data gives the engine and the
generator families (`DataSpace`), and the named data it describes itself
with (`SpaceDefaults`, `CallerMap`, `GeneratorLayout`)."""

from abc import ABC, abstractmethod
from typing import NamedTuple

import numpy as np

from .._reward import reward_proba_module
from .columns import class_spacing

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
    """A kind of data: the caller's rows <-> the networks' model space.

    Tables (`~sk_activegan.spaces.TabularSpace`) and images
    (`~sk_activegan.spaces.ImageSpace`) are siblings under this interface; a
    new kind subclasses it and registers (`~sk_activegan.spaces.register_space`).
    The engine and the generator families read a space only through what is
    listed here, and ask it what it is through `kind`, never its class.

    Before `fit`: `kind`, `defaults`, `default_widths`,
    `check_settings` and `from_data`. After it: the conversions
    (`to_model`, `to_caller`, `caller_map`, `encode`,
    `as_caller`), the training rows (`real`, `labels`,
    `spacing`, `class_rows`), the networks of the kind
    (`free_generator`, `discriminator`) and how the reward model reads
    its rows (`reward_inputs`, `reward_proba`,
    `reward_standardized`).

    Attributes (after `fit`)
    ------------------------------
    n_features : int
        Columns of the caller's rows.
    n_model : int
        Dimensions of a model-space row (what the networks read and write).
    dtype : numpy dtype
        The dtype of samples given as an array.
    real : ndarray of shape (n_samples, n_model), float32
        The training rows in the model space.
    labels : ndarray of shape (n_samples,), int
        Their encoded labels.
    spacing : ndarray of shape (n_classes,), float64
        Each class's median nearest-neighbour distance in the model space
        (``class_spacing``): the unit of an anchored generator's moves and of the
        ``nn_distance_ratio`` diagnostic.
    object_array : bool
        The caller gave an object or string array (samples come back as one).
    """

    #: The kind's name ("table", "image", ...): what a family asks to decide what
    #: it can take.
    kind: str
    #: "auto" defaults of this kind of data.
    defaults: SpaceDefaults
    #: Hidden layers of the paper's free generator and its discriminator when a
    #: family leaves them "auto".
    default_widths: tuple
    object_array = False

    @classmethod
    def from_data(cls, X, *, image_shape, n_features):
        """The unfitted space of this kind for the caller's ``X`` (as given) and
        the front door's ``image_shape``, or None when this kind does not take
        them (the registry then asks the next kind; tables take the rest)."""
        return None

    @abstractmethod
    def check_settings(self, *, categorical, feature_extractor):
        """Raise ``ValueError`` for settings this kind of data cannot take (before
        any training): the categorical columns found, the feature extractor given."""

    @abstractmethod
    def fit(self, X_caller, X, labels, n_classes, categorical=(), categories=()):
        """Learn the space from the caller's ``X_caller`` (array or DataFrame), its
        validated float64 array ``X`` (categorical columns encoded), encoded
        ``labels`` and the categorical columns with their categories; sets the
        attributes above (`set_training_rows` sets the last three) and
        returns ``self``."""

    @abstractmethod
    def to_model(self, X):
        """Caller's rows (float64 array of shape (n, n_features), categorical
        columns encoded) to float32 model-space rows of shape (n, n_model)."""

    @abstractmethod
    def to_caller(self, x, out):
        """Write model-space rows ``x`` (a tensor of shape (n, n_model)) into
        ``out`` (an array of shape (n, n_features) and `dtype`) in the
        caller's scale, every value valid for its column; returns ``out``."""

    @abstractmethod
    def caller_map(self):
        """The affine `CallerMap` from the model space to the caller's scale
        (folded into the torch port of the reward model)."""

    @abstractmethod
    def free_generator(self, latent_dim, n_classes, widths):
        """The paper's G(z, y) for this kind of data: an ``nn.Module`` mapping
        ``(z, y, anchor=None)`` to flat model-space rows."""

    @abstractmethod
    def discriminator(self, n_classes, widths, dropout):
        """The AC-GAN discriminator D(x) for this kind of data: ``(source logit,
        class logits)`` of flat model-space rows."""

    @abstractmethod
    def reward_standardized(self, feature_extractor):
        """Whether the default reward model standardizes its inputs."""

    def set_training_rows(self, real, labels, n_classes):
        """Keep the model-space training rows ``real``, their encoded ``labels``
        and each class's spacing (for `fit`)."""
        self.real = real
        self.labels = np.asarray(labels)
        self.spacing = class_spacing(self.real, self.labels, n_classes)

    def class_rows(self, class_index):
        """Indices of the real rows of one class."""
        return np.flatnonzero(self.labels == class_index)

    def encode(self, X_caller):
        """New rows in the caller's form as a float array for `to_model`
        (categorical columns encoded as in fit): as given, by default."""
        return X_caller

    def as_caller(self, X_new):
        """Samples (an array of `dtype`) in the form of the caller's X: as
        they are, by default."""
        return X_new

    def reward_inputs(self, X, feature_extractor, device):
        """What the reward model is fitted on, from the caller's rows ``X`` (float64
        array): the rows themselves (a space may override)."""
        return X

    def reward_proba(self, estimator, device, feature_extractor=None):
        """A torch module from model-space rows to the fitted reward model's class
        probabilities (its port, with `caller_map` folded in)."""
        return reward_proba_module(estimator, device, input_map=self.caller_map())
