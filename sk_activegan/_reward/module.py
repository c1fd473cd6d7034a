"""The uncertainty reward as one torch module, built once per fit; and the training
loop's cheaper estimate of it on a CPU (`SubsampledReward`)."""

import torch
from torch import nn

from .uncertainty import uncertainty_reward


class UncertaintyReward(nn.Module):
    """Eq. 9's reward of samples in the model space, computed on their device.

    Parameters
    ----------
    proba : nn.Module
        Maps a batch in the model space to the reward model's class probabilities
        (a data space's ``reward_proba``: the reward model's torch port with the
        space's affine map folded in, behind a feature extractor for images).
    alpha, epsilon, constant : float
        Eq. 9's mix, eq. 8's threshold and the reward beyond it. Fixed at fit, so
        that a changed parameter cannot alter a fitted model's reward.
    """

    def __init__(self, proba, *, alpha, epsilon, constant):
        super().__init__()
        self.proba = proba
        self.alpha = float(alpha)
        self.epsilon = float(epsilon)
        self.constant = float(constant)

    def forward(self, x):
        """Reward per row, in ``x``'s dtype."""
        return self.from_proba(self.proba(x)).to(x.dtype)

    def from_proba(self, proba):
        """Eq. 9 with the fitted settings, from class probabilities."""
        return uncertainty_reward(proba, alpha=self.alpha, epsilon=self.epsilon,
                                  constant=self.constant)


class SubsampledReward(nn.Module):
    """Eq. 12's reward weights estimated from ``n_rows`` random rows of each batch.

    The training loop weights each generated sample's log-likelihood by its
    reward and averages over the batch (eq. 12's expectation). This module
    computes the reward of ``n_rows`` rows drawn without replacement and gives
    them ``r * n / n_rows``, every other row 0: the batch mean of the weights,
    and so the gradient of the uncertainty loss, is an unbiased estimate of the
    full batch's, at ``n_rows / n`` of the reward's cost (a noisier one: its
    variance grows about as ``n / n_rows``). With a feature extractor at its
    native resolution the reward dominates an iteration's cost on a CPU; this is
    the CPU default there (``reward_batch_size``), the full batch the GPU's.

    Parameters
    ----------
    reward : UncertaintyReward
        The full reward (eq. 9 on the reward model's probabilities).
    n_rows : int
        Rows scored per batch (at least 1); a batch of at most ``n_rows`` rows is
        scored whole, with weight 1.
    generator : torch.Generator
        On the batches' device: the draw of the rows (the training loop's stream).

    Notes
    -----
    Input: a batch ``x`` of shape ``(n, ...)`` in the model space. Output: shape
    ``(n,)`` in ``x``'s dtype; the mean over rows estimates the mean reward.
    """

    def __init__(self, reward, n_rows, generator):
        super().__init__()
        if int(n_rows) < 1:
            raise ValueError(f"n_rows must be at least 1; got {n_rows!r}.")
        self.reward = reward
        self.n_rows = int(n_rows)
        self.generator = generator

    def forward(self, x):
        n = len(x)
        if n <= self.n_rows:
            return self.reward(x)
        rows = torch.randperm(n, device=x.device, generator=self.generator)[:self.n_rows]
        out = torch.zeros(n, device=x.device, dtype=x.dtype)
        out[rows] = self.reward(x[rows]) * (n / self.n_rows)
        return out
