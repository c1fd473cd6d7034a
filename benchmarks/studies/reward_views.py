"""How closely a CPU-priced reward follows the full one on generated images.

The paper's reward reads every generated image through the extractor at its native
224 px; on a CPU that costs 0.1-0.2 s per image, hours per 3,000-iteration fit.
Two cheaper rewards are compared here against the full one (eq. 9 on the
224-px reward model), on *held-out generated images*: the samples of the Table 1
benchmark's GAN rows (``benchmarks.table1`` stores them with their 224-px features):

- ``view``: option (b), the same network at 64 px, with its own reward model
  fitted on the labeled images' 64-px features (the library offered it as the
  CPU's training reward at commit 8fe69a4 and removed it on these numbers).
- ``distilled``: option (c), a small CNN on pixels trained (KL divergence) to
  output the 224-px reward model's class probabilities, on the n labeled images
  (``distilled-n``), or on them and every other training image whose 224-px
  features are cached (``distilled-pool``, about 3,000 MNIST images: a stand-in
  for the warps and warm-up samples a fit would have to read at 224 px to train
  it, which costs their features).

For each, on every stored sample set and on 500 held-out real (test) images:
Spearman's rank correlation with the full
reward (eq. 9 with the paper's ε = 0.2, α = 0.5) and with its top-two margin (eq. 6), the share
of samples whose predicted class agrees, and the seconds to score 8 images (one
training iteration's reward at ``reward_batch_size=8``).

    python -m benchmarks.studies.reward_views --dataset mnist70k --n 500 --seeds 0 1 2 --docs
    python -m benchmarks.studies.reward_views --seeds 0 --figure docs/img/table1_samples_mnist500.png
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from scipy.stats import spearmanr
from torch import nn

from sk_activegan import ActiveGANAugmenter

from .. import harness
from ..harness import top_two_margin as margin  # eq. 6 in numpy
from ..harness import uncertainty_reward  # eq. 9 in numpy
from ..protocols import features

ROWS = ("AC-GAN", "ActiveGAN[paper]", "ActiveGAN[paper, 64-px view]", "ActiveGAN", "random-warp")
#: Held-out real images scored beside the samples (drawn from the test set).
N_TEST = 500
#: Eq. 9's settings every comparison uses (the paper's).
PAPER_EPSILON, PAPER_ALPHA = 0.2, 0.5


class Student(nn.Module):
    """A small CNN from pixels (scaled to [-1, 1]) to class log-probabilities."""

    def __init__(self, shape, n_classes):
        super().__init__()
        c, h, w = shape
        self.shape = shape
        self.body = nn.Sequential(
            nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * (h // 4) * (w // 4), 128), nn.ReLU(),
            nn.Linear(128, n_classes))

    def forward(self, x):
        x = torch.as_tensor(np.asarray(x, np.float32)).reshape(len(x), *self.shape)
        return torch.log_softmax(self.body(x / 127.5 - 1.0), dim=1)

    def predict_proba(self, x):
        with torch.no_grad():
            return self(x).exp().numpy().astype(np.float64)


def distil(images, proba, shape, seed, epochs=40, batch=64):
    """The student fitted to ``proba`` (KL divergence), Adam 1e-3."""
    torch.manual_seed(seed)
    student = Student(shape, proba.shape[1])
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    target = torch.as_tensor(proba, dtype=torch.float32)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for rows in np.array_split(rng.permutation(len(images)), max(1, len(images) // batch)):
            loss = nn.functional.kl_div(student(images[rows]), target[rows],
                                        reduction="batchmean")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return student.eval()


def seconds_for_8(score, X):
    """Mean seconds of ``score`` on 8 images over 5 calls, after one to warm up."""
    score(X[:8])  # warm
    start = time.perf_counter()
    for _ in range(5):
        score(X[:8])
    return (time.perf_counter() - start) / 5


def compare(full_proba, cheap_proba, eps, alpha):
    """The cheaper reward's rank agreement with the full one (eq. 9 and eq. 6) and
    its agreement on the predicted class."""
    full, cheap = (uncertainty_reward(p, alpha, eps) for p in (full_proba, cheap_proba))
    return {"reward_spearman": float(spearmanr(full, cheap).statistic),
            "margin_spearman": float(spearmanr(margin(full_proba), margin(cheap_proba)).statistic),
            "class_agreement": float(np.mean(full_proba.argmax(1) == cheap_proba.argmax(1)))}


def run(dataset, n, seed, cache_dir):
    """The rows of one (data set, n, seed): every stored GAN sample set against each
    cheaper reward; the seconds per 8 images; the students' training seconds."""
    cell = features.Cell(dataset, n, seed)
    extractor = features.CachedFeatures(cell.extractor, cell.X, cell.F)
    full_model = ActiveGANAugmenter(image_shape=cell.shape, feature_extractor=extractor,
                                    generator="random-warp", random_state=seed,
                                    device="cpu").fit(cell.X, cell.y).reward_estimator_
    view_model, view_extractor, _ = cell.view_reward()
    pool_rows, pool_features = cell.features.stored("train")
    pool_images = cell.data.X[pool_rows]
    students = {}
    start = time.perf_counter()
    students["distilled-n"] = distil(cell.X, full_model.predict_proba(cell.F), cell.shape, seed)
    n_seconds = time.perf_counter() - start
    start = time.perf_counter()
    students["distilled-pool"] = distil(pool_images, full_model.predict_proba(pool_features),
                                        cell.shape, seed)
    pool_seconds = time.perf_counter() - start
    view_features = cell.view_features(view_extractor)
    test = np.random.default_rng(seed).choice(len(cell.data.y_test), N_TEST, replace=False)
    sets = [("test images", cell.data.X_test[test], cell.data.y_test[test], cell.F_test[test])]
    for path in sorted(Path(cache_dir).glob(f"{dataset}__n{n}__seed{seed}__*.npz")):
        row = json.loads(path.with_suffix(".json").read_text())
        if row["method"] in ROWS:
            stored = np.load(path)
            sets.append((row["method"], stored["X"], stored["y"], stored["F"]))
    out, full_view = [], []
    for samples, X_syn, y_syn, F_syn in sets:
        full = full_model.predict_proba(F_syn)
        predicted = full.argmax(1)
        full_view.append({"seed": seed, "samples": samples,
                          "top_class_share": float(np.bincount(predicted).max() / len(predicted)),
                          "label_agreement": float(np.mean(predicted == y_syn)),
                          "median_max_proba": float(np.median(full.max(1)))})
        cheap = {"view": view_model.predict_proba(view_features.compute(X_syn)),
                 **{name: s.predict_proba(X_syn) for name, s in students.items()}}
        for name, proba in cheap.items():
            out.append({"dataset": dataset, "n": n, "seed": seed, "samples": samples,
                        "reward": name, "n_samples": int(len(X_syn)),
                        **compare(full, proba, PAPER_EPSILON, PAPER_ALPHA)})
    costs = {"full (224 px)": seconds_for_8(lambda X: cell.features.compute(X), cell.X),
             "view (64 px)": seconds_for_8(lambda X: view_features.compute(X), cell.X),
             "distilled": seconds_for_8(students["distilled-pool"].predict_proba, cell.X)}
    return out, costs, {"distilled-n": n_seconds, "distilled-pool": pool_seconds,
                        "pool_images": int(len(pool_rows))}, full_view


