"""sk_activegan: informative labeled samples from ActiveGAN, for scikit-learn."""

from ._augmenter import ActiveGANAugmenter
from ._reward_model import make_reward_model

__all__ = ["ActiveGANAugmenter", "make_reward_model"]
__version__ = "0.1.0"
