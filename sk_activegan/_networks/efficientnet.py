"""EfficientNet-Lite with its batch norms folded into its convolutions: the fast
torch path of ``sk_activegan.extractors.EfficientNetLite0Features``."""

import torch
from torch import nn


def folded_conv(conv, batch_norm):
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


class FoldedBlock(nn.Module):
    """One MBConv block of EfficientNet-Lite (no squeeze-and-excitation, ReLU6) with
    its batch norms folded into the convolutions."""

    def __init__(self, block):
        super().__init__()
        layers = []
        if block._block_args.expand_ratio != 1:
            layers += [folded_conv(block._expand_conv, block._bn0), nn.ReLU6()]
        layers += [folded_conv(block._depthwise_conv, block._bn1), nn.ReLU6(),
                   folded_conv(block._project_conv, block._bn2)]
        self.body = nn.Sequential(*layers)
        args = block._block_args
        self.residual = bool(args.id_skip and args.stride == 1
                             and args.input_filters == args.output_filters)

    def forward(self, x):
        out = self.body(x)
        return out + x if self.residual else out


class FoldedFeatures(nn.Module):
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
        self.stem = nn.Sequential(folded_conv(network._conv_stem, network._bn0), nn.ReLU6())
        self.blocks = nn.Sequential(*(FoldedBlock(block) for block in network._blocks))
        self.head = nn.Sequential(folded_conv(network._conv_head, network._bn1), nn.ReLU6())
        self.to(memory_format=torch.channels_last)

    def forward(self, x):
        x = x.contiguous(memory_format=torch.channels_last)
        return self.head(self.blocks(self.stem(x))).mean((2, 3))


__all__ = ["FoldedBlock", "FoldedFeatures", "folded_conv"]
