"""Generator families: what draws the synthetic samples, how it trains, what it records.

A front door's ``generator`` parameter takes a family's name or a family object:

- ``"anchored"``: `AnchoredGenerator`, for tables (their default);
- ``"warp"``: `WarpGenerator`, for images (their default);
- ``"paper"``: `PaperGenerator`, for tables and images;
- ``"random-warp"``: `RandomWarp` (a baseline), for images;
- ``"augment"``: `AugmentPolicy` (in ``sk_activegan``), a policy over standard
  augmentation ops, for images, written on the interface below.

The first three are ActiveGAN (Kong et al., AAAI 2019): a conditional generator
trained adversarially (AC-GAN, eq. 4-5) and, after a warm-up, with the policy-gradient
uncertainty loss (eq. 10-12) weighted by λ. `RandomWarp` trains nothing: the
random similarity warp of classical augmentation, as a baseline row beside the method.

Each family holds its own settings (network sizes, optimiser, buffer), scikit-learn
style (``get_params``/``set_params``, so ``clone`` and grid searches reach them); a
front door also routes ``generator__<setting>=value`` to whichever family it
resolves.

A new family subclasses `GeneratorFamily` (docs/extending.md): its settings are
plain ``__init__`` arguments (optionally with ``_parameter_constraints``, or
declared with `declare` and `Parameter`); `GeneratorFamily.check` refuses data it
cannot take, `GeneratorFamily.build` returns its networks as a `FamilyModules`
(any structure; `build_fresh` draws new weights from the fit's generator, and
weights of a module given to the family are kept), `GeneratorFamily.train` trains
them within a `TrainingBudget` and returns a history of the columns it declares in
``history_columns``. Everything here is public; no private module is needed.
"""

import dataclasses
import numbers
from typing import NamedTuple

from sklearn.base import BaseEstimator

from ._compat import Interval, InvalidParameterError, StrOptions, check_params
from ._memory import check_training_sizes
from ._networks import (ActiveGANModules, AnchoredMLP, FamilyModules, GaussianPolicy,
                        RandomWarpNet, WarpNet, build_fresh, build_modules)
from ._parameters import Parameter, check_layer_sizes, declare
from ._training import HISTORY_COLUMNS, TrainingSchedule, train

#: The front door's training knobs a family may read (``GeneratorFamily.reads``;
#: ActiveGAN's families read them all).
TRAINING_PARAMETERS = frozenset({"lambda_reward", "n_iter", "warm_up", "epsilon", "alpha",
                                 "reward_constant"})


class TrainingBudget(NamedTuple):
    """The method's training knobs of one fit, resolved by the front door ("auto"
    from the family) and handed to `GeneratorFamily.train`.

    ``n_iter``: updates in all (0 when the family does not read ``n_iter``);
    ``warm_up_iter``: of them, plain adversarial updates before the uncertainty
    loss (Algorithm 1, step 4); ``lambda_reward``: eq. 11's λ;
    ``balanced_batches``: draw real rows class-balanced (an over-sampler's fit).
    """

    n_iter: int
    warm_up_iter: int
    lambda_reward: float
    balanced_batches: bool = False


