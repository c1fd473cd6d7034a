"""Reward-model probabilities computed with torch, on the training device.

:class:`TorchCalibratedSVC` reproduces ``predict_proba`` of a fitted
``CalibratedClassifierCV(SVC(...), method="sigmoid", ensemble=False)`` (optionally
behind a ``StandardScaler`` in a Pipeline, as :func:`make_reward_model` builds it):
the kernel decision values of every one-vs-one pair, scikit-learn's one-vs-rest
transform (votes plus bounded confidences), the per-class Platt sigmoids and their
normalisation. The reward only weighs the policy gradient (eq. 12), so the port
computes values, never gradients (the votes are a step function of the input).
"""

import numpy as np
import torch
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch import nn


def _as_buffer(array, dtype=torch.float64):
    return torch.tensor(np.array(array, dtype=np.float64), dtype=dtype)


class TorchCalibratedSVC(nn.Module):
    """Torch port of a fitted, sigmoid-calibrated ``SVC`` (``ensemble=False``).

    Parameters
    ----------
    calibrated : fitted CalibratedClassifierCV
        With ``ensemble=False`` and ``method="sigmoid"`` around an ``SVC``.
    scaler : fitted StandardScaler or None
        Applied to the input first, as in a Pipeline.

    Computation is in float64, so values match scikit-learn's to ~1e-12.
    """

    def __init__(self, calibrated, scaler=None):
        super().__init__()
        (classifier,) = calibrated.calibrated_classifiers_
        svc = classifier.estimator
        self.n_classes = len(calibrated.classes_)
        self.kernel = svc.kernel
        self.gamma = float(svc._gamma)
        self.coef0 = float(svc.coef0)
        self.degree = int(svc.degree)
        self.register_buffer("support_vectors", _as_buffer(svc.support_vectors_))
        self.register_buffer("support_norms", _as_buffer((svc.support_vectors_**2).sum(axis=1)))
        self.register_buffer("pair_coef", _as_buffer(self._pair_coefficients(svc)))
        self.register_buffer("intercept", _as_buffer(svc.intercept_))
        pairs = [(i, j) for i in range(self.n_classes) for j in range(i + 1, self.n_classes)]
        first = np.zeros((len(pairs), self.n_classes))
        second = np.zeros((len(pairs), self.n_classes))
        for k, (i, j) in enumerate(pairs):
            first[k, i] = second[k, j] = 1.0
        # decision k adds to class i (first) and subtracts from class j (second)
        self.register_buffer("pair_sign", _as_buffer(first - second))
        self.register_buffer("second_wins_all", _as_buffer(second.sum(axis=0)))
        self.register_buffer("platt_a", _as_buffer([c.a_ for c in classifier.calibrators]))
        self.register_buffer("platt_b", _as_buffer([c.b_ for c in classifier.calibrators]))
        mean = scaler.mean_ if scaler is not None and scaler.with_mean else 0.0
        scale = scaler.scale_ if scaler is not None and scaler.with_std else 1.0
        n_features = svc.support_vectors_.shape[1]
        self.register_buffer("input_mean", _as_buffer(np.broadcast_to(mean, n_features)))
        self.register_buffer("input_scale", _as_buffer(np.broadcast_to(scale, n_features)))

    def compose_input(self, scale, mean):
        """Take inputs ``x`` with ``x * scale + mean`` in the fitted scale.

        Folds that affine map into the port's own standardization, so that a model
        space (for example standardized features) reaches the SVM in one step.
        """
        scale = _as_buffer(np.broadcast_to(scale, self.input_scale.shape)).to(self.input_scale)
        mean = _as_buffer(np.broadcast_to(mean, self.input_mean.shape)).to(self.input_mean)
        self.input_mean = (self.input_mean - mean) / scale
        self.input_scale = self.input_scale / scale
        return self

    def _pair_coefficients(self, svc):
        """Matrix W (n_SV, n_decisions) with decision values ``K(x, SV) @ W + b``.

        libsvm stores, for support vector s of class i, its coefficients against
        every other class j in row ``j - 1`` (j > i) or row ``j`` (j < i) of
        ``dual_coef_``.
        """
        if self.n_classes == 2:
            return svc.dual_coef_.T
        bounds = np.concatenate([[0], np.cumsum(svc.n_support_)])
        columns = []
        for i in range(self.n_classes):
            for j in range(i + 1, self.n_classes):
                column = np.zeros(svc.support_vectors_.shape[0])
                column[bounds[i]:bounds[i + 1]] = svc.dual_coef_[j - 1, bounds[i]:bounds[i + 1]]
                column[bounds[j]:bounds[j + 1]] = svc.dual_coef_[i, bounds[j]:bounds[j + 1]]
                columns.append(column)
        return np.stack(columns, axis=1)

    def kernel_matrix(self, x):
        """K(x, support vectors) for the SVC's kernel."""
        sv = self.support_vectors
        if self.kernel == "rbf":
            # -gamma ||x - s||^2 = 2 gamma x.s - gamma ||s||^2 - gamma ||x||^2
            exponent = torch.addmm(self.support_norms, x, sv.T, beta=-self.gamma,
                                   alpha=2 * self.gamma)
            exponent = exponent - self.gamma * x.square().sum(dim=1, keepdim=True)
            return torch.exp(exponent.clamp_max(0.0))
        dot = x @ sv.T
        if self.kernel == "linear":
            return dot
        if self.kernel == "poly":
            return (self.gamma * dot + self.coef0) ** self.degree
        if self.kernel == "sigmoid":
            return torch.tanh(self.gamma * dot + self.coef0)
        raise ValueError(f"Unsupported SVC kernel {self.kernel!r}.")

    def decision_function(self, x):
        """scikit-learn's ``SVC.decision_function`` (``decision_function_shape="ovr"``)."""
        x = (x.to(torch.float64) - self.input_mean) / self.input_scale
        pairwise = torch.addmm(self.intercept, self.kernel_matrix(x), self.pair_coef)
        if self.n_classes == 2:
            return pairwise[:, 0]
        first_wins = (pairwise >= 0).to(pairwise.dtype)
        # votes: class i gets first_wins of pair (i, j), class j gets 1 - first_wins
        votes = torch.addmm(self.second_wins_all, first_wins, self.pair_sign)
        confidence = pairwise @ self.pair_sign
        return votes + confidence / (3 * (confidence.abs() + 1))

    @torch.no_grad()
    def forward(self, x):
        """Calibrated class probabilities, as ``predict_proba``."""
        decision = self.decision_function(x)
        if self.n_classes == 2:
            positive = torch.sigmoid(-(self.platt_a * decision + self.platt_b))
            return torch.stack([1 - positive, positive], dim=1)
        proba = torch.sigmoid(-(self.platt_a * decision + self.platt_b))
        total = proba.sum(dim=1, keepdim=True)
        uniform = torch.full_like(proba, 1.0 / self.n_classes)
        return torch.where(total != 0, proba / torch.where(total != 0, total, 1.0), uniform)


