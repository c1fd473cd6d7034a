"""Training curves from ``history_`` (matplotlib is an optional extra: ``[plots]``)."""

import numpy as np


def _rolling_nanmean(values, window):
    """Mean over the last ``window`` computed (non-NaN) values, per iteration."""
    finite = np.isfinite(values)
    totals = np.cumsum(np.where(finite, values, 0.0))
    counts = np.cumsum(finite)
    shifted = lambda a: np.concatenate([np.zeros(window), a[:-window]])[: len(a)]  # noqa: E731
    n = counts - shifted(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (totals - shifted(totals)) / n, np.nan)


#: The ``history_`` series of :func:`plot_history`'s first and third panels (the second
#: draws ``mean_reward`` and ``realism``).
LOSSES = ("discriminator_loss", "generator_loss", "uncertainty_loss", "policy_loss")
DIAGNOSTICS = ("conditioned_margin", "conditioned_share", "nn_distance_ratio")


def plot_history(history, *, window=50, axes=None):
    """Draw every training curve of a fitted augmenter (all nine ``history_`` series).

    Three panels: the four losses (rolling means, symmetric log scale); the batch
    mean reward (points where computed, and its rolling mean) with the
    discriminator's mean realism; and the diagnostics recorded at logging points
    (conditioned margin, share in the conditioned class, nearest-neighbour
    distance ratio).

    Parameters
    ----------
    history : ActiveGANAugmenter or dict
        A fitted augmenter (or over-sampler), or its ``history_``.
    window : int, default=50
        Iterations of the rolling mean drawn over the raw values.
    axes : sequence of three matplotlib Axes or None
        Where to draw the three panels; None makes a new figure.

    Returns
    -------
    axes : ndarray of three matplotlib Axes

    Raises
    ------
    ValueError
        When the history is empty: the generator was not trained (``n_iter=0``, or
        ``generator="random-warp"``, which trains nothing).
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot_history needs matplotlib: pip install 'sk_activegan[plots]'"
        ) from exc
    history = getattr(history, "history_", history)
    if not len(history["generator_loss"]):
        raise ValueError("There is no training to plot: the generator was not trained "
                         "(n_iter=0, or generator='random-warp', which trains nothing). "
                         "Fit with n_iter > 0 and a trained family to see its curves.")
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(15, 3.8))
    losses, rewards, diagnostics = axes
    iterations = np.arange(1, len(history["generator_loss"]) + 1)
    for name in LOSSES:
        if np.isfinite(history[name]).any():
            losses.plot(iterations, _rolling_nanmean(history[name], window), label=name)
    losses.set(xlabel="generator update", ylabel=f"loss (rolling mean, {window})",
               yscale="symlog", title="losses (eq. 4, 5, 12, policy fit)")
    losses.legend(fontsize="small")
    reward = history["mean_reward"]
    computed = np.isfinite(reward)
    rewards.plot(iterations[computed], reward[computed], ".", alpha=0.3,
                 label="mean_reward (batch)")
    rewards.plot(iterations, _rolling_nanmean(reward, window),
                 label=f"mean_reward (rolling mean, {window})")
    rewards.plot(iterations, _rolling_nanmean(history["realism"], window),
                 label=f"realism (rolling mean, {window})")
    rewards.set(xlabel="generator update", ylabel="reward (eq. 9) / P(real)",
                title="reward and realism")
    rewards.legend(fontsize="small")
    for name in DIAGNOSTICS:
        values = history[name]
        logged = np.isfinite(values)
        diagnostics.plot(iterations[logged], values[logged], "o-", markersize=3, label=name)
    diagnostics.set(xlabel="generator update", ylabel="batch value",
                    title="diagnostics (logging points)")
    diagnostics.legend(fontsize="small")
    return np.asarray(axes)