FIGURE_ROWS = [("AC-GAN", "AC-GAN"),
               ("ActiveGAN[paper]", "ActiveGAN (paper), 224-px reward"),
               ("ActiveGAN[paper, 64-px view]", "ActiveGAN (paper), 64-px reward (removed)")]


def sample_figure(dataset, n, seed, cache_dir, path, per_class=8):
    """Side by side, ``per_class`` stored samples of every class (a row each) of the
    GAN rows in :data:`FIGURE_ROWS` (grey images)."""
    from PIL import Image, ImageDraw

    panels = []
    for method, title in FIGURE_ROWS:
        name = method.replace(" ", "_")
        found = list(Path(cache_dir).glob(f"{dataset}__n{n}__seed{seed}__*.npz"))
        match = [p for p in found if p.name.split("__")[3] == name]
        if not match:
            continue
        stored = np.load(match[0])
        X, y = stored["X"], stored["y"]
        side = int(round(np.sqrt(X.shape[1])))
        grid = np.concatenate([np.concatenate([X[i].reshape(side, side) for i in
                                               np.flatnonzero(y == c)[:per_class]], 1)
                               for c in np.unique(y)], 0)
        image = Image.fromarray(grid.astype(np.uint8)).resize(
            (grid.shape[1] * 2, grid.shape[0] * 2), Image.NEAREST)
        panel = Image.new("L", (image.width, image.height + 30), 255)
        panel.paste(image, (0, 30))
        ImageDraw.Draw(panel).text((4, 8), title, fill=0)
        panels.append(panel)
    figure = Image.new("L", (sum(p.width for p in panels) + 20 * (len(panels) - 1),
                             max(p.height for p in panels)), 255)
    x = 0
    for panel in panels:
        figure.paste(panel, (x, 0))
        x += panel.width + 20
    figure.save(path, optimize=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist70k")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1])
    parser.add_argument("--cache-dir", default=str(harness.RESULTS / "cache_table1"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--docs", action="store_true",
                        help="also fill the tables of docs/table1.md")
    parser.add_argument("--figure", default=None,
                        help="only draw the first seed's GAN samples side by side to this PNG")
    args = parser.parse_args(argv)
    if args.figure:
        sample_figure(args.dataset, args.n, args.seeds[0], args.cache_dir, args.figure)
        return
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    rows, costs, training, full = [], {}, {}, []
    for seed in args.seeds:
        found, costs[seed], training[seed], seen = run(args.dataset, args.n, seed,
                                                       args.cache_dir)
        rows += found
        full += seen
    lines = ["| samples | reward | seed | Spearman (reward) | Spearman (margin) | "
             "class agreement |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['samples']} | {r['reward']} | {r['seed']} | "
                     f"{r['reward_spearman']:.2f} | {r['margin_spearman']:.2f} | "
                     f"{100 * r['class_agreement']:.0f} % |")
    lines += ["", "The 224-px reward model on each set: the share of its most predicted "
              "class, the share predicted as the set's label (the conditioned class), "
              "its median top probability.", "",
              "| samples | seed | top class share | label agreement | median max p |",
              "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['samples']} | {r['seed']} | {100 * r['top_class_share']:.0f} % | "
              f"{100 * r['label_agreement']:.0f} % | {r['median_max_proba']:.2f} |" for r in full]
    lines += ["", "Seconds to score 8 images (one training iteration at "
              "`reward_batch_size=8`), mean of 5: " + "; ".join(
                  f"seed {s}: " + ", ".join(f"{k} {v:.3f}" for k, v in c.items())
                  for s, c in costs.items())]
    meta = harness.run_meta("studies/reward_views.py", argv, started)
    harness.write_results(harness.RESULTS, "reward_views",
                          {"meta": meta, "rows": rows, "full_model": full,
                           "seconds_for_8": costs,
                           "distillation_seconds": training},
                          ["# Cheaper rewards against the full one", "",
                           harness.provenance(meta), "", *lines])
    if args.docs:
        harness.fill_page("table1", "reward-views", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
