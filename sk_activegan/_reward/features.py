"""A feature extractor in front of the reward model (images).

The reward model is fitted on ``feature_extractor(images)``; during training the
reward module composes the extractor with the reward model's torch port, so the
reward is computed on the device. The reward weighs the policy gradient (eq. 12)
and is never differentiated: the extractor runs without gradients.
"""

import copy

import numpy as np
import torch
from torch import nn

#: Images per forward pass when features are computed for the reward model.
FEATURE_BATCH = 256


def prepare_extractor(extractor, device):
    """A copy of ``extractor`` (an ``nn.Module``: the estimator's parameter validation
    checks the type) on ``device``, in eval mode, its parameters frozen (the caller's
    module is not changed). ``None`` stays None."""
    if extractor is None:
        return None
    extractor = copy.deepcopy(extractor).to(device).eval()
    for parameter in extractor.parameters():
        parameter.requires_grad_(False)
    return extractor


def _checked(features, n_images):
    if not isinstance(features, torch.Tensor):
        raise TypeError(f"feature_extractor must return a torch.Tensor; it returned "
                        f"{type(features).__name__}.")
    if features.ndim < 2 or features.shape[0] != n_images:
        raise ValueError(f"feature_extractor must return one feature vector per image, shape "
                         f"(n_images, n_features); for {n_images} images it returned shape "
                         f"{tuple(features.shape)}.")
    features = features.reshape(n_images, -1)
    if not torch.isfinite(features).all():
        raise ValueError("feature_extractor returned NaN or infinite features.")
    return features


@torch.no_grad()
def extract_features(extractor, X, shape, device):
    """Features of the caller's flat images ``X`` (float64 array), as float64 numpy.

    Every batch's output is checked: a tensor, one row per image, finite."""
    parts = []
    for start in range(0, len(X), FEATURE_BATCH):
        batch = torch.as_tensor(X[start:start + FEATURE_BATCH], dtype=torch.float32,
                                device=device)
        features = _checked(extractor(batch.reshape(len(batch), *shape)), len(batch))
        parts.append(features.double().cpu().numpy())
    return np.concatenate(parts)


class FeatureProba(nn.Module):
    """Model-space images -> caller's pixel scale -> features -> class probabilities.

    ``caller = x * scale + offset`` (one affine map for every pixel, an image
    space's), reshaped to ``shape``, through the frozen ``extractor``, flattened,
    then ``proba`` (the reward model's port, on features).
    """

    def __init__(self, extractor, proba, shape, scale, offset):
        super().__init__()
        self.extractor = extractor
        self.proba = proba
        self.shape = tuple(shape)
        self.scale, self.offset = float(scale), float(offset)

    @torch.no_grad()
    def forward(self, x):
        images = (x.float() * self.scale + self.offset).reshape(len(x), *self.shape)
        return self.proba(self.extractor(images).reshape(len(x), -1))
