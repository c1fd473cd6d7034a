"""The estimator's parameters, resolved once per fit into a frozen :class:`FitConfig`.

The generator family is decided once (the ``generator`` parameter, "auto" from the
data space), "auto" values resolved from the family, sizes and the device checked,
the warm-up turned into iterations and the seeds drawn, all before any training;
the fitting steps read only the config.
"""

import numbers
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._reward import n_folds_for
from ._validation import check_reward_param_grid, resolve_device
from ._families import FAMILIES
from .generators import TRAINING_PARAMETERS, TrainingBudget

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

    ``generator`` is the generator family (a clone with the routed settings set),
    decided once from the data space and the ``generator`` parameter;
    ``budget`` the method's training knobs it trains within (``n_iter`` 0 for a
    family that trains nothing); ``reward_param_grid`` has lists as values
    (:func:`check_reward_param_grid`).
    """

    name: str
    generator: object
    reward_settings: RewardSettings
    budget: TrainingBudget
    margin_filter: object
    n_candidates: int
    reward_batch_size: object
    reward_estimator: object
    reward_param_grid: object
    feature_extractor: object
    device: torch.device
    seeds: Seeds
    verbose: int


def resolve_config(params, data, *, name, defaults, generator_defaults=None,
                   balanced_batches=False):
    """The :class:`FitConfig` of an estimator of class ``name`` with parameters
    ``params`` (its ``get_params(deep=False)``, routed ``generator__*`` settings
    included) and declared ``defaults`` (``{name: default}``) for checked ``data``.

    Raises ``ValueError`` for settings the data cannot take, before any training;
    warns once (``UserWarning``) about parameters the chosen generator family does
    not read, and (``FutureWarning``) about the deprecated ``method``.
    """
    space = data.space
    device = resolve_device(params["device"])
    space.check_settings(categorical=data.categorical,
                         feature_extractor=params["feature_extractor"])
    family = resolve_generator(params, space, name, generator_defaults or {})
    family.check(space, n_features=data.X.shape[1], categorical=data.categorical)
    if params["reward_estimator"] is None:
        n_folds_for(data.y)  # fail early, naming the caller's labels
    elif params["reward_param_grid"] is not None:
        warnings.warn("reward_param_grid is ignored: it is the grid of the default reward "
                      "model, and reward_estimator is given (tune that estimator yourself, "
                      "for example with GridSearchCV).", UserWarning, stacklevel=4)
    n_candidates = _auto(params["n_candidates"], family.n_candidates_default)
    _warn_unread(params, defaults, family, n_candidates)
    budget = training_budget(params, family, balanced_batches)
    family.check_sizes(space, budget, n_features=data.X.shape[1])
    reward_batch_size = params["reward_batch_size"]
    if isinstance(reward_batch_size, str):  # "auto"
        reward_batch_size = (CPU_REWARD_BATCH_SIZE if params["feature_extractor"] is not None
                             and device.type == "cpu" else None)
    seeds = check_random_state(params["random_state"]).randint(np.iinfo(np.int32).max, size=3)
    return FitConfig(
        name=name, generator=family,
        reward_settings=RewardSettings(params["alpha"], params["epsilon"],
                                       params["reward_constant"]),
        budget=budget, margin_filter=params["margin_filter"], n_candidates=int(n_candidates),
        reward_batch_size=reward_batch_size,
        reward_estimator=params["reward_estimator"],
        reward_param_grid=check_reward_param_grid(params["reward_param_grid"]),
        feature_extractor=params["feature_extractor"], device=device,
        seeds=Seeds(*(int(s) for s in seeds)), verbose=params["verbose"])


def _auto(value, default):
    """A parameter's value, its "auto" resolved to ``default`` (the family's)."""
    return default if isinstance(value, str) else value


def training_budget(params, family, balanced_batches=False):
    """The :class:`~.generators.TrainingBudget` of one fit: ``n_iter`` and
    ``lambda_reward`` with "auto" resolved from the ``family`` (``n_iter`` 0 for a
    family that does not read it), the warm-up in iterations (a share of
    ``n_iter`` when a float, a count clipped to it when an int)."""
    n_iter = int(_auto(params["n_iter"], family.n_iter_default))
    if "n_iter" not in family.reads:
        n_iter = 0
    warm_up = params["warm_up"]
    warm_up_iter = (int(min(warm_up, n_iter)) if isinstance(warm_up, numbers.Integral)
                    else int(warm_up * n_iter))
    return TrainingBudget(n_iter, warm_up_iter,
                          float(_auto(params["lambda_reward"], family.lambda_default)),
                          balanced_batches)


def resolve_generator(params, space, name, generator_defaults=None):
    """The generator family of one fit: ``generator`` (a name, "auto" or a family
    object) with the ``generator__*`` settings (over the front door's
    ``generator_defaults`` for a family resolved from a name); the deprecated
    ``method`` mapped onto it with a ``FutureWarning``."""
    spec, method = params["generator"], params.get("method", "deprecated")
    if not (isinstance(method, str) and method == "deprecated"):
        if not (isinstance(spec, str) and spec == "auto"):
            raise ValueError(f"{name}: give generator={spec!r} or the deprecated method="
                             f"{method!r}, not both.")
        spec = "paper" if method == "paper" else "auto"
        warnings.warn(f"method was deprecated in version 0.3 and will be removed in 0.5: use "
                      f"generator={spec!r} (\"auto\" is the anchored family of the data: "
                      "'anchored' for tables, 'warp' for images).", FutureWarning, stacklevel=5)
    routed = {key[len("generator__"):]: value for key, value in params.items()
              if key.startswith("generator__")}
    family, ignored = make_family(spec, space, routed,
                                  (generator_defaults or {}).get(space.kind))
    if ignored:
        warnings.warn(f"{', '.join('generator__' + k for k in ignored)}: the generator "
                      f"{family.name!r} has no such setting, ignored (its settings: "
                      f"{sorted(family.get_params(deep=False))}).", UserWarning, stacklevel=5)
    return family


def make_family(spec, space, routed, defaults=None):
    """The family a fit uses: ``spec`` is a name (``"auto"``: the space's default)
    or a family object (cloned, not changed); ``routed`` are ``{setting: value}``
    from ``generator__<setting>`` keywords, set on it; ``defaults`` (a front door's
    own for this kind of data) are set first on a family resolved from a name,
    where it has the setting. Returns ``(family, ignored)``:
    routed settings that a family resolved from a name does not have are ignored and
    listed (a family object refuses them: ``ValueError``)."""
    if isinstance(spec, str):
        family = FAMILIES[space.defaults.generator if spec == "auto" else spec]()
        known = family.get_params(deep=False)
        family.set_params(**{k: v for k, v in (defaults or {}).items() if k in known})
        ignored = sorted(set(routed) - set(known))
        family.set_params(**{k: v for k, v in routed.items() if k in known})
        return family, ignored
    family = clone(spec)
    known = family.get_params(deep=False)
    unknown = sorted(set(routed) - set(known))
    if unknown:
        raise ValueError(f"generator__{unknown[0]}: the generator {type(family).__name__} has "
                         f"no setting {unknown[0]!r} (its settings: {sorted(known)}).")
    family.set_params(**routed)
    return family, []


def _warn_unread(params, defaults, family, n_candidates):
    """One warning naming the parameters set away from their default that the
    family does not read (eq. 8-9's settings still act when candidates are chosen)."""
    reads = set(family.reads)
    if n_candidates > 1:
        reads |= {"epsilon", "alpha", "reward_constant"}
    unread = [key for key in sorted(TRAINING_PARAMETERS - reads)
              if key in defaults and not _same(params[key], defaults[key])]
    if unread:
        warnings.warn(f"{', '.join(unread)} {'does' if len(unread) == 1 else 'do'} not apply to "
                      f"generator={family.name!r}, which trains nothing: ignored.",
                      UserWarning, stacklevel=5)


def _same(value, default):
    if isinstance(value, str) or isinstance(default, str):
        return isinstance(value, str) and isinstance(default, str) and value == default
    return value == default
