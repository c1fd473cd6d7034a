"""The three networks of ActiveGAN: generator, discriminator and Gaussian policy.

All work on standardized features; the augmenter maps them back to the caller's
scale.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def _mlp(n_inputs, hidden_layer_sizes, dropout=0.0):
    """A stack of Linear + LeakyReLU (+ Dropout) blocks; returns (module, width)."""
    layers = []
    width = n_inputs
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), nn.LeakyReLU(0.2, inplace=True)]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = size
    return nn.Sequential(*layers), width


class Generator(nn.Module):
    """G(z, y): latent noise and a one-hot class label to a sample (AC-GAN)."""

    def __init__(self, latent_dim, n_classes, n_features, hidden_layer_sizes):
        super().__init__()
        self.n_classes = n_classes
        self.body, width = _mlp(latent_dim + n_classes, hidden_layer_sizes)
        self.out = nn.Linear(width, n_features)

    def forward(self, z, y):
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        return self.out(self.body(torch.cat([z, one_hot], dim=1)))


class AnchoredGenerator(nn.Module):
    """G(z, y, a): a real anchor row ``a`` of class y plus a bounded learned shift.

    ``G(z, y, a) = a + r_y * tanh(|h|) * h / |h|`` with ``h`` an MLP of (z, y, a):
    the shift's length stays under the class radius ``r_y``, so samples cannot
    leave the neighbourhood of the real data (a departure from the paper, for
    small data sets).
    """

    def __init__(self, latent_dim, n_classes, n_features, hidden_layer_sizes, radius):
        super().__init__()
        self.n_classes = n_classes
        self.body, width = _mlp(latent_dim + n_classes + n_features, hidden_layer_sizes)
        self.out = nn.Linear(width, n_features)
        self.register_buffer("radius", torch.as_tensor(radius, dtype=torch.float32))

    def forward(self, z, y, anchor):
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        shift = self.out(self.body(torch.cat([z, one_hot, anchor], dim=1)))
        norm = shift.norm(dim=1, keepdim=True).clamp_min(1e-12)
        return anchor + self.radius[y].unsqueeze(1) * torch.tanh(norm) * shift / norm


class InterpolatingGenerator(nn.Module):
    """G(z, y, a, b): a point on the segment from a real row ``a`` of class y to ``b``.

    ``b`` is one of ``a``'s nearest neighbours in its class, and
    ``G = a + t (b - a)`` with ``t = sigmoid(h(z, y, a, b))`` in (0, 1): SMOTE's
    interpolation with a learned position, which the adversarial and the
    uncertainty losses choose (a departure from the paper, for small data sets).
    The anchor argument holds ``a`` and ``b`` side by side, shape (n, 2 n_features).
    """

    def __init__(self, latent_dim, n_classes, n_features, hidden_layer_sizes):
        super().__init__()
        self.n_classes = n_classes
        self.n_features = n_features
        self.body, width = _mlp(latent_dim + n_classes + 2 * n_features, hidden_layer_sizes)
        self.out = nn.Linear(width, 1)

    def forward(self, z, y, anchor):
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        t = torch.sigmoid(self.out(self.body(torch.cat([z, one_hot, anchor], dim=1))))
        start, end = anchor[:, :self.n_features], anchor[:, self.n_features:]
        return start + t * (end - start)


class Discriminator(nn.Module):
    """D(x): a shared body with a real/fake head and a class head (eq. 4).

    Both heads return logits; the losses apply the sigmoid / softmax.
    """

    def __init__(self, n_features, n_classes, hidden_layer_sizes, dropout=0.3):
        super().__init__()
        self.body, width = _mlp(n_features, hidden_layer_sizes, dropout)
        self.source_head = nn.Linear(width, 1)
        self.class_head = nn.Linear(width, n_classes)

    def forward(self, x):
        hidden = self.body(x)
        return self.source_head(hidden).squeeze(1), self.class_head(hidden)


class GaussianPolicy(nn.Module):
    """Gaussian MLP policy of eq. 10-12.

    Maps a generated sample ``G(z, y)`` to the mean of a Gaussian over the latent
    space; the diagonal covariance is independent of the input (a learned
    log-standard-deviation vector). :meth:`log_prob` scores the latent ``z`` that
    produced the sample: ``log P(G(z, y) | theta) = log N(z; mu(G(z, y)), exp(log_std)^2)``.
    """

    def __init__(self, n_features, latent_dim, hidden_layer_sizes):
        super().__init__()
        self.body, width = _mlp(n_features, hidden_layer_sizes)
        self.mean_head = nn.Linear(width, latent_dim)
        self.log_std = nn.Parameter(torch.zeros(latent_dim))

    def forward(self, x):
        return self.mean_head(self.body(x))

    def log_prob(self, x, z):
        """Diagonal Gaussian log-density of ``z`` given the sample ``x``, per row."""
        mean = self(x)
        log_std = self.log_std.expand_as(mean)
        squared = ((z - mean) / torch.exp(log_std)) ** 2
        return -0.5 * (squared + 2 * log_std + math.log(2 * math.pi)).sum(dim=1)
