"""ONNX Runtime for frozen extractors: a module exported once per weights and input
size (torch's exporter), cached on disk in a user cache folder, written atomically."""

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import warnings
from pathlib import Path

import torch

#: The environment variable naming the folder exported networks are cached in.
CACHE_ENV = "SK_ACTIVEGAN_CACHE_DIR"

#: Bumped when the exported graph changes, so that older cached files are not read.
_EXPORT_FORMAT = b"sk_activegan efficientnet-lite0 folded features, onnx v1"


def default_cache_dir():
    """The folder exported networks are cached in: ``$SK_ACTIVEGAN_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/sk_activegan``, else ``~/.cache/sk_activegan``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "sk_activegan"


def _onnxruntime():
    """The ``onnxruntime`` module, or None when it is not installed."""
    try:
        import onnxruntime
    except ImportError:
        return None
    return onnxruntime


def _weights_key(module, input_size):
    """A hash of ``module``'s tensors (names, dtypes, shapes, values) and the input size:
    the name of its exported file in the cache."""
    digest = hashlib.sha256(_EXPORT_FORMAT + f" {input_size}px".encode())
    for name, tensor in module.state_dict().items():
        digest.update(f"{name} {tensor.dtype} {tuple(tensor.shape)}".encode())
        digest.update(tensor.detach().cpu().flatten().numpy().tobytes())
    return digest.hexdigest()[:24]


def _export_onnx(module, input_size):
    """``module`` (images ``(n, 3, input_size, input_size)`` -> ``(n, k)``) as an ONNX
    program with a free batch dimension (torch's exporter; needs ``onnx`` and
    ``onnxscript``), its progress messages and deprecation notes silenced."""
    example = torch.zeros(2, 3, input_size, input_size)
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), torch.no_grad(), \
                contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            return torch.onnx.export(module, (example,), dynamo=True, verbose=False,
                                     input_names=["images"], output_names=["features"],
                                     dynamic_shapes=({0: torch.export.Dim("n")},))
    finally:
        logger.setLevel(level)


def _cached_onnx(module, input_size, cache_dir):
    """The exported ``module`` from the cache, exported and written there first when
    absent: a path, or the model's bytes when the folder cannot be written.

    Written to a temporary file beside its final name, then renamed: two processes
    exporting at once each write their own file and the last rename wins, so no
    reader sees a partial file."""
    cache_dir = Path(cache_dir)
    path = cache_dir / f"efficientnet_lite0_{input_size}px_{_weights_key(module, input_size)}.onnx"
    if path.is_file():
        return str(path)
    program = _export_onnx(module, input_size)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_dir, prefix=path.stem + ".",
                                             suffix=".tmp")
        os.close(handle)
        try:
            program.save(temporary, external_data=False)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
    except OSError:
        return program.model_proto.SerializeToString()
    return str(path)


__all__ = ["CACHE_ENV", "default_cache_dir"]
