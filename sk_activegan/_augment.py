"""The ``"augment"`` generator family: ActiveGAN over standard augmentation ops.

Public through :mod:`sk_activegan.generators` as `AugmentPolicy`; written on the
public family interface (`GeneratorFamily`, `FamilyModules`, `build_fresh`,
`declare`), its networks in ``_networks/augment.py`` and its training step in
``_policy_training.py``.
"""

import numbers

from ._compat import Interval, StrOptions

from ._memory import check_training_sizes
from ._parameters import check_layer_sizes
from ._networks.augment import (COLOUR_IMAGE_OPS, COLOUR_OPS, GREY_OPS, LATENT_DIM, OPS,
                                AugmentPolicyModules, AugmentPolicyNet)
from ._policy_training import HISTORY_COLUMNS, train_augment_policy
from .generators import (TRAINING_PARAMETERS, GeneratorFamily, Parameter,
                         build_fresh, check_warp_image_size, declare)


@declare([
    Parameter("ops", "auto", [StrOptions({"auto"}), "array-like"],
              "\"auto\" or tuple of str, default=\"auto\"\nThe augmentation ops the policy "
              "chooses among, by name: " + ", ".join(f"``{op!r}``" for op in OPS) + ". "
              "\"auto\": for grey images (one channel) the geometric ops and the elastic "
              "deformation (no mirror, no intensity or colour op); every op for colour "
              "images. A colour "
              "op with grey images is a ``ValueError``."),
    Parameter("hidden_layer_sizes", (16, 32, 128), ["array-like"],
              "tuple of int, default=(16, 32, 128)\nChannels of the stride-2 convolutions "
              "of the policy's encoder and of the discriminator, then their fully connected "
              "width."),
    Parameter("dropout", 0.3, [Interval(numbers.Real, 0, 1, closed="left")],
              "float, default=0.3\nDropout in the discriminator."),
    Parameter("learning_rate", 2e-4, [Interval(numbers.Real, 0, None, closed="neither")],
              "float, default=2e-4\nAdam learning rate of the discriminator."),
    Parameter("policy_learning_rate", 1e-3, [Interval(numbers.Real, 0, None,
                                                      closed="neither")],
              "float, default=1e-3\nAdam learning rate of the policy."),
    Parameter("entropy_weight", 0.1, [Interval(numbers.Real, 0, None, closed="left")],
              "float, default=0.1\nWeight of the policy's entropy bonus in its loss: keeps "
              "the policy from collapsing onto one op (0: none)."),
    Parameter("batch_size", 64, [Interval(numbers.Integral, 2, None, closed="left")],
              "int, default=64\nReal images and augmented samples per iteration."),
    Parameter("discriminator_interval", 1, [Interval(numbers.Integral, 1, None,
                                                     closed="left")],
              "int, default=1\nThe discriminator is updated once every this many policy "
              "updates."),
    Parameter("source_weight", 1.0, [Interval(numbers.Real, 0, None, closed="left")],
              "float, default=1.0\nWeight of the realism term (the discriminator's "
              "real/fake log-probability) in the policy's reward; the class term keeps "
              "weight 1."),
])
class AugmentPolicy(GeneratorFamily):
    """G(z, y, a): a real image ``a`` of class ``y`` under one standard augmentation
    op (flips, translations, rotation, shear, scale, elastic, brightness, contrast,
    sharpness, equalize, auto-contrast, posterize, solarize; saturation and hue on
    colour images), the op and its magnitude chosen by a policy ``pi(op, bin | a, y)``
    trained by ActiveGAN's policy gradient.

    Untrained (``n_iter=0``) the policy is uniform over the ops and their
    magnitude bins: TrivialAugment's rule (Müller & Hutter, ICCV 2021). Training
    (Algorithm 1) alternates the AC-GAN discriminator (eq. 4) on real against
    augmented images with a REINFORCE step of the policy (eq. 12) on the reward
    ``source_weight * log D_source + log D_class(y)`` (eq. 5 as a reward) plus, after
    the warm-up, λ times eq. 9's uncertainty reward (eq. 11), with a batch-mean
    baseline and an entropy bonus (``entropy_weight``). So λ, ε and α act, and a
    class learns which ops it tolerates. The ops run through kornia's image
    functions (``kornia.enhance``) and one ``grid_sample`` for the geometric ops.
    Images only.

    Departure from the paper: the paper's generator is differentiable and eq.
    10-12's policy is a separate Gaussian over the noise scoring each sample;
    here the generator *is* the policy (a discrete distribution over ops and
    magnitudes), so ``log P(x | theta)`` is the log-probability of the op and
    magnitude that made ``x``, and the AC-GAN term is trained by the same policy
    gradient.

    Parameters
    ----------
    {parameters}
    """

    name = "augment"
    reads = TRAINING_PARAMETERS
    history_columns = HISTORY_COLUMNS
    n_iter_default = 300
    lambda_default = 1.0

    #: Noise dimensions drawn per sample: the op, the bin, the sign, the elastic field.
    latent_dim = LATENT_DIM

    def resolved_ops(self, space):
        """The op names for images of ``space`` (``"auto"`` resolved)."""
        if isinstance(self.ops, str):
            return GREY_OPS if space.image_shape[0] == 1 else COLOUR_IMAGE_OPS
        return tuple(self.ops)

    def _widths(self):
        return check_layer_sizes(self.hidden_layer_sizes, "generator__hidden_layer_sizes")

    def check(self, space, *, n_features, categorical=()):
        super().check(space, n_features=n_features, categorical=categorical)
        if space.kind != "image":
            raise ValueError("generator='augment' applies image augmentation ops: it needs "
                             "image_shape; for tables use generator='anchored' or 'paper'.")
        widths = self._widths()
        if len(widths) < 2:
            raise ValueError("generator__hidden_layer_sizes holds the channels of the "
                             "convolutions, then the fully connected width (at least 2 "
                             f"values); got {widths!r}.")
        check_warp_image_size(space.image_shape, widths)
        if not isinstance(self.ops, str):
            names = list(self.ops)
            unknown = [op for op in names if not isinstance(op, str) or op not in OPS]
            if unknown or not names:
                raise ValueError(f"generator__ops: unknown op(s) {unknown!r} (the ops: "
                                 f"{sorted(OPS)}); got {self.ops!r}." if unknown else
                                 "generator__ops: give at least one op.")
            if len(set(names)) != len(names):
                raise ValueError(f"generator__ops names an op twice: {self.ops!r}.")
            colour = [op for op in names if op in COLOUR_OPS]
            if colour and space.image_shape[0] != 3:
                raise ValueError(f"generator__ops: {colour!r} change colours and need 3 "
                                 f"channels; image_shape has {space.image_shape[0]}.")

    def build(self, space, n_classes, rng):
        """`AugmentPolicyModules`: the policy network and the discriminator, new
        weights drawn from ``rng`` (the policy's head at zero: the uniform draw)."""
        widths = self._widths()
        names = self.resolved_ops(space)
        return build_fresh(lambda: AugmentPolicyModules(
            AugmentPolicyNet(names, n_classes, space.image_shape, widths),
            space.discriminator(n_classes, widths, self.dropout)), rng)

    def check_sizes(self, space, budget, *, n_features):
        check_training_sizes(n_iter=budget.n_iter, buffer_size=1, batch_size=self.batch_size,
                             n_features=n_features, latent_dim=self.latent_dim,
                             n_history_columns=len(HISTORY_COLUMNS),
                             hidden_layer_sizes=self._widths(), prefix="generator__")

    def train(self, modules, X, y, budget, *, rng, reward, diagnostics, progress):
        """REINFORCE on the policy (eq. 10-12) beside the AC-GAN discriminator
        (``_policy_training.train_augment_policy``), within ``budget``."""
        return train_augment_policy(
            modules, X, y, budget, rng=rng, reward=reward, diagnostics=diagnostics,
            progress=progress, batch_size=self.batch_size,
            learning_rate=float(self.learning_rate),
            policy_learning_rate=float(self.policy_learning_rate),
            discriminator_interval=self.discriminator_interval,
            source_weight=float(self.source_weight), entropy_weight=float(self.entropy_weight))


__all__ = ["AugmentPolicy"]
