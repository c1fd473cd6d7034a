"""Sizes checked before work: an output or buffer that cannot fit in memory is a
``ValueError`` naming the parameter and the bytes it would take, raised before any
training, instead of numpy's or torch's bare ``MemoryError`` after it.

The rule: refuse when the array would take more than the memory available now,
the least of what the process may still use under each limit that applies:

- the host's available memory (``psutil.virtual_memory().available`` when psutil
  is installed, else the free pages ``os.sysconf`` reports);
- the process's address-space limit (``RLIMIT_AS``: ``ulimit -v``, a container's or
  a job scheduler's), less the address space already mapped;
- its control group's memory limit (cgroup v2 ``memory.max``, v1
  ``memory.limit_in_bytes``: a container's), less the group's usage net of the
  reclaimable file cache.

A limit that cannot be read is left out (no check where none can). It is a floor,
not a promise: an output that passes may still not fit beside everything else.
"""

import os

#: Where control groups are mounted (Linux).
CGROUP_ROOT = "/sys/fs/cgroup"
#: A cgroup limit at or above this is "no limit" (v1 writes 2**63 rounded to pages).
_NO_LIMIT = 2 ** 60


def host_available_memory():
    """Bytes of the host's memory available now, or None where that cannot be read."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except (ImportError, AttributeError, OSError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def address_space_left():
    """Bytes the process may still map under ``RLIMIT_AS``, or None without a limit."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit == resource.RLIM_INFINITY or limit < 0:
            return None
        with open("/proc/self/statm") as statm:  # the first field: pages mapped
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, AttributeError, OSError, ValueError, IndexError):
        return None
    return max(int(limit) - int(mapped), 0)


def _read_number(path):
    with open(path) as handle:
        text = handle.read().strip()
    return None if text == "max" else int(text)


def _own_cgroup(root):
    """The process's cgroup path per hierarchy, ``{"": v2 path, "memory": v1 path}``."""
    paths = {}
    try:
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for controller in controllers.split(",") if controllers else [""]:
                    paths[controller] = path.lstrip("/")
    except (OSError, ValueError):
        pass
    return paths


def cgroup_memory_left(root=None):
    """Bytes the process's control group may still use under its memory limit, or
    None without a limit (or where none can be read)."""
    root = CGROUP_ROOT if root is None else root
    own = _own_cgroup(root)
    v2 = [os.path.join(root, own.get("", ""), ""), os.path.join(root, "")]
    v1 = [os.path.join(root, "memory", own.get("memory", ""), ""),
          os.path.join(root, "memory", "")]
    for folder, limit_name, usage_name, cache_name in (
            *[(f, "memory.max", "memory.current", "inactive_file") for f in v2],
            *[(f, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")
              for f in v1]):
        try:
            limit = _read_number(folder + limit_name)
        except (OSError, ValueError):
            continue
        if limit is None or limit >= _NO_LIMIT:
            return None
        try:
            usage = _read_number(folder + usage_name) or 0
            cache = 0
            with open(folder + "memory.stat") as stat:
                for line in stat:
                    name, _, value = line.partition(" ")
                    if name == cache_name:
                        cache = int(value)
        except (OSError, ValueError):
            usage = cache = 0
        return max(limit - max(usage - cache, 0), 0)
    return None


def memory_limits():
    """``{what: bytes}`` the process may still use under each limit that can be read."""
    limits = {"host memory available": host_available_memory(),
              "the address-space limit (RLIMIT_AS) left": address_space_left(),
              "the control group's memory limit (memory.max) left": cgroup_memory_left()}
    return {name: value for name, value in limits.items() if value is not None}


def available_memory():
    """Bytes of memory available now (the least of `memory_limits`), or None where
    no limit can be read."""
    limits = memory_limits()
    return min(limits.values()) if limits else None


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
        binding = [what for what, value in memory_limits().items() if value == available]
        raise ValueError(
            f"{name}: {what} would take {int(n_rows):,} rows x {int(n_columns):,} values x "
            f"{int(itemsize)} bytes = {_format_bytes(nbytes)}, more than the "
            f"{_format_bytes(available)} of memory available now"
            f"{f' ({binding[0]})' if binding else ''}; lower {name}.")
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