def _calibrated_svc_parts(estimator):
    """``(calibrated, scaler)`` when the estimator is a portable calibrated SVC."""
    scaler = None
    if isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    if isinstance(estimator, Pipeline):
        steps = [step for _, step in estimator.steps if step not in (None, "passthrough")]
        if len(steps) == 2 and isinstance(steps[0], StandardScaler):
            scaler, estimator = steps
        elif len(steps) == 1:
            estimator = steps[0]
        else:
            return None
    if not isinstance(estimator, CalibratedClassifierCV) or estimator.ensemble is not False:
        return None
    (classifier,) = estimator.calibrated_classifiers_
    if not isinstance(classifier.estimator, SVC) or not all(
        isinstance(c, _SigmoidCalibration) for c in classifier.calibrators
    ):
        return None
    if not np.array_equal(classifier.estimator.classes_, estimator.classes_):
        return None
    return estimator, scaler


def is_skorch_classifier(estimator):
    """Whether ``estimator`` is a skorch ``NeuralNetClassifier`` (or a frozen one)."""
    from skorch import NeuralNetClassifier

    if isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    return isinstance(estimator, NeuralNetClassifier)


class SkorchProba(nn.Module):
    """A fitted skorch classifier's module, with the net's own output nonlinearity."""

    def __init__(self, net):
        super().__init__()
        if isinstance(net, FrozenEstimator):
            net = net.estimator
        self.net = net
        self.module = net.module_
        self.nonlinearity = net._get_predict_nonlinearity()

    def forward(self, x):
        parameter = next(self.module.parameters())
        return self.nonlinearity(self.module(x.to(parameter.device, parameter.dtype)))


class NumpyProba(nn.Module):
    """Any other classifier: ``predict_proba`` on the host (not differentiable)."""

    def __init__(self, estimator):
        super().__init__()
        self.estimator = estimator

    def forward(self, x):
        proba = self.estimator.predict_proba(x.detach().cpu().numpy().astype(np.float64))
        return torch.as_tensor(proba, dtype=torch.float64, device=x.device)


class InputMap(nn.Module):
    """``module(x * weight + offset)`` (``diagonal``) or ``module(x @ weight + offset)``,
    in float64: a model space mapped to the scale a module was fitted in."""

    def __init__(self, module, weight, offset, diagonal, device):
        super().__init__()
        self.module = module
        self.diagonal = bool(diagonal)
        self.register_buffer("weight", _as_buffer(weight).to(device))
        self.register_buffer("offset", _as_buffer(offset).to(device))

    def forward(self, x):
        x = x.to(torch.float64)
        if self.diagonal:
            return self.module(torch.addcmul(self.offset, x, self.weight))
        return self.module(torch.addmm(self.offset, x, self.weight))


def reward_proba_module(estimator, device, input_map=None):
    """The fastest faithful way to get ``predict_proba`` of ``estimator`` in torch.

    Returns a module mapping a batch to class probabilities:
    :class:`TorchCalibratedSVC` on ``device`` for a calibrated SVC,
    :class:`SkorchProba` for a skorch classifier, :class:`NumpyProba` otherwise.
    The batch is in the scale the estimator was fitted in, or, with
    ``input_map`` (a space's ``CallerMap``: weight, offset, diagonal), in a model space with
    ``caller = x * weight + offset`` (diagonal; folded into the SVC port's own
    standardization) or ``caller = x @ weight + offset``.
    """
    parts = _calibrated_svc_parts(estimator)
    if parts is not None:
        calibrated, scaler = parts
        module = TorchCalibratedSVC(calibrated, scaler)
        if input_map is not None and input_map.diagonal:
            return module.compose_input(input_map.weight, input_map.offset).to(device)
        module = module.to(device)
    else:  # a skorch net's module stays where the net put it; NumpyProba has no tensors
        module = (SkorchProba(estimator) if is_skorch_classifier(estimator)
                  else NumpyProba(estimator))
    return module if input_map is None else InputMap(module, *input_map, device)
