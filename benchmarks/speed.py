"""Speed of ActiveGAN training and sampling (fit time ratio, it/s, rows/s, peak memory).

Each measurement runs in a fresh subprocess, so peak memory is its own.

    python -m benchmarks.speed                      # digits and 5,000 x 256, CPU or CUDA
    python -m benchmarks.speed --n-iter 500 --cases digits
    python -m benchmarks.speed --oversampler --repeats 5  # default ActiveGANOverSampler
                                                         # fit on 2,000 / 1,154 / 742 rows
    python -m benchmarks.speed --oversampler --repeats 3 \
        --oversampler-params '{"n_iter": "auto", "generator__hidden_layer_sizes": "auto"}'  # former
    python -m benchmarks.speed --images --repeats 2       # image mode on MNIST n = 1000:
                                                         # it/s at batch 64 and 256, and
                                                         # the default fit's time
    python -m benchmarks.speed --extractor --repeats 3 --docs  # EfficientNetLite0Features
                                                         # at 224 px, images/s, torch and
                                                         # ONNX Runtime (and OpenVINO where
                                                         # installed) interleaved, 1 and 2
                                                         # threads: results/speed_extractor
    python -m benchmarks.speed --images --repeats 1 \
        --image-cases extractor-default-1000 --backends onnxruntime torch
        # the default image fit with the extractor at MNIST n = 1,000 (mnist70k draw);
        # also extractor-default-500 and extractor-paper-500 (the paper's ActiveGAN,
        # its reward on the features)
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.frozen import FrozenEstimator

from sk_activegan import (ActiveGANAugmenter, ActiveGANOverSampler, EfficientNetLite0Features,
                          make_reward_model)
from sk_activegan.extractors import _cached_onnx, default_cache_dir

from . import harness

#: Image cases with the 224-px extractor: (generator settings, n labeled MNIST images).
EXTRACTOR_FITS = {
    "extractor-default-500": ({}, 500),
    "extractor-default-1000": ({}, 1000),
    "extractor-paper-500": ({"generator": "paper", "lambda_reward": 0.1, "epsilon": 0.2,
                             "alpha": 0.5}, 500),
}


def load_case(name):
    if name == "digits":
        digits = harness.load("digits")
        return digits.X, digits.y
    if name == "large":
        return make_classification(n_samples=5000, n_features=256, n_informative=64,
                                   n_classes=10, n_clusters_per_class=1, random_state=0)
    raise ValueError(name)


def measure(case, lambda_reward, n_iter, device, sample_rows, method="anchored"):
    X, y = load_case(case)
    # fitted once, outside the timing: the reward model's own fit is the same for both
    # methods, so the fit time is the GAN training's (FrozenEstimator's fit does nothing)
    reward_model = FrozenEstimator(make_reward_model(C=10.0).fit(X, y))
    aug = ActiveGANAugmenter(generator="paper" if method == "paper" else "auto", lambda_reward=lambda_reward, n_iter=n_iter,
                             device=device, reward_estimator=reward_model, random_state=0)
    start = time.perf_counter()
    aug.fit(X, y)
    if aug.device_.type == "cuda":
        torch.cuda.synchronize()
    fit_seconds = time.perf_counter() - start
    per_class = sample_rows // len(aug.classes_)
    aug.sample(1000)  # warm-up
    start = time.perf_counter()
    X_syn, _ = aug.sample(per_class)
    sample_seconds = time.perf_counter() - start
    result = {
        "case": case, "method": method, "n_samples": X.shape[0], "n_features": X.shape[1],
        "lambda_reward": lambda_reward, "n_iter": n_iter, "device": str(aug.device_),
        "fit_seconds": fit_seconds, "iterations_per_second": n_iter / fit_seconds,
        "sample_rows_per_second": len(X_syn) / sample_seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if aug.device_.type == "cuda":
        result["peak_cuda_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return result


#: Over-sampler cases: a KEEL imbalanced set and its stratified training rows (a count,
#: or 0.5 for the benchmark's half).
OVER_SAMPLER_CASES = {"abalone19": 2000, "segment0": 0.5, "yeast3": 0.5}


def measure_over_sampler(device, case, params):
    """An ActiveGANOverSampler's whole fit_resample (reward model search included) with
    its defaults updated by ``params``, on stratified training rows of ``case``."""
    data = harness.load(f"imbalanced/{case}")
    X, _, y, _ = data.split(OVER_SAMPLER_CASES[case], 0)
    sampler = ActiveGANOverSampler(device=device, random_state=0, **params)
    if data.categorical:
        sampler.set_params(categorical_features=list(data.categorical))
    start, cpu = time.perf_counter(), time.process_time()
    X_res, _ = sampler.fit_resample(X, y)
    return {"case": case, "n_samples": len(X), "n_features": X.shape[1],
            "n_minority": int(y.sum()), "device": str(sampler.device_),
            "n_iter": sampler.n_iter_,
            "hidden_layer_sizes": [layer.out_features for layer in  # the fitted generator's
                                   sampler.modules_.generator.modules()
                                   if isinstance(layer, torch.nn.Linear)][:-1],
            "fit_resample_seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - cpu,
            "torch_threads": torch.get_num_threads(),
            "n_synthetic": int(len(X_res) - len(X)),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def load_mnist(n=1000, seed=0):
    X, _, y, _ = harness.load("mnist5k").split(n, seed)
    return X, y


def measure_extractor_fit(device, what, backend):
    """A fit with ``EfficientNetLite0Features(backend=backend)`` at 224 px on the
    labeled MNIST images Table 1 draws (mnist70k, seed 0), reward-model search and
    the labeled images' features included; then sampling the +50 % Table 1 adds."""
    settings, n = EXTRACTOR_FITS[what]
    data = harness.load("mnist70k")
    rows = data.draw(n, 0)
    X, y = data.X[rows], data.y[rows]
    extractor = EfficientNetLite0Features(pixel_range=(0, 255), backend=backend)
    extractor(torch.zeros(2, 1, 28, 28))  # the export (cached on disk) is not timed
    aug = ActiveGANAugmenter(image_shape=(28, 28), feature_extractor=extractor, device=device,
                             random_state=0, **settings)
    start = time.perf_counter()
    aug.fit(X, y)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    aug.sample(n_per_class=n // 20)
    return {"case": f"mnist70k n={n} {what}", "backend": backend,
            "runs_on_onnxruntime": aug.feature_extractor_.runs_on_onnxruntime(),
            "device": str(aug.device_), "n_iter": aug.n_iter_,
            "fit_seconds": seconds, "sample_seconds": time.perf_counter() - start,
            "torch_threads": torch.get_num_threads(), "load_average": os.getloadavg(),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_extractor(threads, repeats, n_images, input_size=224):
    """Images/s of ``EfficientNetLite0Features`` (224 px, MNIST's grey 28 x 28 images,
    preprocessing included) on ``n_images`` per call: torch, ONNX Runtime and, where
    it is installed, OpenVINO on the same exported file, interleaved call by call
    within each thread count, after one warm-up call each."""
    images = torch.as_tensor(load_mnist()[0][:n_images].reshape(-1, 1, 28, 28),
                             dtype=torch.float32)
    nets = {backend: EfficientNetLite0Features(input_size=input_size, backend=backend)
            for backend in ("torch", "onnxruntime")}
    runners = {backend: net for backend, net in nets.items()}
    rows = []
    for n_threads in threads:
        torch.set_num_threads(n_threads)
        try:
            for precision in ("f32", "bf16"):
                runners[f"openvino ({precision})"] = openvino_runner(nets["onnxruntime"],
                                                                     n_threads, precision)
        except ImportError:
            pass
        with torch.no_grad():
            for run in runners.values():
                run(images[:8])
            for repeat in range(repeats):
                reference = None
                for backend, run in runners.items():
                    load = os.getloadavg()[0]
                    start = time.perf_counter()
                    features = run(images)
                    seconds = time.perf_counter() - start
                    reference = features if reference is None else reference  # torch's
                    rows.append({"backend": backend, "threads": n_threads, "repeat": repeat,
                                 "images": n_images, "input_size": input_size,
                                 "images_per_second": n_images / seconds,
                                 "max_abs_difference": float((features - reference).abs().max()),
                                 "feature_scale": float(reference.abs().max()),
                                 "load_average_1min": load})
                    print(json.dumps(rows[-1]), flush=True)
    return rows


def openvino_runner(net, n_threads, precision):
    """OpenVINO on the extractor's exported ONNX file (the cache's), ``n_threads``
    inference threads, computing in ``precision`` ("f32", or "bf16": OpenVINO's own
    default on a CPU with bfloat16 instructions), behind the extractor's own
    preprocessing."""
    import openvino

    path = _cached_onnx(net.features, net.input_size, default_cache_dir())
    compiled = openvino.Core().compile_model(path, "CPU",
                                             {"INFERENCE_NUM_THREADS": n_threads,
                                              "INFERENCE_PRECISION_HINT": precision})

    def run(images):
        return torch.from_numpy(compiled(net.preprocess(images).numpy())[0])

    return run


def cpu_model():
    """The CPU's model name and its vector extensions that matter to the kernels."""
    try:
        info = open("/proc/cpuinfo").read()
    except OSError:
        return platform.processor() or platform.machine()
    name = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                 if line.startswith("model name")), platform.machine())
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines()
                  if line.startswith("flags")), [])
    shown = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags]
    return f"{name} ({', '.join(shown) or 'no AVX2'})"


