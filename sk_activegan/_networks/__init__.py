"""The networks of ActiveGAN and the factory that assembles them for a data space.

A network family (MLPs in ``mlp.py``, convolutional networks in ``conv.py``) is a
module beside this one; the data space picks its family
(``DataSpace.networks``), and :func:`build_modules` adds the policy and
initialises every parameter from the estimator's random stream.
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

    def use_rng(self, rng):
        """Draw dropout masks from the torch.Generator ``rng`` (None: torch's default)."""
        for module in self.modules():
            if isinstance(module, SeededDropout):
                module.rng = rng


def fan_in_of(weight):
    """Inputs per output of a Linear or convolution weight, as torch's own
    initialisation counts them: ``weight.shape[1]`` times the kernel's size (a
    transposed convolution's too, as torch does)."""
    return int(weight.shape[1] * math.prod(weight.shape[2:])) if weight.dim() > 1 else 0


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
                fan_in = fan_in_of(layer.weight)
                bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
            if getattr(layer, "zero_init", False):
                layer.weight.zero_()
                if layer.bias is not None:
                    layer.bias.zero_()
        elif isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
            layer.reset_parameters()
        elif isinstance(layer, GaussianPolicy):
            layer.log_std.zero_()
        if hasattr(layer, "reset_constants"):
            layer.reset_constants()


def build_modules(space, *, n_classes, latent_dim, hidden_layer_sizes, policy_hidden_layer_sizes,
                  dropout, anchor_radius, rng, horizontal_flip=False):
    """Generator, discriminator and policy for a fitted data ``space`` and
    ``n_classes``.

    The space gives the generator and discriminator (``space.networks``; an
    ``anchor_radius`` gives its anchored generator, None the paper's free one);
    the Gaussian policy maps its model space to the noise. Parameters are float32
    whatever torch's default dtype, and initialised from the torch.Generator ``rng``.
    """
    hidden = tuple(int(h) for h in hidden_layer_sizes)
    with torch.device("meta"):  # no draw from torch's process-wide generator
        generator, discriminator = space.networks(
            latent_dim=latent_dim, n_classes=n_classes, hidden_layer_sizes=hidden,
            dropout=dropout, anchor_radius=anchor_radius, horizontal_flip=horizontal_flip)
        modules = ActiveGANModules(
            generator,
            discriminator,
            GaussianPolicy(space.n_model, latent_dim,
                           tuple(int(h) for h in policy_hidden_layer_sizes)),
            latent_dim,
        )
    modules = modules.to_empty(device="cpu").to(torch.float32)
    reset_parameters(modules, rng)
    return modules


__all__ = ["ActiveGANModules", "AnchoredGenerator", "ConvDiscriminator", "ConvGenerator",
           "Discriminator", "GaussianPolicy", "Generator", "WarpGenerator", "build_modules", "reset_parameters"]
