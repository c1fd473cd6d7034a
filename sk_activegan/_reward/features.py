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

#: Images per forward pass of the extractor, everywhere it runs: the reward model's
#: features at fit, the reward in training, candidate selection, the margin filter
#: and the diagnostics (its activations at a native 224 px take megabytes per image).
FEATURE_BATCH = 256


def in_batches(function, x, batch_size):
    """``function(x)`` computed on slices of at most ``batch_size`` rows of ``x``,
    concatenated (one call when ``x`` is that small, empty ``x`` included)."""
    if len(x) <= batch_size:
        return function(x)
    return torch.cat([function(x[start:start + batch_size])
                      for start in range(0, len(x), batch_size)])


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


def _plain(value):
    """Numbers, strings, None, and tuples of them (not a runtime's session, say)."""
    if isinstance(value, tuple):
        return all(map(_plain, value))
    return isinstance(value, (bool, int, float, complex, str, bytes, type(None)))


def _settings(module):
    """A module's (and its submodules') public attributes of plain values (its
    settings; private ones are caches, such as an ONNX Runtime session), ``training``
    aside."""
    return [(name, type(sub), {key: value for key, value in vars(sub).items()
                               if not key.startswith("_") and key != "training"
                               and _plain(value)})
            for name, sub in module.named_modules()]


def same_weights(copy_, original):
    """Whether modules ``copy_`` and ``original`` are of one class, with the same
    public plain attributes (numbers, strings, tuples: settings such as a pixel
    range) in every submodule and equal ``state_dict`` s (the same keys, each tensor
    ``torch.equal`` on the CPU): then :func:`prepare_extractor` of ``original``
    rebuilds ``copy_``. A pickle stores the frozen copy as the estimator's own
    parameter (one copy of the weights) only then."""
    if type(copy_) is not type(original):
        return False
    if _settings(copy_) != _settings(original):
        return False
    mine, theirs = copy_.state_dict(), original.state_dict()
    if mine.keys() != theirs.keys():
        return False
    for key, tensor in mine.items():
        other = theirs[key]
        if (not isinstance(tensor, torch.Tensor) or not isinstance(other, torch.Tensor)
                or tensor.dtype != other.dtype or tensor.shape != other.shape
                or not torch.equal(tensor.detach().cpu(), other.detach().cpu())):
            return False
    return True


def _checked(features, n_images, extractor=None, when="at fit, on the training images"):
    """``features`` of ``n_images`` images as ``(n_images, n_features)``; anything else,
    or a value that is not finite, is an error naming the extractor (its class)."""
    if not isinstance(features, torch.Tensor):
        raise TypeError(f"feature_extractor must return a torch.Tensor; it returned "
                        f"{type(features).__name__}.")
    if features.ndim < 2 or features.shape[0] != n_images:
        raise ValueError(f"feature_extractor must return one feature vector per image, shape "
                         f"(n_images, n_features); for {n_images} images it returned shape "
                         f"{tuple(features.shape)}.")
    features = features.reshape(n_images, -1)
    finite = torch.isfinite(features).all(dim=1)
    if not bool(finite.all()):
        name = "" if extractor is None else f" ({type(extractor).__name__})"
        raise ValueError(
            f"feature_extractor{name} returned NaN or infinite features for "
            f"{int((~finite).sum())} of {n_images} images {when}: the reward model cannot "
            "score them. Check the extractor on such images (its pixel range and input "
            "size).")
    return features


@torch.no_grad()
def extract_features(extractor, X, shape, device):
    """Features of the caller's flat images ``X`` (float64 array), as float64 numpy.

    Every batch's output is checked: a tensor, one row per image, finite."""
    parts = []
    for start in range(0, len(X), FEATURE_BATCH):
        batch = torch.as_tensor(X[start:start + FEATURE_BATCH], dtype=torch.float32,
                                device=device)
        features = _checked(extractor(batch.reshape(len(batch), *shape)), len(batch),
                            extractor)
        parts.append(features.double().cpu().numpy())
    return np.concatenate(parts)


class FeatureProba(nn.Module):
    """Model-space images -> caller's pixel scale -> features -> class probabilities.

    ``caller = x * scale + offset`` (one affine map for every pixel, an image
    space's), reshaped to ``shape``, through the frozen ``extractor``, flattened,
    then ``proba`` (the reward model's port, on features). The extractor sees at
    most :data:`FEATURE_BATCH` images per pass whatever the batch (training,
    candidates, the margin filter, diagnostics), and features that are not finite
    are a ``ValueError`` naming the extractor, not the rows.
    """

    def __init__(self, extractor, proba, shape, scale, offset):
        super().__init__()
        self.extractor = extractor
        self.proba = proba
        self.shape = tuple(shape)
        self.scale, self.offset = float(scale), float(offset)

    @torch.no_grad()
    def forward(self, x):
        return in_batches(self._proba, x, FEATURE_BATCH)

    def _proba(self, x):
        images = (x.float() * self.scale + self.offset).reshape(len(x), *self.shape)
        features = _checked(self.extractor(images), len(x), self.extractor,
                            "generated or given to score")
        return self.proba(features)
