"""The uncertainty reward as one torch module, built once per fit."""

from torch import nn

from .features import FeatureProba
from .torch_port import reward_proba_module
from .uncertainty import uncertainty_reward


class UncertaintyReward(nn.Module):
    """Eq. 9's reward of samples in the model space, computed on their device.

    Parameters
    ----------
    proba : nn.Module
        Maps a batch in the model space to the reward model's class probabilities
        (:func:`~sk_activegan._reward.torch_port.reward_proba_module` with the
        space's affine map folded in).
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


def build_reward(estimator, space, device, *, alpha, epsilon, constant, feature_extractor=None):
    """The reward module of a fitted reward model, for inputs in ``space``'s model space.

    With a ``feature_extractor`` (a prepared copy, on ``device``) the reward model
    was fitted on its features of the caller's images: the module maps model-space
    images to the caller's pixel scale, through the extractor, into the port."""
    if feature_extractor is not None:
        caller_map = space.caller_map()  # one affine map for every pixel
        proba = FeatureProba(feature_extractor, reward_proba_module(estimator, device),
                             space.shape, caller_map.weight[0], caller_map.offset[0])
        return UncertaintyReward(proba, alpha=alpha, epsilon=epsilon, constant=constant)
    proba = reward_proba_module(estimator, device, input_map=space.caller_map())
    return UncertaintyReward(proba, alpha=alpha, epsilon=epsilon, constant=constant)
