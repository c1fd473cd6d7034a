"""Standard augmentation ops as a generator's action: the networks of the
``"augment"`` family (``sk_activegan.generators.AugmentPolicy``).

A sample is ``G(z, y, a) = op(a; magnitude, sign)``: a real image ``a`` of class
``y`` under one standard augmentation op, the op and its magnitude drawn from a
policy ``pi(op, magnitude | a, y)``. The noise ``z`` drives every random choice
(inverse-CDF draws from the policy, the sign of a signed op, an elastic
displacement field), so the fit's own random stream decides every sample.

The geometric ops' largest magnitudes are those of classical augmentation of small
images (rotations up to 20 degrees, shifts up to a tenth of the side), about 1.5 times
the warp family's bounds; the intensity ops' are TrivialAugment's. The ops are TrivialAugment's (Müller & Hutter, ICCV 2021) but its identity (a
sample equal to its anchor adds nothing to a training set), with the geometric
ops of classical image augmentation beside them, applied with kornia's image
functions and one ``grid_sample`` for every geometric op. Magnitudes are
``N_MAGNITUDES`` bins of each op's largest magnitude (:data:`OPS`); the policy's
head starts at zero, so the untrained policy is uniform over ops and bins:
TrivialAugment's rule.
"""

import math

import torch
from kornia import enhance
from torch import nn
from torch.nn import functional as F

from . import FamilyModules
from .conv import anchor_encoder

#: Every op: ``name -> (largest magnitude, signed)``. Units: rotate in degrees;
#: shears as the shear factor; translations a share of the side; scale a
#: log-factor; elastic the displacement's largest value in pixels of a 28-pixel
#: side; brightness, contrast, sharpness and saturation the change of the
#: enhancement factor (1 is the image as it is); hue in radians; posterize the
#: bits removed; solarize the share of the range above which pixels invert.
OPS = {
    "rotate": (20.0, True),
    "shear_x": (0.2, True),
    "shear_y": (0.2, True),
    "translate_x": (0.1, True),
    "translate_y": (0.1, True),
    "scale": (math.log(1.15), True),
    "elastic": (2.0, False),
    "brightness": (0.9, True),
    "contrast": (0.9, True),
    "sharpness": (0.9, True),
    "equalize": (0.0, False),
    "autocontrast": (0.0, False),
    "posterize": (4.0, False),
    "solarize": (1.0, False),
    "horizontal_flip": (0.0, False),
    "saturation": (0.9, True),
    "hue": (math.pi / 6, True),
}
#: Ops that need colour channels: never applied to grey images.
COLOUR_OPS = ("saturation", "hue")
#: Ops that move pixels (one affine warp for all of them).
GEOMETRIC_OPS = ("rotate", "shear_x", "shear_y", "translate_x", "translate_y", "scale",
                 "horizontal_flip")
#: ``ops="auto"`` for grey images: the geometric ops and the elastic deformation, no
#: mirror (digits and letters do not survive one). Colour images get every op.
GREY_OPS = ("rotate", "shear_x", "shear_y", "translate_x", "translate_y", "scale", "elastic")
COLOUR_IMAGE_OPS = tuple(OPS)
#: Magnitude bins of every op: bin ``m`` is ``(m + 1) / N_MAGNITUDES`` of its largest.
N_MAGNITUDES = 8
#: The side of the elastic displacement's coarse grid (upsampled to the image).
ELASTIC_GRID = 3
#: Noise dimensions a sample reads: the op, the bin, the sign, the elastic grid.
LATENT_DIM = 3 + 2 * ELASTIC_GRID ** 2
#: The image side the elastic displacement's pixels refer to.
REFERENCE_SIDE = 28


def uniform_of(z):
    """The standard normal ``z`` as a uniform in (0, 1) (its CDF)."""
    return 0.5 * (1.0 + torch.erf(z / math.sqrt(2.0)))


def inverse_cdf(log_probs, u):
    """Index drawn from each row of ``log_probs`` (n, k) by the uniform ``u`` (n,)."""
    cdf = torch.cumsum(torch.exp(log_probs), dim=1)
    index = torch.searchsorted(cdf.contiguous(), u.unsqueeze(1).contiguous()).squeeze(1)
    return index.clamp_(max=log_probs.shape[1] - 1)


