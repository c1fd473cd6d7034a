"""The reward side of ActiveGAN: the reward model (Algorithm 1, step 3), its torch
port, the uncertainty measures (eq. 6-9) and the reward module the training loop uses."""

from .features import FeatureProba, extract_features, prepare_extractor, same_weights
from .module import SubsampledReward, UncertaintyReward
from .torch_port import is_skorch_classifier, reward_proba_module
from .svm import fit_default_reward_model, make_reward_model, n_folds_for
from .uncertainty import (conditioned_margin, entropy_reward, label_entropy, margin_reward,
                          top_two_margin, uncertainty_reward)

__all__ = ["FeatureProba", "SubsampledReward", "UncertaintyReward", "reward_proba_module", "conditioned_margin", "entropy_reward", "extract_features",
           "fit_default_reward_model", "is_skorch_classifier", "label_entropy", "make_reward_model", "margin_reward",
           "n_folds_for", "prepare_extractor", "same_weights", "top_two_margin", "uncertainty_reward"]
