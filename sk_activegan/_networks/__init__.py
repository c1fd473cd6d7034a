"""The networks of ActiveGAN and the factory that assembles and initialises them.

MLPs for tables are in ``mlp.py``, convolutional networks for images in
``conv.py``, the Gaussian policy in ``policy.py``. A generator family
(``sk_activegan.generators``) picks the networks; `build_modules` builds
them without touching torch's process-wide random generator and initialises every
parameter from the fit's own.
"""

import math

import torch
from torch import nn

from .conv import ConvDiscriminator, ConvGenerator, RandomWarpNet, WarpNet
from .mlp import AnchoredMLP, Discriminator, FreeMLP, SeededDropout
from .policy import GaussianPolicy


class FamilyModules(nn.Module):
    """What a generator family builds: its networks, of any structure, as one module.

    A subclass holds whatever modules the family trains and implements
    `generate`. The engine reads only what is listed here: sampling draws
    ``latent_dim`` standard-normal noise dimensions per sample (and, when
    ``anchored``, a real row of the class from the fitted space), calls
    `generate` in inference mode and writes its rows back in the caller's
    scale; ``discriminator``, when not None, is read by ``sample_diagnostics``
    (``realism``: the sigmoid of its first output).

    Parameters
    ----------
    latent_dim : int
        Noise dimensions `generate` reads per sample (may be 0).
    anchored : bool, default=False
        Whether `generate` takes a real row of the class as ``anchor``.
    """

    def __init__(self, latent_dim, anchored=False):
        super().__init__()
        self.latent_dim = int(latent_dim)
        self.anchored = bool(anchored)
        #: An AC-GAN discriminator ``x -> (source logit, class logits)``, or None.
        self.discriminator = None

    def generate(self, z, y, anchor=None):
        """Model-space rows of shape (n, n_model), float32, from noise ``z`` (n,
        latent_dim), float32, encoded labels ``y`` (n,), int64, and with an
        anchored family the anchors ``anchor`` (n, n_model), float32 (else None)."""
        raise NotImplementedError

    def use_rng(self, rng):
        """Draw dropout masks from the torch.Generator ``rng`` (None: torch's default)."""
        for module in self.modules():
            if isinstance(module, SeededDropout):
                module.rng = rng


class ActiveGANModules(FamilyModules):
    """The generator, discriminator and policy of one ActiveGAN, as one module.

    ``discriminator`` and ``policy`` are None for a family that trains nothing;
    ``anchored``: the generator takes a real row of the class as its anchor;
    ``latent_dim``: the noise dimensions it reads per sample.
    """

    def __init__(self, generator, discriminator, policy, latent_dim, anchored=False):
        super().__init__(latent_dim, anchored)
        self.generator = generator
        self.discriminator = discriminator
        self.policy = policy

    def generate(self, z, y, anchor=None):
        """``G(z, y)``, or ``G(z, y, anchor)`` for an anchored generator."""
        return self.generator(z, y, anchor)


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


def build_fresh(make, rng):
    """The module ``make()`` returns, built on the meta device (no draw from torch's
    process-wide generator), then float32 on the CPU whatever torch's default dtype,
    every parameter drawn from the torch.Generator ``rng`` (`reset_parameters`),
    in eval mode. For networks built from scratch; a family given trained networks
    keeps their weights by not calling it."""
    with torch.device("meta"):
        module = make()
    module = module.to_empty(device="cpu").to(torch.float32)
    reset_parameters(module, rng)
    return module.eval()  # training switches to train mode for its own duration


def build_modules(make, *, latent_dim, anchored, rng):
    """``ActiveGANModules`` from ``make() -> (generator, discriminator, policy)``
    (the last two may be None), built fresh (`build_fresh`)."""
    return build_fresh(lambda: ActiveGANModules(*make(), latent_dim, anchored), rng)


__all__ = ["ActiveGANModules", "AnchoredMLP", "ConvDiscriminator", "ConvGenerator",
           "Discriminator", "FamilyModules", "FreeMLP", "GaussianPolicy", "RandomWarpNet",
           "WarpNet", "build_fresh", "build_modules", "reset_parameters"]
