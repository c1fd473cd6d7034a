"""Sizes checked before work: an output or buffer that cannot fit in memory is a
``ValueError`` naming the parameter and the bytes it would take, raised before any
training, instead of numpy's or torch's bare ``MemoryError`` after it.

The rule: refuse when the array would take more than the memory available now
(``psutil.virtual_memory().available`` when psutil is installed, else the free
pages ``os.sysconf`` reports; no check where neither says). It is a floor, not a
promise: an output that passes may still not fit beside everything else.
"""

import os


def available_memory():
    """Bytes of memory available now, or None where that cannot be read."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except (ImportError, AttributeError, OSError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def _format_bytes(n):
    """``"7,200 bytes (7.0 KiB)"``."""
    text, size = f"{int(n):,} bytes", float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        size /= 1024
        if size < 1024 or unit == "EiB":
            return text if n < 1024 else f"{text} ({size:,.1f} {unit})"
    return text


def check_fits_in_memory(n_rows, n_columns, itemsize, name, what="the output"):
    """Raise ``ValueError`` naming parameter ``name`` when an array of ``n_rows`` x
    ``n_columns`` items of ``itemsize`` bytes would exceed the available memory."""
    nbytes = int(n_rows) * int(n_columns) * int(itemsize)
    available = available_memory()
    if available is not None and nbytes > available:
        raise ValueError(
            f"{name}: {what} would take {int(n_rows):,} rows x {int(n_columns):,} values x "
            f"{int(itemsize)} bytes = {_format_bytes(nbytes)}, more than the "
            f"{_format_bytes(available)} of memory available now; lower {name}.")
    return nbytes


def caller_itemsize(X):
    """Bytes per value of the caller's X as the output will hold it: its dtype's
    for a numeric array, 8 otherwise (DataFrames, lists, objects)."""
    dtype = getattr(X, "dtype", None)
    return dtype.itemsize if dtype is not None and dtype.kind in "biuf" else 8


def check_training_sizes(*, n_iter, buffer_size, batch_size, n_features, latent_dim,
                         n_history_columns, hidden_layer_sizes=(),
                         policy_hidden_layer_sizes=(), prefix=""):
    """The arrays training allocates before its first step, checked: the history
    (``n_iter``), the sample buffer (``buffer_size``) and one batch (``batch_size``),
    float32 rows of the features and the noise; and a floor on the networks'
    float32 weights: the products of consecutive ``hidden_layer_sizes`` (layers
    the generator and the discriminator both hold; a convolution holds its
    kernel's size times more), and the policy's, from the features through
    ``policy_hidden_layer_sizes`` to the noise. ``prefix`` goes before the names of
    the generator family's settings in the errors (``"generator__"``)."""
    width = n_features + latent_dim
    check_fits_in_memory(n_iter, n_history_columns, 4, "n_iter", "a training history")
    check_fits_in_memory(buffer_size, width, 4, f"{prefix}buffer_size", "a sample buffer")
    check_fits_in_memory(batch_size, width, 4, f"{prefix}batch_size", "a training batch")
    for name, widths in [(f"{prefix}hidden_layer_sizes", list(hidden_layer_sizes)),
                         (f"{prefix}policy_hidden_layer_sizes",
                          [n_features, *policy_hidden_layer_sizes, latent_dim])]:
        weights = sum(int(a) * int(b) for a, b in zip(widths[:-1], widths[1:]))
        check_fits_in_memory(weights, 1, 4, name, "the network weights (at least)")
