"""Fitting, as the engine's front doors share it: from checked data and a resolved
config (:mod:`._validation`, :mod:`._config`) to the fitted model, in named steps —
fit the space, fit the reward model (Algorithm 1, step 3), build the generator
family's networks, train them (Algorithm 1) — each taking only what it uses. Nothing here reads the
estimator: :func:`fit_model` returns the fitted attributes (the
:class:`~._model.FittedActiveGAN` among them, as ``_model``), which the estimator
assigns in one step.
"""

import sys

import numpy as np
import torch
from sklearn.base import clone

from ._compat import get_feature_names
from ._model import FittedActiveGAN
from ._reward import (SubsampledReward, fit_default_reward_model, is_skorch_classifier,
                      prepare_extractor)


def fit_model(config, data):
    """The fitted attributes: the public ones and the fitted model (``_model``).

    Runs with gradients on and outside inference mode whatever the caller's
    torch settings (which it leaves as they were); every tensor it makes has
    an explicit dtype, so torch's default dtype plays no part.
    """
    with torch.inference_mode(False), torch.enable_grad():
        return _fit(config, data)


def _fit(config, data):
    n_classes = len(data.classes)
    space = data.space.fit(data.X_caller, data.X, data.y_encoded, n_classes, data.categorical,
                           data.categories)
    extractor = prepare_extractor(config.feature_extractor, config.device)
    reward_model, reward_params = fit_reward_model(
        config, space.reward_inputs(data.X, extractor, config.device), data.y_encoded,
        standardize=space.reward_standardized(extractor))
    modules = config.generator.build(
        space, n_classes, rng=torch.Generator().manual_seed(config.seeds.init)).to(config.device)
    model = FittedActiveGAN(space, modules, reward_model, extractor, config.reward_settings,
                            data.classes, config.device, data.y_form, config.margin_filter,
                            config.n_candidates, config.seeds.sample,
                            extractor_source=config.feature_extractor)
    history = train_model(config, model, data.y_encoded)
    budget = config.budget
    attributes = {
        "classes_": data.classes, "n_features_in_": data.X.shape[1],
        "reward_params_": reward_params, "history_": history, "generator_": config.generator,
        "n_iter_": budget.n_iter, "warm_up_iter_": budget.warm_up_iter,
        "lambda_reward_": budget.lambda_reward, "n_candidates_": config.n_candidates,
        "_model": model,
    }
    names = get_feature_names(data.X_caller)
    if names is not None:
        attributes["feature_names_in_"] = names
    return attributes


def fit_reward_model(config, X, y_encoded, standardize=True):
    """The reward model on ``X`` (features or rows) and encoded labels, and the
    default model's chosen ``C`` and ``gamma`` (empty for a given estimator)."""
    if config.reward_estimator is not None:
        if is_skorch_classifier(config.reward_estimator):
            X = X.astype(np.float32)  # torch modules hold float32 weights
        return clone(config.reward_estimator).fit(X, y_encoded), {}
    if config.verbose:
        print(f"{config.name}: fitting the reward model (grid-searched, calibrated RBF SVM)",
              file=sys.stderr, flush=True)
    return fit_default_reward_model(X, y_encoded, config.reward_param_grid, standardize)


def train_model(config, model, y_encoded):
    """The generator family's training (Algorithm 1 for ActiveGAN) on the model's
    networks, in place, with a progress bar when ``verbose``; returns the history
    (its declared columns, of length 0 when ``n_iter`` is 0)."""
    family, budget = config.generator, config.budget
    if budget.n_iter == 0:
        return {name: np.empty(0, dtype=np.float32) for name in family.history_columns}
    rng = torch.Generator(device=model.device).manual_seed(config.seeds.train)
    X = torch.as_tensor(model.space.real, device=model.device)
    y = torch.as_tensor(y_encoded, dtype=torch.long, device=model.device)
    reward, diagnostics = model.reward, model.diagnostics
    if config.reward_batch_size is not None:  # the reward on part of each batch
        reward = SubsampledReward(reward, config.reward_batch_size, rng)
        diagnostics = _FirstRows(diagnostics, config.reward_batch_size)
    progress = None
    if config.verbose:
        from tqdm.auto import tqdm

        progress = tqdm(total=budget.n_iter, desc=config.name, unit="it")
    try:
        return family.train(model.modules, X, y, budget, rng=rng, reward=reward,
                            diagnostics=diagnostics, progress=progress)
    finally:
        if progress is not None:
            progress.close()


class _FirstRows:
    """The training diagnostics' batch summaries on the first ``n_rows`` rows of
    each batch (generated rows are exchangeable), as the reward is subsampled."""

    def __init__(self, diagnostics, n_rows):
        self.diagnostics, self.n_rows = diagnostics, n_rows

    def batch_summary(self, x, y):
        return self.diagnostics.batch_summary(x[:self.n_rows], y[:self.n_rows])
