"""Per-sample diagnostics: one implementation for ``sample_diagnostics``,
``history_`` and the benchmarks.

- ``reward``: eq. 9 with the fitted settings;
- ``margin``: the reward model's top-two margin (eq. 6);
- ``conditioned_margin``: ``p(y|x) - max p(other|x)``, negative when the reward
  model assigns the row to another class than its label;
- ``realism``: the discriminator's probability that the row is real;
- ``nn_distance_ratio``: distance to the nearest real training row of the same
  class over that class's spacing (model space; about 1 means "as close as real
  rows are to each other", 0 a copy).
"""

import numpy as np
import torch
from torch import nn

from ._reward import UncertaintyReward, conditioned_margin, top_two_margin

#: Rows per forward pass of a network at most, when sampling and scoring.
CHUNK_ROWS = 65_536
#: Values (rows x values per row) per forward pass at most: wide rows (images) go
#: in fewer rows, so that a pass's memory does not grow with the row's width.
CHUNK_VALUES = 2 ** 24


def chunk_rows(n_values):
    """Rows per forward pass for rows of ``n_values`` values: :data:`CHUNK_ROWS`
    for narrow rows, fewer as rows widen (at least 1)."""
    return int(max(1, min(CHUNK_ROWS, CHUNK_VALUES // max(int(n_values), 1))))

SCORE_NAMES = ("reward", "margin", "conditioned_margin", "realism", "nn_distance_ratio")


class Diagnostics(nn.Module):
    """Scores of labeled rows in a space's model space, on the training device.

    Parameters
    ----------
    reward : UncertaintyReward
    space : fitted data space (its real rows, labels and class spacing)
    device : torch.device
    """

    def __init__(self, reward, space, device):
        super().__init__()
        self.reward = reward
        self.register_buffer("real", torch.as_tensor(space.real, device=device))
        self.register_buffer("labels", torch.as_tensor(space.labels, device=device))
        self.register_buffer("spacing", torch.as_tensor(space.spacing, dtype=torch.float32,
                                                        device=device))

    def nn_distance_ratio(self, x, y):
        """Distance to the nearest real row of the same class, over its spacing."""
        ratio = torch.empty(len(x), device=x.device, dtype=torch.float32)
        for c in torch.unique(y).tolist():
            rows = torch.nonzero(y == c).flatten()
            real = self.real[self.labels == c]
            step = chunk_rows(len(real))  # the distance matrix: step x len(real) values
            for start in range(0, len(rows), step):
                part = rows[start:start + step]
                nearest = torch.cdist(x[part].float(), real).min(dim=1).values
                ratio[part] = nearest / self.spacing[c]
        return ratio

    @torch.no_grad()
    def batch_summary(self, x, y):
        """Mean conditioned margin, share on the side of its label, median NN ratio."""
        own = conditioned_margin(self.reward.proba(x), y)
        return torch.stack([own.mean().float(), (own > 0).float().mean(),
                            self.nn_distance_ratio(x, y).median()])

    @torch.no_grad()
    def scores(self, x, y, discriminator=None):
        """Every score of :data:`SCORE_NAMES` per row, as float64 numpy arrays
        (``realism`` only with a discriminator); the networks see
        :func:`chunk_rows` rows per pass (a feature extractor fewer)."""
        parts = {name: [] for name in SCORE_NAMES}
        step = chunk_rows(x[0].numel()) if len(x) else 1
        for start in range(0, len(x), step):
            xc, yc = x[start:start + step], y[start:start + step]
            proba = self.reward.proba(xc)
            chunk = {"reward": self.reward.from_proba(proba), "margin": top_two_margin(proba),
                     "conditioned_margin": conditioned_margin(proba, yc),
                     "nn_distance_ratio": self.nn_distance_ratio(xc, yc)}
            if discriminator is not None:
                chunk["realism"] = torch.sigmoid(discriminator(xc)[0])
            for name, value in chunk.items():
                parts[name].append(value.double().cpu().numpy())
        if discriminator is None:
            del parts["realism"]
        return {name: np.concatenate(values) if values else np.empty(0)
                for name, values in parts.items()}


def summarize(scores, epsilon):
    """Means and medians of per-sample scores, as the benchmark tables report them."""
    if len(scores["margin"]) == 0:
        return {}
    return {
        "mean_reward": float(scores["reward"].mean()),
        "share_margin_le_epsilon": float((scores["margin"] <= epsilon).mean()),
        "share_conditioned_class": float((scores["conditioned_margin"] > 0).mean()),
        "median_margin": float(np.median(scores["margin"])),
        "median_conditioned_margin": float(np.median(scores["conditioned_margin"])),
        "median_nn_distance_ratio": float(np.median(scores["nn_distance_ratio"])),
    }


def synthetic_diagnostics(X, y, X_syn, y_syn, reward_estimator, *, epsilon=0.2, alpha=0.5,
                          reward_constant=0.0):
    """Diagnostics of any synthetic rows against real training rows.

    The same scores as `ActiveGANAugmenter.sample_diagnostics` (without
    ``realism``, which needs a trained discriminator), for rows from any
    generator: SMOTE's, for example.

    Parameters
    ----------
    X, y : array-like
        The real training rows and labels.
    X_syn, y_syn : array-like
        The synthetic rows and their labels (among ``y``'s classes).
    reward_estimator : fitted classifier with predict_proba
        The reward model, fitted on ``(X, y)``.
    epsilon, alpha, reward_constant : float
        Eq. 8-9's settings.

    Returns
    -------
    scores : dict of ndarray of shape (n_synthetic,)
        ``reward``, ``margin``, ``conditioned_margin`` and ``nn_distance_ratio``.
    summary : dict of float
        Their means and medians (``mean_reward``, ``share_margin_le_epsilon``,
        ``share_conditioned_class``, ``median_margin``,
        ``median_conditioned_margin``, ``median_nn_distance_ratio``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_activegan import make_reward_model, synthetic_diagnostics
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_reward_model().fit(X, y)
    >>> scores, summary = synthetic_diagnostics(X, y, X[:5] + 0.01, y[:5], model)
    >>> sorted(scores), summary["share_conditioned_class"]
    (['conditioned_margin', 'margin', 'nn_distance_ratio', 'reward'], 1.0)
    """
    from ._spaces import make_space

    X, X_syn = np.asarray(X, dtype=np.float64), np.asarray(X_syn, dtype=np.float64)
    classes, labels = np.unique(np.asarray(y), return_inverse=True)
    known = {label: i for i, label in enumerate(classes.tolist())}
    y_syn = np.asarray(y_syn)
    unknown = set(y_syn.tolist()) - set(known)
    if unknown:
        raise ValueError(f"y_syn names classes {sorted(map(repr, unknown))} that are not in y.")
    space = make_space(None, X.shape[1]).fit(X, X, labels, len(classes))  # a table
    device = torch.device("cpu")
    reward = UncertaintyReward(space.reward_proba(reward_estimator, device), alpha=alpha,
                               epsilon=epsilon, constant=reward_constant)
    diagnostics = Diagnostics(reward, space, device)
    x = torch.as_tensor(space.to_model(X_syn))
    y_encoded = torch.as_tensor([known[label] for label in y_syn.tolist()], dtype=torch.long)
    scores = diagnostics.scores(x, y_encoded)
    return scores, summarize(scores, epsilon)
