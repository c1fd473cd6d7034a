"""The networks of ActiveGAN and the factory that assembles and initialises them.

MLPs for tables are in ``mlp.py``, convolutional networks for images in
``conv.py``, the Gaussian policy in ``policy.py``. A generator family
(``sk_activegan.generators``) picks the networks; :func:`build_modules` builds
them without touching torch's process-wide random generator and initialises every
parameter from the fit's own.
"""

import math

import torch
from torch import nn

from .conv import ConvDiscriminator, ConvGenerator, RandomWarpNet, WarpNet
from .mlp import AnchoredMLP, Discriminator, FreeMLP, SeededDropout
from .policy import GaussianPolicy


class ActiveGANModules(nn.Module):
    """The generator, discriminator and policy of one ActiveGAN, as one module.

    ``discriminator`` and ``policy`` are None for a family that trains nothing;
    ``anchored``: the generator takes a real row of the class as its anchor;
    ``latent_dim``: the noise dimensions it reads per sample.
    """

    def __init__(self, generator, discriminator, policy, latent_dim, anchored=False):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.policy = policy
        self.latent_dim = latent_dim
        self.anchored = bool(anchored)

    def generate(self, z, y, anchor=None):
        """``G(z, y)``, or ``G(z, y, anchor)`` for an anchored generator."""
        return self.generator(z, y, anchor)

    def use_rng(self, rng):
        """Draw dropout masks from the torch.Generator ``rng`` (None: torch's default)."""
        for module in self.modules():
            if isinstance(module, SeededDropout):
                module.rng = rng


@torch.no_grad()
def reset_parameters(module, generator):
    """Draw every Linear and convolution layer's initial weights from ``generator``;
    reset batch norms; zero the policy's log-standard-deviation and layers marked
    ``zero_init`` (after their draw, so the other layers' draws stay as they are);
    write the constants of modules that hold some (``reset_constants``).

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
            if getattr(layer, "zero_init", False):
                layer.weight.zero_()
                if layer.bias is not None:
                    layer.bias.zero_()
        elif isinstance(layer, nn.modules.batchnorm._BatchNorm):
            layer.reset_parameters()
        elif isinstance(layer, GaussianPolicy):
            layer.log_std.zero_()
        if hasattr(layer, "reset_constants"):
            layer.reset_constants()


def build_modules(make, *, latent_dim, anchored, rng):
    """``ActiveGANModules`` from ``make() -> (generator, discriminator, policy)``
    (the last two may be None), built on the meta device (no draw from torch's
    process-wide generator), then float32 on the CPU whatever torch's default dtype,
    every parameter initialised from the torch.Generator ``rng``."""
    with torch.device("meta"):
        generator, discriminator, policy = make()
        modules = ActiveGANModules(generator, discriminator, policy, latent_dim, anchored)
    modules = modules.to_empty(device="cpu").to(torch.float32)
    reset_parameters(modules, rng)
    return modules.eval()  # training switches to train mode for its own duration


__all__ = ["ActiveGANModules", "AnchoredMLP", "ConvDiscriminator", "ConvGenerator",
           "Discriminator", "FreeMLP", "GaussianPolicy", "RandomWarpNet", "WarpNet",
           "build_modules", "reset_parameters"]
