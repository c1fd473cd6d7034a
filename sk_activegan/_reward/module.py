"""The uncertainty reward as one torch module, built once per fit."""

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


def build_reward(proba, *, alpha, epsilon, constant):
    """The reward module: eq. 9 with the fitted settings on top of ``proba``, a
    module from model-space rows to the reward model's class probabilities (the
    data space builds it: ``DataSpace.reward_proba``)."""
    return UncertaintyReward(proba, alpha=alpha, epsilon=epsilon, constant=constant)
