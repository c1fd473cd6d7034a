"""The Gaussian policy of eq. 10-12."""

import math

import torch
from torch import nn

from .mlp import mlp


class GaussianPolicy(nn.Module):
    """Gaussian MLP policy of eq. 10-12.

    Maps a generated sample ``G(z, y)`` to the mean of a Gaussian over the latent
    space; the diagonal covariance is independent of the input (a learned
    log-standard-deviation vector). :meth:`log_prob` scores the latent ``z`` that
    produced the sample: ``log P(G(z, y) | theta) = log N(z; mu(G(z, y)), exp(log_std)^2)``.
    """

    def __init__(self, n_features, latent_dim, hidden_layer_sizes):
        super().__init__()
        self.body, width = mlp(n_features, hidden_layer_sizes)
        self.mean_head = nn.Linear(width, latent_dim)
        self.log_std = nn.Parameter(torch.zeros(latent_dim))

    def forward(self, x):
        return self.mean_head(self.body(x))

    def log_prob(self, x, z):
        """Diagonal Gaussian log-density of ``z`` given the sample ``x``, per row (eq. 10)."""
        mean = self(x)
        log_std = self.log_std.expand_as(mean)
        squared = ((z - mean) / torch.exp(log_std)) ** 2
        return -0.5 * (squared + 2 * log_std + math.log(2 * math.pi)).sum(dim=1)