class GeneratorFamily(BaseEstimator):
    """Base class of the generator families (see the module's docstring).

    A subclass is a scikit-learn estimator-like object: its settings are its
    ``__init__`` arguments, kept as attributes of the same names; a class
    attribute ``_parameter_constraints`` (scikit-learn's format) is optional and
    checked by `check`.

    Class attributes a family sets:

    ``name``
        Its name in messages (and for the ``generator`` parameter, when listed in
        the package's registry of families).
    ``reads``
        The front door's parameters its training reads (a subset of
        ``TRAINING_PARAMETERS``); one set away from its default that the family
        ignores is warned about at fit. Empty (the default): it trains nothing.
    ``history_columns``
        The names of the per-iteration series `train` returns
        (``history_``; ``plot_history`` draws whichever are present).
    ``n_iter_default``, ``lambda_default``, ``n_candidates_default``
        What the front door's ``n_iter``, ``lambda_reward`` (eq. 11's λ) and
        ``n_candidates`` resolve to when "auto".
    """

    name = None
    reads = frozenset()
    history_columns = ()
    n_iter_default = 0
    lambda_default = 0.1
    n_candidates_default = 1
    #: scikit-learn constraints of the family's settings (optional).
    _parameter_constraints = {}

    def check(self, space, *, n_features, categorical=()):
        """Raise ``ValueError`` (before any training) when this family cannot take
        data of ``space`` (an unfitted `~sk_activegan.spaces.DataSpace`; ask
        ``space.kind``) with ``n_features`` columns, of which ``categorical``
        (indices) hold categories, or its settings break ``_parameter_constraints``
        (the message names the ``generator__<setting>``)."""
        params = self.get_params(deep=False)
        try:
            check_params(self._parameter_constraints, params, type(self).__name__)
        except InvalidParameterError as error:  # say where the setting was given
            names = [p for p in params if f"'{p}' parameter" in str(error)]
            where = f"generator__{names[0]}" if names else "generator"
            raise InvalidParameterError(f"{where}: {error}") from None

    def build(self, space, n_classes, rng):
        """The family's networks (a `FamilyModules`) for a fitted ``space`` and
        ``n_classes``; new weights drawn from the ``torch.Generator`` ``rng``
        (`build_fresh`), weights given to the family kept. Moved to the fit's
        device by the engine."""
        raise NotImplementedError

    def check_sizes(self, space, budget, *, n_features):
        """Raise ``ValueError`` (before any training) when what training within
        ``budget`` (a `TrainingBudget`) allocates on ``n_features`` columns would
        not fit in memory."""

    def train(self, modules, X, y, budget, *, rng, reward, diagnostics, progress):
        """Train ``modules`` in place on model-space rows ``X`` (float32 tensor of
        shape (n, n_model), on the fit's device) and encoded labels ``y`` (int64)
        within ``budget``; returns the history (``dict`` of float arrays of length
        ``budget.n_iter``, keyed by ``history_columns``). Called only when
        ``budget.n_iter > 0``.

        ``rng`` is the fit's ``torch.Generator`` on that device: draw everything
        from it. ``reward`` maps generated rows to eq. 9's uncertainty reward
        (shape (n,)); ``diagnostics.batch_summary(x, y)`` gives the batch's
        conditioned margin, share and nearest-neighbour ratio; ``progress`` is a
        tqdm-like bar (``update``, ``set_postfix``) or None."""
        return {}


def _adversarial(hidden_default, hidden_doc):
    """The settings every adversarially trained family has (declared once)."""
    return (
        Parameter("latent_dim", 32, [Interval(numbers.Integral, 1, None, closed="left")],
                  "int, default=32\nDimension of the generator's noise z."),
        Parameter("hidden_layer_sizes", hidden_default, [StrOptions({"auto"}), "array-like"],
                  hidden_doc),
        Parameter("policy_hidden_layer_sizes", (128,), ["array-like"],
                  "tuple of int, default=(128,)\nHidden layers of the Gaussian policy (eq. 10)."),
        Parameter("dropout", 0.3, [Interval(numbers.Real, 0, 1, closed="left")],
                  "float, default=0.3\nDropout in the discriminator."),
        Parameter("learning_rate", 2e-4, [Interval(numbers.Real, 0, None, closed="neither")],
                  "float, default=2e-4\nAdam learning rate of every network (the lower of "
                  "the paper's two values)."),
        Parameter("batch_size", 64, [Interval(numbers.Integral, 1, None, closed="left")],
                  "int, default=64\nReal and generated samples per iteration."),
        Parameter("discriminator_interval", 1, [Interval(numbers.Integral, 1, None,
                                                         closed="left")],
                  "int, default=1\nThe discriminator is updated once every this many "
                  "generator updates (Algorithm 1 updates it every iteration)."),
        Parameter("buffer_size", 1024, [Interval(numbers.Integral, 1, None, closed="left")],
                  "int, default=1024\nCapacity M of the buffer of recent generated samples "
                  "the policy is fitted on (Algorithm 1, steps 5, 9, 13)."),
    )


