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


def plot_history(history, *, window=50, axes=None):
    """Draw the training curves of a fitted augmenter.

    Parameters
    ----------
    history : ActiveGANAugmenter or dict
        A fitted augmenter, or its ``history_``.
    window : int, default=50
        Iterations of the rolling mean drawn over the raw values.
    axes : pair of matplotlib Axes or None
        Where to draw the losses and the mean reward; None makes a new figure.

    Returns
    -------
    axes : ndarray of two matplotlib Axes
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot_history needs matplotlib: pip install 'sk_activegan[plots]'"
        ) from exc
    history = getattr(history, "history_", history)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    losses, rewards = axes
    iterations = np.arange(1, len(history["generator_loss"]) + 1)
    for name in ("discriminator_loss", "generator_loss", "uncertainty_loss", "policy_loss"):
        if np.isfinite(history[name]).any():
            losses.plot(iterations, _rolling_nanmean(history[name], window), label=name)
    losses.set(xlabel="generator update", ylabel=f"loss (rolling mean, {window})",
               yscale="symlog")
    losses.legend(fontsize="small")
    reward = history["mean_reward"]
    computed = np.isfinite(reward)
    rewards.plot(iterations[computed], reward[computed], ".", alpha=0.3, label="batch mean")
    rewards.plot(iterations, _rolling_nanmean(reward, window), label=f"rolling mean ({window})")
    rewards.set(xlabel="generator update", ylabel="mean uncertainty reward (eq. 9)")
    rewards.legend(fontsize="small")
    return np.asarray(axes)
