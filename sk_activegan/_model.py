"""The fitted model: one object holding everything ``sample`` and the diagnostics
read, with its own device-independent pickling."""

import copy

import numpy as np
import torch

from ._diagnostics import Diagnostics
from ._reward import UncertaintyReward, prepare_extractor, same_weights
from ._sampling import generate


def _raise_beyond_scale(rows):
    raise ValueError(
        f"{len(rows)} rows (the first at index {int(rows[0])}) lie too far from the training "
        "data for finite scores: their features are beyond the fitted scale by many orders "
        "of magnitude.")


#: Stands for the frozen extractor in a pickle that holds its source module instead.
_FROM_SOURCE = "prepare_extractor(extractor_source)"


class FittedActiveGAN:
    """A trained ActiveGAN and what it samples and scores with.

    Parameters
    ----------
    space : fitted DataSpace
        The caller's data <-> the model space.
    modules : FamilyModules
        The generator family's networks (for ActiveGAN's families the
        generator, discriminator and policy), on ``device``.
    reward_model : fitted classifier with predict_proba
        The reward model (fitted on ``feature_extractor``'s features when given).
    feature_extractor : torch.nn.Module or None
        The frozen copy of the extractor the reward reads images through.
    reward_settings : RewardSettings
        Eq. 8-9's settings, fixed at fit.
    classes : ndarray of shape (n_classes,)
        The class labels, as given.
    device : torch.device
    y_form : LabelForm
        The form labels come back in.
    margin_filter : float or None
        The margin filter ``sample`` applies by default (AC-GAN+F).
    n_candidates : int
        Candidates per row ``sample`` chooses among by default (1: no selection).
    sample_seed : int
        Seed of the sampling stream (a numpy Generator): successive draws continue it.
    extractor_source : torch.nn.Module or None
        The module ``feature_extractor`` was copied from (the estimator's parameter,
        never changed here): a pickle that holds both stores the weights once.

    The reward module and the diagnostics are derived from these (rebuilt on
    unpickling, on the device).
    """

    def __init__(self, space, modules, reward_model, feature_extractor, reward_settings,
                 classes, device, y_form, margin_filter, n_candidates, sample_seed,
                 extractor_source=None):
        self.space = space
        self.modules = modules
        self.reward_model = reward_model
        self.feature_extractor = feature_extractor
        self.extractor_source = extractor_source
        self.reward_settings = reward_settings
        self.classes = classes
        self.device = device
        self.y_form = y_form
        self.margin_filter = margin_filter
        self.n_candidates = n_candidates
        self.sample_rng = np.random.default_rng(sample_seed)
        self._build_derived()

    def _build_derived(self):
        proba = self.space.reward_proba(self.reward_model, self.device, self.feature_extractor)
        self.reward = UncertaintyReward(proba, **self.reward_settings._asdict())
        self.diagnostics = Diagnostics(self.reward, self.space, self.device)

    def generate(self, counts, margin_filter, n_candidates):
        """``counts[c]`` rows of every class index ``c`` in the caller's scale and
        dtype (an array), and their labels (as ``classes`` holds them); each row
        chosen among ``n_candidates`` by the reward model (1: every draw kept)."""
        return generate(self, counts, margin_filter, n_candidates)

    def scores(self, X, y):
        """Per-row diagnostics (``Diagnostics.scores``) of rows ``X`` (caller's scale,
        float array) labeled ``y`` (among ``classes``)."""
        known = {label: i for i, label in enumerate(self.classes.tolist())}
        unknown = set(y.tolist()) - set(known)
        if unknown:
            raise ValueError(f"y names classes {sorted(map(repr, unknown))} that are not "
                             f"among the fitted classes {self.classes.tolist()}.")
        with np.errstate(over="ignore"):
            x = self.space.to_model(np.asarray(X, dtype=np.float64))
        far = ~np.isfinite(x).all(axis=1)
        if far.any():
            _raise_beyond_scale(np.flatnonzero(far))
        x = torch.as_tensor(x, device=self.device)
        y_encoded = torch.as_tensor([known[label] for label in y.tolist()], dtype=torch.long,
                                    device=self.device)
        scores = self.diagnostics.scores(x, y_encoded, self.modules.discriminator)
        bad = ~np.logical_and.reduce([np.isfinite(v) for v in scores.values()])
        if bad.any():
            _raise_beyond_scale(np.flatnonzero(bad))
        return scores

    def __getstate__(self):
        """Device-independent state: networks and extractor as CPU copies (the live
        model is not moved); the reward module and diagnostics are rebuilt on load.

        While the frozen extractor still equals the module it was copied from (same
        class and ``state_dict``), only that module is kept: the estimator pickles it
        as its ``feature_extractor`` parameter, so the weights are stored once, and
        loading copies it again. Otherwise (the module was changed in place since the
        fit) the frozen copy itself is stored."""
        state = dict(self.__dict__)
        for derived in ("reward", "diagnostics"):
            state.pop(derived, None)
        state["modules"] = copy.deepcopy(self.modules).to("cpu")
        source = state.pop("extractor_source", None)
        if self.feature_extractor is not None:
            if source is not None and same_weights(self.feature_extractor, source):
                state["feature_extractor"] = _FROM_SOURCE
                state["extractor_source"] = source
            else:
                state["feature_extractor"] = copy.deepcopy(self.feature_extractor).to("cpu")
        state["device"] = str(self.device)
        return state

    def __setstate__(self, state):
        """Back on the fitted device, or on the CPU where that device is missing."""
        self.__dict__.update(state)
        device = torch.device(state["device"])
        if device.type == "cuda" and not torch.cuda.is_available():
            device = torch.device("cpu")
        self.device = device
        self.modules.to(device)
        self.__dict__.setdefault("extractor_source", None)
        if isinstance(self.feature_extractor, str) and self.feature_extractor == _FROM_SOURCE:
            self.feature_extractor = prepare_extractor(self.extractor_source, device)
        elif self.feature_extractor is not None:
            self.feature_extractor.to(device)
        self._build_derived()