_RADIUS = Parameter(
    "anchor_radius", 0.5, [Interval(numbers.Real, 0, None, closed="neither")],
    "float, default=0.5\nHow far a sample may move from its anchor: for tables, the longest "
    "shift in units of the class's median nearest-neighbour distance (standardized "
    "features); for images, a scale of the warp's bounds (0.5: rotations up to 12 "
    "degrees, scaling up to 10 %, shifts up to 5.4 % of the side).")
_FLIP = Parameter(
    "horizontal_flip", False, ["boolean"],
    "bool, default=False\nAlso mirror half of the samples left to right (one more noise "
    "dimension, hidden from the network, decides). For classes that survive a mirror "
    "(natural photos); never for digits or text. Needs ``latent_dim`` of at least 5 "
    "when trained.")


class _AdversarialFamily(GeneratorFamily):
    """An AC-GAN generator trained with the uncertainty loss (Algorithm 1)."""

    reads = TRAINING_PARAMETERS
    history_columns = HISTORY_COLUMNS
    n_iter_default = 3000

    def _auto_widths(self, space):
        """``hidden_layer_sizes="auto"``: the family's declared default."""
        return next(p.default for p in self._declared_parameters
                    if p.name == "hidden_layer_sizes")

    def _widths(self, space):
        sizes = self.hidden_layer_sizes
        return check_layer_sizes(self._auto_widths(space) if isinstance(sizes, str) else sizes,
                                 "generator__hidden_layer_sizes")

    def check(self, space, *, n_features, categorical=()):
        super().check(space, n_features=n_features, categorical=categorical)
        self._widths(space)
        check_layer_sizes(self.policy_hidden_layer_sizes, "generator__policy_hidden_layer_sizes")
        if space.kind == "image":
            if self.batch_size < 2:
                raise ValueError("With image_shape, generator__batch_size must be at least 2: "
                                 "the convolutional networks use batch normalization; got "
                                 f"{self.batch_size}.")
            widths = self._widths(space)
            if len(widths) < 2:
                raise ValueError("With image_shape, generator__hidden_layer_sizes holds the "
                                 "channels of the convolutions, then the fully connected "
                                 f"width (at least 2 values); got {widths!r}.")

    def schedule(self, budget):
        """The loop's `TrainingSchedule`: the budget and this family's settings."""
        return TrainingSchedule(
            n_iter=budget.n_iter, warm_up_iter=budget.warm_up_iter,
            lambda_reward=budget.lambda_reward, batch_size=self.batch_size,
            learning_rate=float(self.learning_rate),
            discriminator_interval=self.discriminator_interval, buffer_size=self.buffer_size,
            balanced_batches=budget.balanced_batches)

    def check_sizes(self, space, budget, *, n_features):
        """The history, the buffer, a batch and a floor on the networks' weights
        (`_memory.check_training_sizes`), naming the ``generator__`` setting."""
        check_training_sizes(n_iter=budget.n_iter, buffer_size=self.buffer_size,
                             batch_size=self.batch_size, n_features=n_features,
                             latent_dim=self.latent_dim, n_history_columns=len(HISTORY_COLUMNS),
                             hidden_layer_sizes=self._widths(space),
                             policy_hidden_layer_sizes=self.policy_hidden_layer_sizes,
                             prefix="generator__")

    def _policy(self, space):
        return GaussianPolicy(space.n_model, self.latent_dim,
                              tuple(int(h) for h in self.policy_hidden_layer_sizes))

    def train(self, modules, X, y, budget, *, rng, reward, diagnostics, progress):
        """Algorithm 1 (``_training.train``): AC-GAN (eq. 4-5), then the uncertainty
        loss (eq. 10-12) weighted by λ after the warm-up."""
        return train(modules, X, y, self.schedule(budget), rng=rng, reward=reward,
                     diagnostics=diagnostics, progress=progress)


@declare([*_adversarial((256, 256), "tuple of int, default=(256, 256)\nHidden layers of "
                        "the generator and of the discriminator (MLPs)."), _RADIUS])
