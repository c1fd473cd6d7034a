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


#: A series computed at no more than this share of the iterations is drawn as
#: points at its logging points (third panel), not as a rolling mean.
SPARSE_SHARE = 0.25


def _panels(history):
    """``(losses, dense, sparse)``: the names of the series ending in ``_loss``, the
    other series computed at most iterations, and those logged at intervals."""
    losses, dense, sparse = [], [], []
    for name, values in history.items():
        computed = int(np.isfinite(values).sum())
        if name.endswith("_loss"):
            losses.append(name)
        elif computed and computed <= max(1, SPARSE_SHARE * len(values)):
            sparse.append(name)
        else:
            dense.append(name)
    return losses, dense, sparse


def plot_history(history, *, window=50, axes=None):
    """Draw every training curve of a fitted augmenter: whichever series its
    generator family records (``history_``; the family's ``history_columns``).

    Three panels: the losses (series named ``*_loss``; rolling means, symmetric
    log scale); the other series computed at most iterations (for ActiveGAN's
    families the batch mean reward, points where computed and its rolling mean,
    and the discriminator's mean realism); and the series logged at intervals
    (for ActiveGAN's families the diagnostics: conditioned margin, share in the
    conditioned class, nearest-neighbour distance ratio).

    Parameters
    ----------
    history : ActiveGANAugmenter or dict
        A fitted augmenter (or over-sampler), or its ``history_``: ``{name: array
        of shape (n_iter,)}``, NaN where not computed.
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
        When the history is empty: the generator was not trained (``n_iter=0``,
        or a family that trains nothing).
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot_history needs matplotlib: pip install 'sk_activegan[plots]'"
        ) from exc
    history = getattr(history, "history_", history)
    if not any(len(values) for values in history.values()):
        raise ValueError("There is no training to plot: the generator was not trained "
                         "(n_iter=0, or a family that trains nothing). Fit with n_iter "
                         "> 0 to see its training curves.")
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(15, 3.8))
    loss_axes, dense_axes, sparse_axes = axes
    losses, dense, sparse = _panels(history)
    iterations = np.arange(1, len(next(iter(history.values()))) + 1)
    for name in losses:
        if np.isfinite(history[name]).any():
            loss_axes.plot(iterations, _rolling_nanmean(history[name], window), label=name)
    loss_axes.set(xlabel="generator update", ylabel=f"loss (rolling mean, {window})",
                  yscale="symlog", title="losses")
    for name in dense:
        values = history[name]
        computed = np.isfinite(values)
        if not computed.all():  # computed at some iterations: the points too
            dense_axes.plot(iterations[computed], values[computed], ".", alpha=0.3,
                            label=f"{name} (batch)")
        dense_axes.plot(iterations, _rolling_nanmean(values, window),
                        label=f"{name} (rolling mean, {window})")
    dense_axes.set(xlabel="generator update", ylabel="value",
                   title="per-iteration series (eq. 9's reward, P(real))")
    for name in sparse:
        values = history[name]
        logged = np.isfinite(values)
        sparse_axes.plot(iterations[logged], values[logged], "o-", markersize=3, label=name)
    sparse_axes.set(xlabel="generator update", ylabel="batch value",
                    title="logged at intervals (diagnostics)")
    for ax in axes:
        if ax.get_lines():
            ax.legend(fontsize="small")
    return np.asarray(axes)