def extractor_table(rows):
    """Markdown: median images/s per backend and thread count, the speed-up over torch,
    the range over repeats and the load average during the calls."""
    lines = ["| threads | backend | images/s (median) | min-max | × torch | "
             "max \\|Δ\\| to torch's features (largest feature) | load average (1 min) |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for n_threads in dict.fromkeys(r["threads"] for r in rows):
        torch_median = np.median([r["images_per_second"] for r in rows
                                  if (r["threads"], r["backend"]) == (n_threads, "torch")])
        for backend in dict.fromkeys(r["backend"] for r in rows):
            speeds = [r["images_per_second"] for r in rows
                      if (r["threads"], r["backend"]) == (n_threads, backend)]
            loads = [r["load_average_1min"] for r in rows
                     if (r["threads"], r["backend"]) == (n_threads, backend)]
            mine = [r for r in rows if (r["threads"], r["backend"]) == (n_threads, backend)]
            lines.append(f"| {n_threads} | {backend} | {np.median(speeds):.1f} | "
                         f"{min(speeds):.1f}-{max(speeds):.1f} | "
                         f"{np.median(speeds) / torch_median:.1f} | "
                         f"{max(r['max_abs_difference'] for r in mine):.1e} "
                         f"({max(r['feature_scale'] for r in mine):.1f}) | "
                         f"{min(loads):.2f}-{max(loads):.2f} |")
    return "\n".join(lines)


def fits_table(runs):
    """Markdown: each extractor fit case and backend, the median fit and sampling
    seconds, the runs and the load average after each fit."""
    lines = ["| case | backend | runs | fit s (median) | sample s | n_iter | torch threads | "
             "load average after (1 min) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for case, backend in dict.fromkeys((r["case"], r["backend"]) for r in runs
                                       if "backend" in r):
        rows = [r for r in runs if (r["case"], r.get("backend")) == (case, backend)]
        lines.append(f"| {case} | {backend} | {len(rows)} | "
                     f"{np.median([r['fit_seconds'] for r in rows]):.1f} | "
                     f"{np.median([r['sample_seconds'] for r in rows]):.1f} | "
                     f"{rows[0]['n_iter']} | {rows[0]['torch_threads']} | "
                     + ", ".join(f"{r['load_average'][0]:.2f}" for r in rows) + " |")
    return "\n".join(lines)


def measure_images(device, what, n_iter, backend="auto"):
    """Image mode on MNIST n = 1000 (uint8 pixels): ``batch64`` / ``batch256`` time
    ``n_iter`` generator iterations of the default networks with a fitted reward model
    (frozen: its fit is not timed); ``default`` times a default fit, reward-model
    search included, ``augment`` the same with ``generator="augment"``; the :data:`EXTRACTOR_FITS` cases fit with the 224-px extractor
    on ``backend``."""
    if what in EXTRACTOR_FITS:
        return measure_extractor_fit(device, what, backend)
    X, y = load_mnist()
    if what in ("default", "augment"):  # the image defaults, or the augmentation policy
        family = {"generator": "augment"} if what == "augment" else {}
        aug = ActiveGANAugmenter(image_shape=(28, 28), device=device, random_state=0, **family)
        start = time.perf_counter()
        aug.fit(X, y)
        seconds = time.perf_counter() - start
        start = time.perf_counter()  # the rows fit_resample adds (+800 %), chosen as fitted
        aug.sample(aug.sampling_strategy_)
        sample_seconds = time.perf_counter() - start
        return {"case": f"mnist n=1000 {what} fit", "device": str(aug.device_),
                "n_iter": aug.n_iter_, "n_candidates": aug.n_candidates_,
                "fit_seconds": seconds, "sample_seconds": sample_seconds,
                "torch_threads": torch.get_num_threads(),
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    batch = int(what.removeprefix("batch"))
    # the reward model sees the caller's scale (pixels 0-255): gamma for that scale
    reward_model = FrozenEstimator(make_reward_model(C=10.0, gamma=0.013 / 255**2,
                                                     standardize=False).fit(X, y))
    aug = ActiveGANAugmenter(image_shape=(28, 28), device=device, n_iter=n_iter,
                             generator__batch_size=batch, reward_estimator=reward_model, warm_up=0.0,
                             random_state=0)
    start = time.perf_counter()
    aug.fit(X, y)
    if aug.device_.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return {"case": f"mnist n=1000 batch {batch}", "device": str(aug.device_),
            "n_iter": n_iter, "batch_size": batch, "fit_seconds": seconds,
            "iterations_per_second": n_iter / seconds, "torch_threads": torch.get_num_threads(),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oversampler", action="store_true",
                        help="time the default over-sampler's fit on KEEL sets instead")
    parser.add_argument("--oversampler-cases", nargs="+", default=list(OVER_SAMPLER_CASES),
                        choices=list(OVER_SAMPLER_CASES))
    parser.add_argument("--oversampler-params", default="{}",
                        help="with --oversampler: parameters over the defaults (JSON)")
    parser.add_argument("--cases", nargs="+", default=["digits", "large"])
    parser.add_argument("--n-iter", type=int, default=1000)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--sample-rows", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--method", default="anchored", choices=["anchored", "paper"],
                        help="the generator, for both AC-GAN and ActiveGAN")
    parser.add_argument("--output", default=None, help="write the raw results as JSON")
    parser.add_argument("--images", action="store_true",
                        help="time image mode on MNIST n = 1000 instead")
    parser.add_argument("--image-cases", nargs="+", default=["batch64", "batch256", "default"],
                        choices=["batch64", "batch256", "default", "augment", *EXTRACTOR_FITS],
                        help="with --images: which measurements to take")
    parser.add_argument("--backends", nargs="+", default=["onnxruntime", "torch"],
                        choices=["onnxruntime", "torch"],
                        help="with --images: the extractor's backends for the extractor "
                             "cases, interleaved")
    parser.add_argument("--extractor", action="store_true",
                        help="time EfficientNetLite0Features alone (images/s)")
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2],
                        help="with --extractor: torch / ONNX Runtime thread counts")
    parser.add_argument("--images-per-call", type=int, default=64,
                        help="with --extractor: images per forward call")
    parser.add_argument("--docs", action="store_true",
                        help="with --extractor or --fits-report: fill the table of "
                             "docs/performance.md")
    parser.add_argument("--fits-report", default=None, metavar="JSON",
                        help="print (with --docs: fill the page with) the extractor fits "
                             "of a results file written by --images --output")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.fits_report:
        with open(args.fits_report) as handle:
            table = fits_table(json.load(handle))
        if args.docs:
            harness.fill_page("performance", "extractor-fits",
                              table + f"\n\nRaw numbers: `{args.fits_report}`.")
        print(table)
        return
    if args.extractor:
        started = time.perf_counter()
        rows = measure_extractor(args.threads, args.repeats, args.images_per_call)
        table = extractor_table(rows)
        meta = harness.run_meta("speed.py", argv, started, torch_threads=args.threads,
                                load_average_after=os.getloadavg(),
                                cpus=os.cpu_count(), cpu=cpu_model())
        harness.write_results(harness.RESULTS, "speed_extractor",
                              {"meta": meta, "rows": rows},
                              ["# EfficientNetLite0Features at 224 px", "",
                               harness.provenance(meta), "", table])
        if args.docs:
            harness.fill_page("performance", "extractor-speed",
                              table + "\n\n" + harness.provenance(meta))
        print(table)
        return
    if args.one and args.one.startswith("images:"):
        _, what, backend = (args.one.split(":") + ["auto"])[:3]
        print(json.dumps(measure_images(args.device, what, args.n_iter, backend)))
        return
    if args.images:
        runs = []
        for repeat in range(args.repeats):
            for what in args.image_cases:
                for backend in (args.backends if what in EXTRACTOR_FITS else ["auto"]):
                    command = [sys.executable, "-m", __spec__.name, "--one",
                               f"images:{what}:{backend}",
                               "--device", args.device, "--n-iter", str(args.n_iter)]
                    output = subprocess.run(command, capture_output=True, text=True,
                                            check=True)
                    runs.append({**json.loads(output.stdout.strip().splitlines()[-1]),
                                 "repeat": repeat})
                    print(json.dumps(runs[-1]), flush=True)
        for case in dict.fromkeys((r["case"], r.get("backend")) for r in runs):
            rows = [r for r in runs if (r["case"], r.get("backend")) == case]
            case = " ".join(c for c in case if c)
            line = f"{case} on {rows[0]['device']}: fit median " \
                   f"{np.median([r['fit_seconds'] for r in rows]):.1f} s"
            if "iterations_per_second" in rows[0]:
                line += (f" for {args.n_iter} iterations, "
                         f"{np.median([r['iterations_per_second'] for r in rows]):.1f} it/s")
            print(line + f" ({len(rows)} runs)")
        if args.output:
            with open(args.output, "w") as handle:
                json.dump(runs, handle, indent=1)
        return

    if args.one and args.one.startswith("oversampler:"):
        print(json.dumps(measure_over_sampler(args.device, args.one.split(":")[1],
                                              json.loads(args.oversampler_params))))
        return
    if args.oversampler:
        runs = []
        command_line = "python -m benchmarks.speed " + " ".join(
            argv if argv is not None else sys.argv[1:])
        for repeat in range(args.repeats):
            for case in args.oversampler_cases:
                command = [sys.executable, "-m", __spec__.name, "--one", f"oversampler:{case}",
                           "--device", args.device, "--oversampler-params",
                           args.oversampler_params]
                output = subprocess.run(command, capture_output=True, text=True, check=True)
                runs.append({**json.loads(output.stdout.strip().splitlines()[-1]),
                             "repeat": repeat, "command": command_line,
                             "host": f"{platform.processor() or platform.machine()}, "
                                     f"{os.cpu_count()} CPUs"})
                print(json.dumps(runs[-1]), flush=True)
        for case in args.oversampler_cases:
            rows = [r for r in runs if r["case"] == case]
            seconds = [r["fit_resample_seconds"] for r in rows]
            print(f"{case}: {rows[0]['n_samples']} rows ({rows[0]['n_minority']} minority), "
                  f"n_iter {rows[0]['n_iter']}, {rows[0]['device']}, "
                  f"{rows[0]['torch_threads']} torch threads: fit_resample median "
                  f"{np.median(seconds):.1f} s (min {min(seconds):.1f}, max "
                  f"{max(seconds):.1f}), CPU median "
                  f"{np.median([r['cpu_seconds'] for r in rows]):.1f} s over {len(rows)} runs")
        if args.output:
            with open(args.output, "w") as handle:
                json.dump(runs, handle, indent=1)
        return
    if args.one:  # child process: one measurement, printed as JSON
        case, lambda_reward = args.one.split(":")
        print(json.dumps(measure(case, float(lambda_reward), args.n_iter, args.device,
                                 args.sample_rows, args.method)))
        return

    results = []
    for case in args.cases:
        for repeat in range(args.repeats):
            for lambda_reward in (0.0, 0.1):
                command = [sys.executable, "-m", __spec__.name, "--one", f"{case}:{lambda_reward}",
                           "--n-iter", str(args.n_iter), "--device", args.device,
                           "--sample-rows", str(args.sample_rows), "--method", args.method]
                output = subprocess.run(command, capture_output=True, text=True, check=True)
                results.append({**json.loads(output.stdout.strip().splitlines()[-1]),
                                "repeat": repeat})
                print(json.dumps(results[-1]), flush=True)

    print(f"\nhost: {platform.processor() or platform.machine()}, "
          f"{torch.get_num_threads()} torch threads, torch {torch.__version__}; "
          f"method={args.method!r}")
    print("| case | device | n_iter | AC-GAN fit s | ActiveGAN fit s | ratio | "
          "ActiveGAN it/s | sample rows/s | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for case in args.cases:
        rows = [r for r in results if r["case"] == case]
        plain = [r for r in rows if r["lambda_reward"] == 0.0]
        active = [r for r in rows if r["lambda_reward"] > 0]
        plain_s = np.median([r["fit_seconds"] for r in plain])
        active_s = np.median([r["fit_seconds"] for r in active])
        print(f"| {case} ({rows[0]['n_samples']} x {rows[0]['n_features']}) | "
              f"{rows[0]['device']} | {args.n_iter} | {plain_s:.1f} | {active_s:.1f} | "
              f"{active_s / plain_s:.2f} | "
              f"{np.median([r['iterations_per_second'] for r in active]):.0f} | "
              f"{np.median([r['sample_rows_per_second'] for r in rows]):,.0f} | "
              f"{max(r['peak_rss_mib'] for r in rows):.0f} |")
    if args.output:
        with open(args.output, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