def _affine(image, names, op, signed):
    """Every geometric op as one affine map per row, resampled once (bilinear,
    background — model-space -1 — outside the image)."""
    n, c, h, w = image.shape
    zeros = torch.zeros(n, dtype=image.dtype, device=image.device)
    ones = torch.ones_like(zeros)

    def amount(name):
        if name not in names:
            return zeros
        return torch.where(op == names.index(name), signed, zeros)

    angle = torch.deg2rad(amount("rotate"))
    scale = torch.exp(amount("scale"))
    shear_x, shear_y = amount("shear_x"), amount("shear_y")
    mirror = (torch.where(op == names.index("horizontal_flip"), -ones, ones)
              if "horizontal_flip" in names else ones)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    # output grid -> input grid: rotation and scale, then the shears, then the mirror
    a = torch.stack([torch.stack([cos, -sin], 1), torch.stack([sin, cos], 1)], 1)
    shear = torch.stack([torch.stack([ones, shear_x], 1), torch.stack([shear_y, ones], 1)], 1)
    a = a @ shear
    a = a * torch.stack([mirror, ones], 1).unsqueeze(1)
    shift = torch.stack([amount("translate_x"), amount("translate_y")], 1) * 2.0
    theta = torch.cat([a, shift.unsqueeze(2)], 2)
    grid = F.affine_grid(theta, (n, c, h, w), align_corners=False)
    return F.grid_sample(image + 1.0, grid, mode="bilinear", padding_mode="zeros",
                         align_corners=False) - 1.0


def _elastic(image, field, strength):
    """Elastic deformation: the coarse displacement ``field`` (n, 2, g, g) upsampled
    to the image, times ``strength`` pixels of a 28-pixel side."""
    n, c, h, w = image.shape
    flow = F.interpolate(field, size=(h, w), mode="bicubic", align_corners=True)
    flow = flow * strength.view(n, 1, 1, 1) * (2.0 / REFERENCE_SIDE)
    base = F.affine_grid(torch.eye(2, 3, dtype=image.dtype, device=image.device)
                         .expand(n, 2, 3), (n, c, h, w), align_corners=False)
    grid = base + flow.permute(0, 2, 3, 1)
    return F.grid_sample(image + 1.0, grid, mode="bilinear", padding_mode="zeros",
                         align_corners=False) - 1.0


def _intensity(name, unit, signed, magnitude):
    """One intensity op on images ``unit`` in [0, 1] (kornia's functions)."""
    if name == "brightness":  # PIL's: a blend with black
        return unit * (1.0 + signed).view(-1, 1, 1, 1)
    if name == "contrast":  # PIL's: a blend with the image's mean grey
        mean = unit.mean(dim=(1, 2, 3), keepdim=True)
        return mean + (unit - mean) * (1.0 + signed).view(-1, 1, 1, 1)
    if name == "sharpness":
        return enhance.sharpness(unit, (1.0 + signed).clamp(min=0.0))
    if name == "equalize":
        return enhance.equalize(unit)
    if name == "autocontrast":
        low = unit.amin(dim=(2, 3), keepdim=True)
        high = unit.amax(dim=(2, 3), keepdim=True)
        spread = high - low
        return torch.where(spread > 0, (unit - low) / spread.clamp(min=1e-12), unit)
    if name == "posterize":
        return enhance.posterize(unit, (8 - magnitude.round()).to(torch.int64).clamp(1, 8))
    if name == "solarize":
        return enhance.solarize(unit, (1.0 - magnitude).clamp(0.0, 1.0))
    if name == "saturation":
        return enhance.adjust_saturation(unit, (1.0 + signed).clamp(min=0.0))
    if name == "hue":
        return enhance.adjust_hue(unit, signed)
    raise ValueError(name)


def apply_ops(image, names, op, magnitude_bin, sign, field):
    """Images ``image`` (n, C, H, W, model space [-1, 1]) under ``names[op[i]]`` at
    bin ``magnitude_bin[i]`` with ``sign[i]`` (-1 or 1; unsigned ops ignore it);
    ``field`` (n, 2, ELASTIC_GRID, ELASTIC_GRID): the elastic displacement."""
    largest = torch.tensor([OPS[name][0] for name in names], dtype=image.dtype,
                           device=image.device)
    is_signed = torch.tensor([OPS[name][1] for name in names], device=image.device)
    magnitude = largest[op] * (magnitude_bin.to(image.dtype) + 1.0) / N_MAGNITUDES
    signed = torch.where(is_signed[op], magnitude * sign, magnitude)
    out = image.clone()
    geometric = [names.index(g) for g in GEOMETRIC_OPS if g in names]
    rows = torch.isin(op, torch.tensor(geometric, device=op.device, dtype=op.dtype))
    if rows.any():
        out[rows] = _affine(image[rows], names, op[rows], signed[rows])
    if "elastic" in names:
        rows = op == names.index("elastic")
        if rows.any():
            out[rows] = _elastic(image[rows], field[rows], magnitude[rows])
    for name in names:
        if name in GEOMETRIC_OPS or name == "elastic":
            continue
        rows = op == names.index(name)
        if rows.any():
            unit = ((image[rows] + 1.0) * 0.5).clamp(0.0, 1.0)
            changed = _intensity(name, unit, signed[rows], magnitude[rows])
            out[rows] = changed.clamp(0.0, 1.0) * 2.0 - 1.0
    return out