class AnchoredGenerator(_AdversarialFamily):
    """G(z, y, a): a real row ``a`` of class ``y`` plus a learned, bounded shift.

    The shift's length stays within ``anchor_radius`` class spacings, so samples
    stay near real rows of their class (a departure from the paper's free G(z, y),
    for small tables); one-hot blocks of categorical columns keep the anchor's
    category. Trained as ActiveGAN (Algorithm 1). Tables only; the default for them.

    Parameters
    ----------
    {parameters}
    """

    name = "anchored"

    def check(self, space, *, n_features, categorical=()):
        super().check(space, n_features=n_features, categorical=categorical)
        if space.kind != "table":
            raise ValueError("generator='anchored' moves table rows; with image_shape use "
                             "generator='warp' (the anchored family of images), 'paper' or "
                             "'random-warp'.")
        if len(categorical) and len(categorical) == n_features:
            raise ValueError(
                "Every column of X is categorical: the anchored generator keeps its anchor's "
                "categories, so every sample would copy a real row. Use generator='paper' "
                "(which generates new combinations of categories), or imbalanced-learn's "
                "SMOTEN for data with categorical columns only.")

    def build(self, space, n_classes, rng):
        widths = self._widths(space)
        layout = space.generator_layout()

        def make():
            generator = AnchoredMLP(self.latent_dim, n_classes, space.n_model, widths,
                                    self.anchor_radius * space.spacing,
                                    layout.free if layout.blocks else None)
            return generator, space.discriminator(n_classes, widths, self.dropout), \
                self._policy(space)

        return build_modules(make, latent_dim=self.latent_dim, anchored=True, rng=rng)


@declare(_adversarial("auto", "\"auto\" or tuple of int, default=\"auto\"\nHidden layers of "
                      "the generator and the discriminator; with images the channels of the "
                      "stride-2 convolutions, then the fully connected width ((64, 128, "
                      "1024) is the paper's InfoGAN structure for 28x28). \"auto\": (256, 256) "
                      "for tables, (32, 64, 256) for images."))
class PaperGenerator(_AdversarialFamily):
    """G(z, y): noise and a label to a sample, the paper's AC-GAN generator.

    MLPs for tables, the InfoGAN-style convolutional generator and discriminator for
    images; categorical columns come out as exact one-hot vectors. Trained as
    ActiveGAN (Algorithm 1); with ``lambda_reward=0`` it is plain AC-GAN, and with a
    ``margin_filter`` the paper's AC-GAN+F.

    Parameters
    ----------
    {parameters}
    """

    name = "paper"

    def _auto_widths(self, space):
        """"auto": the data space's widths for the free generator."""
        return space.default_widths

    def build(self, space, n_classes, rng):
        widths = self._widths(space)

        def make():
            return (space.free_generator(self.latent_dim, n_classes, widths),
                    space.discriminator(n_classes, widths, self.dropout), self._policy(space))

        return build_modules(make, latent_dim=self.latent_dim, anchored=False, rng=rng)


_SOURCE_WEIGHT = Parameter(
    "source_weight", 1.0, [Interval(numbers.Real, 0, None, closed="left")],
    "float, default=1.0\nWeight of the real/fake term of the AC-GAN generator loss (eq. 5); "
    "the class term keeps weight 1. A warp of a real image is realistic by construction; "
    "0 leaves the class term and the uncertainty loss to move the warps.")


@declare([*_adversarial((16, 32, 128), "tuple of int, default=(16, 32, 128)\nChannels of "
                        "the stride-2 convolutions of the warp's encoder and of the "
                        "discriminator, then their fully connected width."), _RADIUS, _FLIP,
          _SOURCE_WEIGHT])
