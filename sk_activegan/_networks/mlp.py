"""Fully connected networks for tabular data: generators and the discriminator.

All work in the model space of a tabular data space (standardized features).
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class SeededDropout(nn.Module):
    """Dropout whose mask is drawn from a generator the training loop hands in.

    ``nn.Dropout`` draws from torch's process-wide generator, so two fits in two
    threads would disturb each other; the loop sets :attr:`rng` for the
    duration of a fit. Without one it falls back to ``F.dropout``.
    """

    def __init__(self, p):
        super().__init__()
        self.p = float(p)
        self.rng = None

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        if self.rng is None:
            return F.dropout(x, self.p, training=True)
        keep = torch.rand(x.shape, generator=self.rng, device=x.device, dtype=x.dtype)
        return x * (keep >= self.p).to(x.dtype) / (1.0 - self.p)


def mlp(n_inputs, hidden_layer_sizes, dropout=0.0):
    """A stack of Linear + LeakyReLU (+ dropout) blocks; returns (module, width)."""
    layers = []
    width = n_inputs
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), nn.LeakyReLU(0.2, inplace=True)]
        if dropout > 0:
            layers.append(SeededDropout(dropout))
        width = size
    return nn.Sequential(*layers), width


def hard_one_hot(x, blocks):
    """Each ``(start, stop)`` block of ``x`` as the one-hot vector of its largest entry
    (forward), with the softmax's gradient (backward): a straight-through estimator,
    so that generated categorical columns are exact one-hot vectors, as real ones."""
    if not blocks:
        return x
    parts, stop = [], 0
    for start, stop_block in blocks:
        parts.append(x[:, stop:start])
        soft = torch.softmax(x[:, start:stop_block], dim=1)
        hard = F.one_hot(soft.argmax(dim=1), stop_block - start).to(x.dtype)
        parts.append(hard + soft - soft.detach())
        stop = stop_block
    parts.append(x[:, stop:])
    return torch.cat(parts, dim=1)


class FreeMLP(nn.Module):
    """G(z, y): latent noise and a one-hot class label to a sample (AC-GAN, the paper's).

    Categorical columns (``blocks`` of the model space) come out as exact one-hot
    vectors (:func:`hard_one_hot`).
    """

    def __init__(self, latent_dim, n_classes, n_features, hidden_layer_sizes, blocks=()):
        super().__init__()
        self.n_classes = n_classes
        self.blocks = [tuple(b) for b in blocks]
        self.body, width = mlp(latent_dim + n_classes, hidden_layer_sizes)
        self.out = nn.Linear(width, n_features)

    def forward(self, z, y, anchor=None):
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        return hard_one_hot(self.out(self.body(torch.cat([z, one_hot], dim=1))), self.blocks)


class AnchoredMLP(nn.Module):
    """G(z, y, a): a real anchor row ``a`` of class y plus a bounded learned shift.

    ``G(z, y, a) = a + r_y * tanh(|h|) * h / |h|`` with ``h`` an MLP of (z, y, a):
    the shift's length stays under the class radius ``r_y``, so samples cannot
    leave the neighbourhood of the real data (a departure from the paper, for
    small data sets). With a ``free`` mask the shift is zero where it is 0: the
    one-hot blocks of categorical columns keep the anchor's category.
    """

    def __init__(self, latent_dim, n_classes, n_features, hidden_layer_sizes, radius,
                 free=None):
        super().__init__()
        self.n_classes = n_classes
        self.body, width = mlp(latent_dim + n_classes + n_features, hidden_layer_sizes)
        self.out = nn.Linear(width, n_features)
        self._constants = (np.asarray(radius, dtype=np.float32),
                           None if free is None else np.asarray(free, dtype=np.float32))
        self.register_buffer("radius", torch.as_tensor(self._constants[0]))
        self.register_buffer("free", None if free is None else torch.as_tensor(self._constants[1]))

    @torch.no_grad()
    def reset_constants(self):
        """Write the radii and the free mask into the buffers (after ``to_empty``)."""
        radius, free = self._constants
        self.radius.copy_(torch.as_tensor(radius))
        if free is not None:
            self.free.copy_(torch.as_tensor(free))

    def forward(self, z, y, anchor):
        one_hot = F.one_hot(y, self.n_classes).to(z.dtype)
        shift = self.out(self.body(torch.cat([z, one_hot, anchor], dim=1)))
        if self.free is not None:
            shift = shift * self.free
        norm = shift.norm(dim=1, keepdim=True).clamp_min(1e-12)
        return anchor + self.radius[y].unsqueeze(1) * torch.tanh(norm) * shift / norm


class Discriminator(nn.Module):
    """D(x): a shared body with a real/fake head and a class head (eq. 4).

    Both heads return logits; the losses apply the sigmoid / softmax.
    """

    def __init__(self, n_features, n_classes, hidden_layer_sizes, dropout=0.3):
        super().__init__()
        self.body, width = mlp(n_features, hidden_layer_sizes, dropout)
        self.source_head = nn.Linear(width, 1)
        self.class_head = nn.Linear(width, n_classes)

    def forward(self, x):
        hidden = self.body(x)
        return self.source_head(hidden).squeeze(1), self.class_head(hidden)