class AugmentPolicyNet(nn.Module):
    """G(z, y, a): a real image ``a`` of class ``y`` under one of the standard ops
    ``names``, the op and its magnitude bin drawn from the policy
    ``pi(op, bin | a, y) = pi(op | a, y) pi(bin | op, a, y)``.

    An encoder (stride-2 convolutions) reads the anchor; with the label one
    fully connected layer and a linear head give the op's logits and, per op, the
    bins' logits. The head starts at zero (``zero_init``): untrained, every op
    and bin is equally likely (TrivialAugment's uniform rule). ``z[:, 0]`` draws
    the op, ``z[:, 1]`` the bin (inverse CDF of the policy), ``z[:, 2]`` the sign,
    ``z[:, 3:LATENT_DIM]`` the elastic field.
    """

    def __init__(self, names, n_classes, shape, widths):
        super().__init__()
        self.names = tuple(names)
        self.shape = tuple(shape)
        self.n_classes = n_classes
        channels, fc = widths[:-1], widths[-1]
        self.encoder, encoded = anchor_encoder(shape[0], channels)
        self.body = nn.Sequential(nn.Linear(encoded + n_classes, fc), nn.LeakyReLU(0.2, True))
        k = len(self.names)
        self.head = nn.Linear(fc, k + k * N_MAGNITUDES)
        self.head.zero_init = True
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def log_policy(self, y, anchor):
        """``(log pi(op), log pi(bin | op))`` of shapes (n, k) and (n, k, N_MAGNITUDES)."""
        n, (c, h, w) = len(y), self.shape
        image = anchor.reshape(n, c, h, w)
        one_hot = F.one_hot(y, self.n_classes).to(anchor.dtype)
        out = self.head(self.body(torch.cat([self.encoder(image), one_hot], dim=1)))
        k = len(self.names)
        return (F.log_softmax(out[:, :k], dim=1),
                F.log_softmax(out[:, k:].reshape(n, k, N_MAGNITUDES), dim=2))

    def act(self, z, y, anchor):
        """``(samples, op, bin, log_prob, entropy)``: the samples (n, C*H*W), the
        drawn op and bin indices (n,), ``log pi(op, bin | a, y)`` (n,, with the
        policy's gradient) and the policy's entropy per row (n,)."""
        n, (c, h, w) = len(z), self.shape
        log_op, log_bin = self.log_policy(y, anchor)
        with torch.no_grad():
            op = inverse_cdf(log_op, uniform_of(z[:, 0]))
            rows = torch.arange(n, device=z.device)
            magnitude_bin = inverse_cdf(log_bin[rows, op], uniform_of(z[:, 1]))
            sign = torch.where(z[:, 2] > 0, 1.0, -1.0).to(z.dtype)
            field = z[:, 3:LATENT_DIM].reshape(n, 2, ELASTIC_GRID, ELASTIC_GRID)
            images = apply_ops(anchor.reshape(n, c, h, w), self.names, op, magnitude_bin,
                               sign, field)
        log_prob = log_op[rows, op] + log_bin[rows, op, magnitude_bin]
        p_op = torch.exp(log_op)
        entropy = (-(p_op * log_op).sum(1)
                   - (p_op * (torch.exp(log_bin) * log_bin).sum(2)).sum(1))
        return images.reshape(n, -1), op, magnitude_bin, log_prob, entropy

    def forward(self, z, y, anchor):
        return self.act(z, y, anchor)[0]


class AugmentPolicyModules(FamilyModules):
    """The ``"augment"`` family's networks: the policy ``policy_net``
    (`AugmentPolicyNet`, which also applies the ops) and the AC-GAN
    ``discriminator``; anchored (a sample transforms a real image of its class)."""

    def __init__(self, policy_net, discriminator):
        super().__init__(LATENT_DIM, anchored=True)
        self.policy_net = policy_net
        self.discriminator = discriminator

    def generate(self, z, y, anchor=None):
        return self.policy_net(z, y, anchor)


__all__ = ["AugmentPolicyModules", "AugmentPolicyNet", "COLOUR_OPS", "GREY_OPS", "LATENT_DIM",
           "N_MAGNITUDES", "OPS", "apply_ops"]
