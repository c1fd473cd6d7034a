"""The networks of ActiveGAN and the factory that sizes them from a data space.

Add a network family (for example convolutional networks for an image space) as a
module beside ``mlp.py`` and a branch of :func:`build_modules`.
"""

import math

import torch
from torch import nn

from .conv import ConvDiscriminator, ConvGenerator, WarpGenerator
from .mlp import AnchoredGenerator, Discriminator, Generator, SeededDropout
from .policy import GaussianPolicy


class ActiveGANModules(nn.Module):
    """The generator, discriminator and policy of one ActiveGAN, as one module."""

    def __init__(self, generator, discriminator, policy, latent_dim):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.policy = policy
        self.latent_dim = latent_dim

    @property
    def anchored(self):
        """Whether the generator takes a real row of the class as its anchor."""
        return self.generator.anchored

    def generate(self, z, y, anchor=None):
        """``G(z, y)``, or ``G(z, y, anchor)`` for an anchored generator."""
        return self.generator(z, y, anchor)

    def use_generator(self, generator):
        """Draw dropout masks from ``generator`` (None: torch's default)."""
        for module in self.modules():
            if isinstance(module, SeededDropout):
                module.generator = generator


@torch.no_grad()
def reset_parameters(module, generator):
    """Draw every Linear and convolution layer's initial weights from ``generator``;
    reset batch norms; zero the policy's log-standard-deviation.

    The same distributions as the layers' own initialisation, drawn from a
    generator the estimator owns instead of torch's process-wide one.
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            if layer.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        elif isinstance(layer, nn.modules.batchnorm._BatchNorm):
            layer.reset_parameters()
        elif isinstance(layer, GaussianPolicy):
            layer.log_std.zero_()


def build_modules(*, n_features, n_classes, latent_dim, hidden_layer_sizes,
                  policy_hidden_layer_sizes, dropout, anchor_radius, generator, layout=None,
                  image_shape=None, flip=False):
    """Generator, discriminator and policy sized for ``n_features`` (model-space
    dimensions) and ``n_classes``.

    ``anchor_radius`` (one radius per class, model-space units) gives the anchored
    generator; None the paper's free generator. ``layout``, a space's
    ``generator_layout()``, names the one-hot blocks of categorical columns (kept
    from the anchor, or generated as exact one-hot vectors). Parameters are
    float32 whatever torch's default dtype, and initialised from ``generator``.

    With ``image_shape`` ``(C, H, W)`` the networks are convolutional
    (``_networks/conv.py``; ``hidden_layer_sizes`` are then the channels of the
    stride-2 convolutions and the fully connected width) and ``anchor_radius`` is
    one number, the scale of :class:`WarpGenerator`'s bounds; ``flip`` adds its
    horizontal mirror.
    """
    hidden = tuple(int(h) for h in hidden_layer_sizes)
    free, blocks = layout if layout is not None and layout[1] else (None, ())
    with torch.device("meta"):  # no draw from torch's process-wide generator
        if image_shape is not None:
            net = (ConvGenerator(latent_dim, n_classes, image_shape, hidden)
                   if anchor_radius is None else
                   WarpGenerator(latent_dim, n_classes, image_shape, hidden, anchor_radius,
                                 flip=flip))
            discriminator = ConvDiscriminator(image_shape, n_classes, hidden, dropout)
        else:
            net = (Generator(latent_dim, n_classes, n_features, hidden, blocks)
                   if anchor_radius is None else
                   AnchoredGenerator(latent_dim, n_classes, n_features, hidden, anchor_radius,
                                     free))
            discriminator = Discriminator(n_features, n_classes, hidden, dropout)
        modules = ActiveGANModules(
            net,
            discriminator,
            GaussianPolicy(n_features, latent_dim,
                           tuple(int(h) for h in policy_hidden_layer_sizes)),
            latent_dim,
        )
    modules = modules.to_empty(device="cpu").to(torch.float32)
    reset_parameters(modules, generator)
    if anchor_radius is not None and image_shape is None:
        net.radius.copy_(torch.as_tensor(anchor_radius, dtype=torch.float32))
        if free is not None:
            net.free.copy_(torch.as_tensor(free))
    return modules


__all__ = ["ActiveGANModules", "AnchoredGenerator", "ConvDiscriminator", "ConvGenerator",
           "Discriminator", "GaussianPolicy", "Generator", "WarpGenerator", "build_modules", "reset_parameters"]
