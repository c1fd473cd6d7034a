"""Convolutional networks for images: the paper's AC-GAN nets, the warp generator and
the random warp it starts from.

All take and return *flat* model-space rows (``C * H * W`` values in [-1, 1],
channel-first), so the training loop, the policy, the buffer and the reward see
images exactly as they see tabular rows; the networks reshape internally.

Sizes come from ``widths = (c_1, ..., c_k, fc)``: ``k`` stride-2 convolutions with
``c_i`` channels, then a fully connected layer of ``fc`` units. The paper's InfoGAN
structure for 28x28 is ``(64, 128, 1024)``; a DCGAN-style stack for 32x32x3 is
``(64, 128, 256, 1024)``. Any ``H x W`` works: the generator draws on the next
multiple of ``2**k`` and crops, the discriminator pads odd sizes.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .mlp import SeededDropout


def _grid_size(size, n_up):
    """The generator's starting size along one axis for ``n_up`` doublings."""
    return max(1, math.ceil(size / 2 ** n_up))


class ConvDiscriminator(nn.Module):
    """D(x): stride-2 convolutions (LeakyReLU, batch norm after the first), a fully
    connected layer, then a real/fake head and a class head, both logits (InfoGAN's
    and DCGAN's discriminators with AC-GAN's class head)."""

    def __init__(self, shape, n_classes, widths, dropout=0.3):
        super().__init__()
        self.shape = tuple(shape)
        channels, fc = widths[:-1], widths[-1]
        layers, width = [], self.shape[0]
        for i, c in enumerate(channels):
            layers.append(nn.Conv2d(width, c, 4, stride=2, padding=1, bias=i == 0))
            if i > 0:
                layers.append(nn.BatchNorm2d(c))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            width = c
        self.features = nn.Sequential(*layers)
        self.padded = tuple(max(s, 2 ** len(channels)) for s in self.shape[1:])
        h, w = (s // 2 ** len(channels) for s in self.padded)
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(width * h * w, fc),
                                  nn.BatchNorm1d(fc), nn.LeakyReLU(0.2, inplace=True),
                                  *([SeededDropout(dropout)] if dropout > 0 else []))
        self.source_head = nn.Linear(fc, 1)
        self.class_head = nn.Linear(fc, n_classes)

    def hidden(self, x):
        image = x.reshape(len(x), *self.shape)
        pad_h, pad_w = (p - s for p, s in zip(self.padded, self.shape[1:]))
        if pad_h or pad_w:  # images smaller than the stack's reach: pad with background
            image = F.pad(image, (0, pad_w, 0, pad_h), value=-1.0)
        return self.body(self.features(image))

    def forward(self, x):
        hidden = self.hidden(x)
        return self.source_head(hidden).squeeze(1), self.class_head(hidden)


