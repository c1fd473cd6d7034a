"""The extractor on a CPU: images per second and the SVM's macro-F1 per forward path.

Paths of :class:`sk_activegan.EfficientNetLite0Features` at its native 224 px:

- ``fp32``: the network as loaded (``network.extract_features``, then the mean).
- ``folded``: batch norms folded into the convolutions (contiguous NCHW).
- ``fast``: folded and channels-last: what ``forward`` runs.
- ``bf16``: ``fast`` under ``torch.autocast("cpu", dtype=torch.bfloat16)``.
- ``int8``: ``folded`` statically quantized with torch.ao's FX graph mode (the
  ``x86`` default qconfig), calibrated on 256 training images of the cell.
- ``fast@64``: ``fast`` at 64 px (the former default input size).

Speed: images per second on ``--threads`` torch threads (batch ``--batch``, the best
of ``--reps`` timed passes over 64 images, each path in turn). Agreement: the
features of 64 real images against ``fp32`` (largest absolute difference, smallest
cosine similarity). F1 (``--f1-paths``): CIFAR-10, n = 1,000 labeled training images
(stratified, seed 0), an RBF SVM grid-searched on them (the harness's
:func:`~harness.tune_svm`, 5-fold, macro F1), the macro F1 on 2,000 test images
drawn stratified (seed 0) from the official test split. Features are cached by
the harness (:class:`~harness.FeatureCache`, tags ``lite0-224`` for ``fast``,
``lite0-PATH`` for the others), so a rerun only times.

    python -m benchmarks.extractor_paths                     # speed + agreement + F1
    python -m benchmarks.extractor_paths --f1-paths fast,fp32,fast@64
"""

import argparse
import copy
import sys
import time
import warnings

import numpy as np
import torch

from sk_activegan import EfficientNetLite0Features

from . import harness

PATHS = ("fp32", "folded", "fast", "bf16", "int8", "fast@64")
C_GRID = [1.0, 10.0, 100.0]
GAMMA_FACTORS = [0.3, 1.0, 3.0]


class Contiguous(torch.nn.Module):
    """The folded layers of an extractor's ``features`` in the contiguous (NCHW) format."""

    def __init__(self, features):
        super().__init__()
        features = copy.deepcopy(features).to(memory_format=torch.contiguous_format)
        self.stem, self.blocks, self.head = features.stem, features.blocks, features.head

    def forward(self, x):
        return self.head(self.blocks(self.stem(x))).mean((2, 3))


class Path_(torch.nn.Module):
    """One forward path: images in 0-255 -> (n, 1280) float32 features."""

    def __init__(self, extractor, run):
        super().__init__()
        self.extractor, self.run = extractor, run

    def forward(self, images):
        return self.run(self.extractor.preprocess(images)).float()


def build_paths(calibration, names):
    """``{name: Path_}`` for the paths named; ``calibration``: 0-255 images for int8."""
    native = EfficientNetLite0Features()
    paths = {}
    folded = Contiguous(native.features)
    for name in names:
        if name == "fp32":
            paths[name] = Path_(native, lambda x: native.network.extract_features(x).mean((2, 3)))
        elif name == "folded":
            paths[name] = Path_(native, folded)
        elif name == "fast":
            paths[name] = Path_(native, native.features)
        elif name == "bf16":
            def bf16(x):
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    return native.features(x)
            paths[name] = Path_(native, bf16)
        elif name == "int8":
            from torch.ao.quantization import get_default_qconfig_mapping
            from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

            plain = Contiguous(native.features)
            x = native.preprocess(calibration)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prepared = prepare_fx(plain, get_default_qconfig_mapping("x86"),
                                      example_inputs=(x[:2],))
                with torch.inference_mode():
                    for start in range(0, len(x), 32):
                        prepared(x[start:start + 32])
                quantized = convert_fx(prepared)
            paths[name] = Path_(native, quantized)
        elif name == "fast@64":
            small = EfficientNetLite0Features(input_size=64)
            paths[name] = Path_(small, small.features)
    return paths


def images_per_second(path, images, batch, reps):
    with torch.inference_mode():
        path(images[:2])
        best = 0.0
        for _ in range(reps):
            start = time.perf_counter()
            for i in range(0, len(images), batch):
                path(images[i:i + batch])
            best = max(best, len(images) / (time.perf_counter() - start))
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--f1-paths", default="fast,fast@64")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--test-size", type=int, default=2000)
    parser.add_argument("--cache-dir", default=str(harness.FEATURE_CACHE))
    parser.add_argument("--output-dir", default=str(harness.RESULTS))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    data = harness.load("cifar10")
    shape = harness.IMAGE_SHAPES["cifar10"]
    train_rows = data.draw(args.n, 0)
    test_rows = np.sort(harness.split(np.arange(len(data.y_test)), data.y_test,
                                      args.test_size, 0)[0])
    as_images = lambda X: torch.as_tensor(np.asarray(X, np.float32)).reshape(len(X), *shape)
    timing = as_images(data.X[train_rows[:64]])
    names = args.paths.split(",")
    f1_names = [p for p in args.f1_paths.split(",") if p]
    paths = build_paths(as_images(data.X[train_rows[-256:]]), sorted(set(names) | set(f1_names)))
    rows = {}
    with torch.inference_mode():
        reference = paths["fp32"](timing) if "fp32" in paths else None
    for name in names:
        row = {"images_per_second": images_per_second(paths[name], timing, args.batch,
                                                      args.reps)}
        if reference is not None and not name.endswith("@64"):
            with torch.inference_mode():
                out = paths[name](timing)
            row["max_abs_diff"] = float((out - reference).abs().max())
            row["min_cosine"] = float(torch.nn.functional.cosine_similarity(out, reference).min())
        rows[name] = row
        print(name, row, flush=True)
    for name in f1_names:
        tag = "lite0-224" if name == "fast" else f"lite0-{name.replace('@', '-')}"
        cache = harness.FeatureCache("cifar10", tag, paths[name], shape, root=args.cache_dir)
        F_train = cache.features("train", train_rows, data.X)
        F_test = cache.features("test", test_rows, data.X_test)
        y_train, y_test = data.y[train_rows], data.y_test[test_rows]
        C, gamma = harness.tune_svm(F_train, y_train, C_grid=C_GRID,
                                    gamma_factors=GAMMA_FACTORS, scoring="f1_macro")
        model = harness.svm(C, gamma).fit(F_train, y_train)
        rows.setdefault(name, {}).update(f1=harness.macro_f1(model, F_test, y_test), C=C,
                                         gamma_factor=gamma * F_train.shape[1])
        print(name, rows[name], flush=True)
    meta = harness.run_meta("extractor_paths.py", argv, started, threads=args.threads,
                            batch=args.batch, n=args.n, test_size=args.test_size)
    table = harness.md_table(
        ["path", "images/s", "max |diff| vs fp32", "min cosine", "macro-F1"],
        [[name, f"{r['images_per_second']:.1f}" if "images_per_second" in r else "",
          f"{r['max_abs_diff']:.1e}" if "max_abs_diff" in r else "",
          f"{r['min_cosine']:.4f}" if "min_cosine" in r else "",
          f"{r['f1']:.2f}" if "f1" in r else "not measured"] for name, r in rows.items()])
    harness.write_results(args.output_dir, "extractor_paths", {"meta": meta, "paths": rows},
                          ["# The extractor on a CPU", "", harness.provenance(meta), "", table])
    print(table)


if __name__ == "__main__":
    sys.exit(main())
