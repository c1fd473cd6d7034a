"""Rows per class: one rule for the front doors, AugmentedClassifierCV and the
benchmarks, resolved and validated before any training."""

import numbers

import numpy as np


def check_count(count, name):
    """A non-negative integer count (not a bool), as an int."""
    if isinstance(count, (bool, np.bool_)) or not isinstance(count, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer; got {count!r}.")
    if count < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {count}.")
    return int(count)


def resolve_counts(spec, classes, class_sizes=None, *, name="n_synthetic"):
    """Rows per class, aligned with ``classes``, as an int64 array.

    Parameters
    ----------
    spec : float, int or dict
        A float is a share of each class's size (rounded half to even), an int
        one count for every class, a dict ``{label: count}`` (classes not named
        get none). Bools are refused.
    classes : ndarray
        The class labels, in order.
    class_sizes : ndarray or None
        Rows per class; needed for a float share.
    name : str
        The parameter's name in error messages.
    """
    if isinstance(spec, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer count, a float share or a dict "
                        f"{{label: count}}, not the bool {spec!r}.")
    if isinstance(spec, dict):
        index = {label: i for i, label in enumerate(classes.tolist())}
        counts = np.zeros(len(classes), dtype=np.int64)
        for label, count in spec.items():
            key = label.item() if isinstance(label, np.generic) else label
            if key not in index:
                raise ValueError(f"{name} names class {label!r}, which is not among the "
                                 f"fitted classes {classes.tolist()}.")
            counts[index[key]] = check_count(count, f"{name}[{label!r}]")
        return counts
    if isinstance(spec, numbers.Integral):
        return np.full(len(classes), check_count(spec, name), dtype=np.int64)
    if isinstance(spec, numbers.Real) and np.isfinite(spec) and spec >= 0:
        if class_sizes is None:
            raise TypeError(f"{name} must be an integer count or a dict here; got {spec!r}.")
        return np.round(float(spec) * np.asarray(class_sizes)).astype(np.int64)
    raise (ValueError if isinstance(spec, numbers.Real) else TypeError)(
        f"{name} must be a share >= 0 (float), a count (int) or a dict {{label: count}}; "
        f"got {spec!r}.")


def synthetic_counts(y, n_synthetic):
    """Synthetic rows per class for labels ``y``: ``{label: count}``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    n_synthetic : float, int or dict
        As ``ActiveGANAugmenter``'s ``n_synthetic``: a share of each class's size,
        a count per class, or ``{label: count}``.

    Examples
    --------
    >>> from sk_activegan import synthetic_counts
    >>> synthetic_counts([0] * 10 + [1] * 30, 0.5)
    {0: 5, 1: 15}
    >>> synthetic_counts(["a", "b", "b"], {"b": 2})
    {'a': 0, 'b': 2}
    """
    classes, sizes = np.unique(np.asarray(y), return_counts=True)
    counts = resolve_counts(n_synthetic, classes, sizes)
    return dict(zip(classes.tolist(), counts.tolist()))