class ConvGenerator(nn.Module):
    """G(z, y): the paper's AC-GAN generator (InfoGAN's structure): FC-BN-ReLU,
    FC to a ``c_k x H/2^k x W/2^k`` map, transposed convolutions doubling the size
    (BN-ReLU between), tanh; cropped to ``H x W``."""

    def __init__(self, latent_dim, n_classes, shape, widths):
        super().__init__()
        self.shape = tuple(shape)
        self.n_classes = n_classes
        channels, fc = widths[:-1], widths[-1]
        n_up = len(channels)
        self.start = (channels[-1], _grid_size(shape[1], n_up), _grid_size(shape[2], n_up))
        self.body = nn.Sequential(
            nn.Linear(latent_dim + n_classes, fc), nn.BatchNorm1d(fc), nn.ReLU(inplace=True),
            nn.Linear(fc, math.prod(self.start)), nn.BatchNorm1d(math.prod(self.start)),
            nn.ReLU(inplace=True))
        layers, reversed_channels = [], channels[::-1]
        for i, (c_in, c_out) in enumerate(zip(reversed_channels,
                                              (*reversed_channels[1:], shape[0]))):
            layers.append(nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1))
            if i < n_up - 1:  # the last one outputs the image: tanh follows
                layers += [nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
        self.up = nn.Sequential(*layers)

    def forward(self, z, y, anchor=None):
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        x = self.up(self.body(torch.cat([z, one_hot], dim=1)).reshape(len(z), *self.start))
        x = torch.tanh(x[:, :, :self.shape[1], :self.shape[2]])
        return x.reshape(len(z), -1)


#: The transformation bounds of :class:`WarpGenerator` at ``radius=1``; the default
#: ``anchor_radius=0.5`` gives rotations up to 12 degrees, scaling by up to 10 % and
#: shifts up to 1.5 pixels of a 28-pixel side (5.4 % of the side: 0.43 px on 8x8).
WARP_BOUNDS = {"rotation_degrees": 24.0, "shift_pixels": 3.0, "log_scale": math.log(1.2)}
#: The image side ``shift_pixels`` refers to: shifts scale with the image.
REFERENCE_SIDE = 28
#: Noise dimensions that drive the transformation directly (hidden from the network).
N_DIRECT = 4


def similarity_warp(image, params, radius, mirror=None):
    """Images ``image`` (n, C, H, W, model space: background -1) under the similarity
    transforms whose parameters ``params`` (n, 4) lie in [-1, 1]: rotation, log-scale
    and two shifts, each times its bound in ``radius * WARP_BOUNDS`` (shifts a share
    of the side: :data:`REFERENCE_SIDE`); ``mirror`` (n,) of -1 / 1 mirrors the rows
    where it is -1 first. Resampled with ``grid_sample`` (bilinear, background
    outside the image)."""
    n, c, h, w = image.shape
    bound = {k: v * radius for k, v in WARP_BOUNDS.items()}
    angle = params[:, 0] * math.radians(bound["rotation_degrees"])
    scale = torch.exp(params[:, 1] * bound["log_scale"])
    # affine_grid works in [-1, 1] coordinates, where a pixel of a 28-pixel side is
    # 2 / 28: shifts are a share of the side, the same for every image size
    shift = params[:, 2:4] * bound["shift_pixels"] * (2.0 / REFERENCE_SIDE)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    if mirror is None:  # the mirror x -> -x of the output grid, before the transform
        mirror = torch.ones_like(cos)
    theta = torch.stack([torch.stack([cos * mirror, -sin, shift[:, 0]], 1),
                         torch.stack([sin * mirror, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, (n, c, h, w), align_corners=False)
    # background (model-space -1) outside the image: sample a + 1 with zero padding
    return F.grid_sample(image + 1.0, grid, mode="bilinear", padding_mode="zeros",
                         align_corners=False) - 1.0


def anchor_encoder(in_channels, channels):
    """``(encoder, width)``: stride-2 convolutions (kernel 4, padding 1, LeakyReLU 0.2)
    with ``channels`` output channels each, pooled to 2x2 and flattened to ``width``
    features — how an anchored image family reads its anchor."""
    layers, width = [], in_channels
    for c in channels:
        layers += [nn.Conv2d(width, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        width = c
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(2), nn.Flatten()), width * 4


class WarpNet(nn.Module):
    """G(z, y, a): a real image ``a`` of class ``y`` under a learned, bounded
    similarity transform (rotation, scale, shift): the image form of the anchored
    generator — learned virtual examples.

    An encoder reads the anchor; with the label and the rest of the noise a head
    gives the pre-activations of the four transformation parameters. The first
    :data:`N_DIRECT` noise dimensions are *added* to them and hidden from the
    network, so it cannot cancel them: every sample is a random transformation
    within the bounds ``radius * WARP_BOUNDS`` (:func:`similarity_warp`), as
    classical augmentation draws them, and training moves where that distribution
    lies. The head starts at zero (``zero_init``): untrained, the network draws
    exactly :class:`RandomWarpNet`'s warps.

    With ``flip``, one more hidden noise dimension decides a horizontal mirror
    (its sign: half the samples at the start, a share the training can move).
    """

    def __init__(self, latent_dim, n_classes, shape, widths, radius, flip=False):
        super().__init__()
        self.shape = tuple(shape)
        self.n_classes = n_classes
        self.radius = float(radius)
        self.flip = bool(flip)
        channels, fc = widths[:-1], widths[-1]
        self.encoder, encoded = anchor_encoder(shape[0], channels)
        self.n_direct = min(N_DIRECT, latent_dim)  # the family checks latent_dim for a flip
        self.n_hidden = self.n_direct + self.flip  # noise the network does not see
        self.body = nn.Sequential(
            nn.Linear(encoded + latent_dim - self.n_hidden + n_classes, fc),
            nn.LeakyReLU(0.2, True))
        # zero at the start (``reset_parameters`` honours ``zero_init``): untrained,
        # every sample is tanh of the direct noise times the bounds — the random
        # similarity warp of classical augmentation, exactly; training moves from there
        self.head = nn.Linear(fc, 4)
        self.head.zero_init = True
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, z, y, anchor):
        n, (c, h, w) = len(z), self.shape
        image = anchor.reshape(n, c, h, w)
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        direct, rest = z[:, :self.n_direct], z[:, self.n_hidden:]
        out = self.head(self.body(torch.cat([self.encoder(image), rest, one_hot], dim=1)))
        params = torch.tanh(out + F.pad(direct, (0, 4 - self.n_direct)))
        mirror = (torch.where(z[:, self.n_direct] > 0, -1.0, 1.0).to(z.dtype) if self.flip
                  else None)
        return similarity_warp(image, params, self.radius, mirror).reshape(n, -1)


class RandomWarpNet(nn.Module):
    """G(z, y, a) with nothing learned: a real image ``a`` under the similarity
    transform ``tanh(z[:, :4])`` times the bounds (:func:`similarity_warp`), mirrored
    where ``z[:, 4] > 0`` with ``flip`` — the draw of an untrained :class:`WarpNet`
    with the same noise, without its networks."""

    def __init__(self, shape, radius, flip=False):
        super().__init__()
        self.shape = tuple(shape)
        self.radius = float(radius)
        self.flip = bool(flip)

    def forward(self, z, y, anchor):
        n, (c, h, w) = len(z), self.shape
        params = torch.tanh(F.pad(z[:, :N_DIRECT], (0, max(0, 4 - z.shape[1]))))
        mirror = (torch.where(z[:, N_DIRECT] > 0, -1.0, 1.0).to(z.dtype) if self.flip
                  else None)
        return similarity_warp(anchor.reshape(n, c, h, w), params, self.radius,
                               mirror).reshape(n, -1)


__all__ = ["ConvDiscriminator", "ConvGenerator", "N_DIRECT", "REFERENCE_SIDE", "RandomWarpNet",
           "WARP_BOUNDS", "WarpNet", "similarity_warp"]
