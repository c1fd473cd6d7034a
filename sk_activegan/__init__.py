"""sk_activegan: informative labeled samples from ActiveGAN, for scikit-learn."""

from ._augmenter import ActiveGANAugmenter
from ._reward_model import make_reward_model
from ._training import TrainingDivergedError

__all__ = ["ActiveGANAugmenter", "TrainingDivergedError", "make_reward_model"]
__version__ = "0.1.0"
