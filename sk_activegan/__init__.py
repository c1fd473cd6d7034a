"""sk_activegan: informative labeled samples from ActiveGAN, for scikit-learn."""

from ._augmenter import ActiveGANAugmenter
from ._over_sampler import ActiveGANOverSampler
from ._classifier import AugmentedClassifier
from ._classifier_cv import AugmentedClassifierCV, OverSampledClassifierCV
from ._counts import synthetic_counts
from ._diagnostics import synthetic_diagnostics
from ._plotting import plot_history
from ._reward import make_reward_model
from ._training import TrainingDivergedError
from .extractors import EfficientNetLite0Features
from ._augment import AugmentPolicy
from .generators import (AnchoredGenerator, GeneratorFamily, PaperGenerator, RandomWarp,
                         WarpGenerator)

__all__ = ["ActiveGANAugmenter", "ActiveGANOverSampler", "AnchoredGenerator", "AugmentPolicy",
           "AugmentedClassifier",
           "AugmentedClassifierCV", "EfficientNetLite0Features", "GeneratorFamily",
           "OverSampledClassifierCV", "PaperGenerator", "RandomWarp", "WarpGenerator",
           "TrainingDivergedError", "make_reward_model", "plot_history", "synthetic_counts",
           "synthetic_diagnostics"]
__version__ = "0.3.0.dev0"