class WarpGenerator(_AdversarialFamily):
    """G(z, y, a): a real image ``a`` of class ``y`` under a learned, bounded
    similarity transform (rotation, scale, shift) — learned virtual examples.

    An encoder reads the anchor; with the label and part of the noise a head gives
    the transform's four parameters. Four more noise dimensions are added to them,
    hidden from the network, so every sample is a random transform within the
    bounds; the head starts at zero, so the untrained generator draws exactly the
    random similarity warp (`RandomWarp`), and training moves that
    distribution as the AC-GAN and uncertainty losses push (Algorithm 1). Images
    only; the default for them. Every draw is kept (``n_candidates`` "auto" is 1):
    the reward acts through training.

    Parameters
    ----------
    {parameters}
    """

    name = "warp"
    n_iter_default = 300
    lambda_default = 1.0

    def check(self, space, *, n_features, categorical=()):
        super().check(space, n_features=n_features, categorical=categorical)
        _require_images(space, self.name)
        check_warp_image_size(space.image_shape, self._widths(space))
        if self.horizontal_flip and self.latent_dim < 5:
            raise ValueError("generator__horizontal_flip needs generator__latent_dim of at "
                             "least 5: one noise dimension hidden from the warp decides the "
                             f"mirror; got {self.latent_dim}.")

    def schedule(self, budget):
        """The adversarial schedule, with ``source_weight`` on eq. 5's real/fake term."""
        return dataclasses.replace(super().schedule(budget),
                                   source_weight=float(self.source_weight))

    def build(self, space, n_classes, rng):
        widths = self._widths(space)

        def make():
            generator = WarpNet(self.latent_dim, n_classes, space.image_shape, widths,
                                self.anchor_radius, flip=self.horizontal_flip)
            return generator, space.discriminator(n_classes, widths, self.dropout), \
                self._policy(space)

        return build_modules(make, latent_dim=self.latent_dim, anchored=True, rng=rng)


def _require_images(space, name):
    if space.kind != "image":
        raise ValueError(f"generator={name!r} transforms images: it needs image_shape; for "
                         "tables use generator='anchored' or 'paper'.")


def check_warp_image_size(shape, hidden_layer_sizes):
    """The warp generator reads the image through its ``len(hidden_layer_sizes) - 1``
    stride-2 convolutions (kernel 4, padding 1), unpadded: each halves a side and
    needs a side of at least 2, so both H and W must be at least
    ``2 ** n_convolutions`` (4 with the default sizes). Smaller images are a
    ``ValueError`` naming ``image_shape`` and what works."""
    n_convolutions = len(hidden_layer_sizes) - 1
    smallest = 2 ** n_convolutions
    _, height, width = shape
    if min(height, width) < smallest:
        raise ValueError(
            f"image_shape={tuple(shape)!r}: the warp generator (generator='warp') reads "
            f"images through {n_convolutions} stride-2 convolutions "
            f"(generator__hidden_layer_sizes={tuple(hidden_layer_sizes)!r}), which need "
            f"images of at least {smallest}x{smallest} pixels (H and W >= "
            f"2**{n_convolutions}). Use generator='paper' or 'random-warp' (any size), fewer "
            "convolutions in generator__hidden_layer_sizes (one convolution takes H and W "
            ">= 2), or treat the rows as a table (image_shape=None).")


@declare([_RADIUS, _FLIP])
class RandomWarp(GeneratorFamily):
    """The random similarity warp of classical augmentation: a baseline, not ActiveGAN.

    Each sample is a real image of its class under a rotation, scaling and shift
    drawn uniformly in tanh-space within the bounds (as `WarpGenerator` draws
    before training). Nothing is trained: no discriminator, no policy;
    ``lambda_reward``, ``n_iter`` and ``warm_up`` do not apply. With
    ``n_candidates > 1`` each kept image is the one of that many warps the reward
    model rewards most (eq. 9); the default, 1, keeps every draw. Images only.

    Parameters
    ----------
    {parameters}
    """

    name = "random-warp"

    #: Noise dimensions drawn per sample (four warp parameters and the mirror), as
    #: many as the warp generator's default ``latent_dim`` would consume.
    latent_dim = 32

    def check(self, space, *, n_features, categorical=()):
        super().check(space, n_features=n_features, categorical=categorical)
        _require_images(space, self.name)

    def build(self, space, n_classes, rng):
        def make():
            return RandomWarpNet(space.image_shape, self.anchor_radius,
                                 flip=self.horizontal_flip), None, None

        return build_modules(make, latent_dim=self.latent_dim, anchored=True, rng=rng)



__all__ = ["ActiveGANModules", "AnchoredGenerator", "FamilyModules",
           "GeneratorFamily", "PaperGenerator", "Parameter", "RandomWarp", "TRAINING_PARAMETERS",
           "TrainingBudget", "WarpGenerator", "build_fresh", "declare"]
