"""Uncertainty measures and rewards of the paper (eq. 6-9).

Every function takes a batch of class probabilities ``proba`` of shape
``(n_samples, n_classes)`` as a :class:`torch.Tensor` and returns one value per
sample. They are pure and differentiable wherever the equations are.
"""

import torch


def top_two_margin(proba):
    """Smallest-margin uncertainty ``u_m = p(y'_1|x) - p(y'_2|x)`` (eq. 6).

    ``y'_1`` and ``y'_2`` are the two most probable classes. Lies in [0, 1]:
    0 on the decision boundary between two classes, 1 for a certain sample.
    """
    top_two = torch.topk(proba, k=2, dim=1).values
    return top_two[:, 0] - top_two[:, 1]


def conditioned_margin(proba, y):
    """Margin for the conditioned class: ``p(y|x) - max_{c != y} p(c|x)`` (a diagnostic).

    Lies in [-1, 1]; positive when ``x`` is on the side of class ``y``.
    Equals :func:`top_two_margin` whenever ``y`` is the most probable class.
    """
    own = proba.gather(1, y.view(-1, 1)).squeeze(1)
    others = proba.scatter(1, y.view(-1, 1), float("-inf"))
    return own - others.max(dim=1).values


def label_entropy(proba):
    """Label-entropy uncertainty ``u_le = -sum_y' p(y'|x) log p(y'|x)`` (eq. 7)."""
    return -torch.special.xlogy(proba, proba).sum(dim=1)


def margin_reward(proba, epsilon, constant=0.0):
    """Truncated margin reward (eq. 8).

    ``r_m = exp(-u_m)`` where ``u_m <= epsilon``, else ``constant`` (C, 0 in the paper).
    """
    margin = top_two_margin(proba)
    return torch.where(
        margin <= epsilon, torch.exp(-margin), torch.full_like(margin, constant)
    )


def entropy_reward(proba):
    """Label-entropy reward ``r_le = exp(u_le)`` (text after eq. 8)."""
    return torch.exp(label_entropy(proba))


def uncertainty_reward(proba, *, alpha, epsilon, constant=0.0):
    """Mixed uncertainty reward ``r = alpha r_m + (1 - alpha) r_le`` (eq. 9)."""
    return alpha * margin_reward(proba, epsilon, constant) + (1.0 - alpha) * entropy_reward(proba)
