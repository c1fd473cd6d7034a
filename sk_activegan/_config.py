"""The estimator's parameters, resolved once per fit into a frozen :class:`FitConfig`.

"auto" values are resolved from the data space's defaults, sizes and the device
checked, the warm-up turned into iterations and the seeds drawn, all before any
training; the fitting steps read only the config.
"""

import numbers
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._reward import n_folds_for
from ._training import TrainingSchedule
from ._validation import check_layer_sizes, check_reward_param_grid, resolve_device

#: Rows of each generated batch the training reward reads when a feature extractor
#: runs on the CPU (``reward_batch_size="auto"``).
CPU_REWARD_BATCH_SIZE = 8


class RewardSettings(NamedTuple):
    """Eq. 9's mix α, eq. 8's threshold ε and the reward C beyond it."""

    alpha: float
    epsilon: float
    constant: float


class Seeds(NamedTuple):
    """One fit's seeds, drawn once from ``random_state``: network initialisation,
    training, and the sampling stream."""

    init: int
    train: int
    sample: int


@dataclass(frozen=True)
class FitConfig:
    """Every setting a fit uses, resolved and checked.

    ``anchor_radius`` is None for the paper's free generator (``method="paper"``);
    ``reward_param_grid`` has lists as values (:func:`check_reward_param_grid`).
    """

    name: str
    lambda_reward: float
    reward_settings: RewardSettings
    schedule: TrainingSchedule
    latent_dim: int
    hidden_layer_sizes: tuple
    policy_hidden_layer_sizes: tuple
    dropout: float
    anchor_radius: object
    horizontal_flip: bool
    margin_filter: object
    n_candidates: int
    reward_batch_size: object
    reward_estimator: object
    reward_param_grid: object
    feature_extractor: object
    device: torch.device
    seeds: Seeds
    verbose: int


def resolve_config(params, data, *, name, balanced_batches=False):
    """The :class:`FitConfig` of an estimator of class ``name`` with parameters
    ``params`` (its ``get_params()``) for checked ``data``; raises ``ValueError``
    for settings the data cannot take, before any training."""
    space = data.space
    device = resolve_device(params["device"])
    hidden = params["hidden_layer_sizes"]
    hidden = check_layer_sizes(space.defaults.hidden_layer_sizes if isinstance(hidden, str)
                               else hidden, "hidden_layer_sizes")
    anchored = params["method"] == "anchored"
    space.check_settings(hidden_layer_sizes=hidden, batch_size=params["batch_size"],
                         categorical=data.categorical,
                         feature_extractor=params["feature_extractor"],
                         horizontal_flip=params["horizontal_flip"],
                         latent_dim=params["latent_dim"], anchored=anchored)
    policy_hidden = check_layer_sizes(params["policy_hidden_layer_sizes"],
                                      "policy_hidden_layer_sizes")
    if params["reward_estimator"] is None:
        n_folds_for(data.y)  # fail early, naming the caller's labels
    elif params["reward_param_grid"] is not None:
        warnings.warn("reward_param_grid is ignored: it is the grid of the default reward "
                      "model, and reward_estimator is given (tune that estimator yourself, "
                      "for example with GridSearchCV).", UserWarning, stacklevel=4)
    lambda_reward = (space.defaults.lambda_reward if isinstance(params["lambda_reward"], str)
                     else float(params["lambda_reward"]))
    n_iter, warm_up = params["n_iter"], params["warm_up"]
    if isinstance(n_iter, str):
        n_iter = space.defaults.n_iter_anchored if anchored else space.defaults.n_iter
    n_candidates = params["n_candidates"]
    if isinstance(n_candidates, str):
        n_candidates = space.defaults.n_candidates_anchored if anchored else 1
    warm_up_iter = (int(min(warm_up, n_iter)) if isinstance(warm_up, numbers.Integral)
                    else int(warm_up * n_iter))
    schedule = TrainingSchedule(
        n_iter=n_iter, warm_up_iter=warm_up_iter, lambda_reward=lambda_reward,
        batch_size=params["batch_size"], learning_rate=float(params["learning_rate"]),
        discriminator_interval=params["discriminator_interval"],
        buffer_size=params["buffer_size"], balanced_batches=balanced_batches)
    reward_batch_size = params["reward_batch_size"]
    if isinstance(reward_batch_size, str):  # "auto"
        reward_batch_size = (CPU_REWARD_BATCH_SIZE if params["feature_extractor"] is not None
                             and device.type == "cpu" else None)
    seeds = check_random_state(params["random_state"]).randint(np.iinfo(np.int32).max, size=3)
    return FitConfig(
        name=name, lambda_reward=lambda_reward,
        reward_settings=RewardSettings(params["alpha"], params["epsilon"],
                                       params["reward_constant"]),
        schedule=schedule, latent_dim=params["latent_dim"], hidden_layer_sizes=hidden,
        policy_hidden_layer_sizes=policy_hidden, dropout=params["dropout"],
        anchor_radius=params["anchor_radius"] if anchored else None,
        horizontal_flip=bool(params["horizontal_flip"]),
        margin_filter=params["margin_filter"], n_candidates=int(n_candidates),
        reward_batch_size=reward_batch_size,
        reward_estimator=params["reward_estimator"],
        reward_param_grid=check_reward_param_grid(params["reward_param_grid"]),
        feature_extractor=params["feature_extractor"], device=device,
        seeds=Seeds(*(int(s) for s in seeds)), verbose=params["verbose"])
