"""The numbers a user reads first, filled from the committed results.

Every performance number on the home page, the README, the "Which should I use?"
page and the first tables of the images and performance pages is written here from
``benchmarks/results/*.json`` between ``<!-- pages.py: NAME -->`` markers (the pages'
prose around them is written by hand), and the home page's chart is drawn from the
same numbers. ``tests/test_docs.py`` fails when a page's filled region differs from
what this script writes now, so a new result reaches every page at once.

    python -m benchmarks.pages            # rewrite the regions and docs/img/home_gains.png
    python -m benchmarks.pages --check    # exit 1, naming the region, when a page is stale
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from . import harness

ROOT = harness.DOCS.parent

# The classical augmentations of benchmarks/images.py, as the pages name them.
CLASSICAL = {"elastic": "elastic distortions", "VSV-shift8": "virtual support vectors",
             "shift4": "four 1-px shifts"}


def _paired(rows, dataset, n, method, seeds=None):
    """Mean gain of ``method`` over ``seeds`` (all of its seeds when None; a seed it
    lacks is left out) and the seeds used; gains are macro-F1 points over the cell's
    baseline SVM, paired by seed."""
    gains = {(r["dataset"], r["n"], r["method"]): {int(s): g for s, g in r["gains"].items()}
             for r in rows}
    mine = gains.get((dataset, n, method), {})
    used = sorted(s for s in mine if seeds is None or s in seeds)
    values = [mine[s] for s in used]
    return (float(np.mean(values)) if values else float("nan")), used


def image_cell(dataset, n):
    """The library's image rows and the best classical row of one cell, paired on the
    seeds of the defaults (``results/images_ablation.json``)."""
    rows = harness.load_results("images_ablation")
    defaults, seeds = _paired(rows, dataset, n, "default")
    cell = {"n": n, "seeds": len(seeds), "defaults": defaults,
            # the library's warp generator untrained: generator="random-warp"
            "random_warp": _paired(rows, dataset, n, "untrained", seeds)[0]}
    classical = {}
    for method, name in CLASSICAL.items():
        gain, with_seeds = _paired(rows, dataset, n, method, seeds)
        if with_seeds == seeds:  # a row measured on every seed of the defaults
            classical[name] = gain
    best = max(classical, key=classical.get)
    cell["classical_name"], cell["classical"] = best, classical[best]
    return cell


def image_costs():
    """Median seconds of the image default's fit at MNIST n = 1,000 (2 torch threads)."""
    runs = harness.load_results("speed_images_default_cpu")
    return {"fit": float(np.median([r["fit_seconds"] for r in runs])),
            "sample": float(np.median([r["sample_seconds"] for r in runs])),
            "runs": len(runs), "threads": runs[0]["torch_threads"]}


def features_cell():
    """Table 1 on pretrained features (``results/table1_native.json``)."""
    summary = harness.load_results("table1_native")["summary"]
    get = {(e["dataset"], e["n"], e["method"]): e for e in summary}
    mnist = {m: get[("mnist70k", 500, m)] for m in
             ("ActiveGAN", "random-warp")}
    reward = harness.load_results("reward_views")["seconds_for_8"]
    return {"mnist": mnist,
            "reward_8_seconds": float(np.median([v["full (224 px)"] for v in reward.values()]))}


def photos_cell():
    """CIFAR-10, n = 1,000, through the native extractor
    (``results/images_features.json``, written by ``images_features.py --report``):
    every row's mean gain, the seeds, and the CV recipe's choices."""
    result = harness.load_results("images_features")
    rows = result["rows"]
    return {"seeds": len(result["baseline"]),
            "gains": {name: e["gain"] for name, e in rows.items()},
            "cv_chosen": list(rows.get("augment-CV", {}).get("chosen", {}).values())}


def imbalanced():
    """The 40 KEEL sets (``results/imbalanced40.json``): per pipeline its mean macro F1
    and mean rank, the tests, where the over-sampler pays, the worst set of the
    data-chosen amount against the classifier alone, and the over-sampler's fit time
    (``results/speed_oversampler.json``)."""
    result = harness.load_results("imbalanced40")
    summary, statistics = result["summary"], result["statistics"]
    floors = {}
    for family in ("SVM", "HGB"):
        chosen = summary[f"{family} + ActiveGAN (CV)"]["macro_f1"]
        alone = summary[family]["macro_f1"]
        gaps = {d: chosen[d] - alone[d] for d in chosen}
        worst = min(gaps, key=gaps.get)
        floors[family] = {"set": worst, "gap": gaps[worst],
                          "below_1": sum(g < -1 for g in gaps.values())}
    speed = harness.load_results("speed_oversampler")
    return {"means": {name: e["mean_macro_f1"] for name, e in summary.items()},
            "ranks": {p: v["mean_rank"] for p, v in statistics["pipelines"].items()},
            "sets": statistics["sets"], "friedman": statistics["friedman"],
            "cd": statistics["critical_difference"], "wilcoxon": statistics["wilcoxon"],
            "pays": result["where_it_pays"], "floors": floors,
            "repeats": result["meta"]["repeats"],
            "fit": float(np.median([r["fit_resample_seconds"] for r in speed])),
            "fit_cases": sorted({r["case"] for r in speed}), "fit_runs": len(speed),
            "fit_threads": speed[0]["torch_threads"]}


def balanced():
    """Mean gain over the 5 UCI sets of each row of ``results/full.json`` (+50 %)."""
    data = harness.load_results("full")
    summary = data["summary"]
    methods = sorted({e["method"] for e in summary} - {"baseline", "ActiveGAN[interpolated]"})
    gains = {m: float(np.mean(list(harness.per_set_means(summary, m).values())))
             for m in methods}
    sets = len({e["dataset"] for e in summary})
    speed = harness.load_results("speed_cpu_v02")
    fit = float(np.median([r["fit_seconds"] for r in speed if r["lambda_reward"] > 0]))
    return {"gains": gains, "sets": sets, "fit_1000": fit,
            "fit_runs": sum(r["lambda_reward"] > 0 for r in speed),
            "iterations": speed[0]["n_iter"]}


def facts():
    """Every number the filled regions and the chart show."""
    return {"mnist500": image_cell("mnist70k", 500), "mnist1000": image_cell("mnist70k", 1000),
            "fashion": image_cell("fashion", 1000), "image_cost": image_costs(),
            "features": features_cell(), "imbalanced": imbalanced(), "balanced": balanced(),
            "policy": policy_gains(), "photos": photos_cell(), "policy_cv": policy_cv()}


def policy_cv():
    """The CV recipe (``augment-CV``) per image cell: its mean gain and its worst seed
    (``results/images_policy.json``)."""
    study = harness.load_results("images_policy") or {}
    return {cell: {"gain": e["rows"]["augment-CV"]["gain"],
                   "worst": min(e["rows"]["augment-CV"]["per_seed"].values())}
            for cell, e in study.items() if "augment-CV" in e["rows"]}


def policy_gains():
    """The augmentation-policy family's gain (+800 %) per image cell
    (``results/images_policy.json``, written by ``images.py --policy``)."""
    study = harness.load_results("images_policy") or {}
    return {cell: entry["rows"]["augment"]["gain"] for cell, entry in study.items()
            if "augment" in entry["rows"]}


def facts_hash(f):
    """A short hash of the numbers the pages and the chart show."""
    blob = json.dumps(f, sort_keys=True, default=float).encode()
    return hashlib.sha1(blob).hexdigest()[:12]


def chart_hash(path=None):
    """The hash stored in the chart when it was drawn (None if it has none)."""
    from PIL import Image

    path = Path(path) if path else harness.DOCS / "img" / "home_gains.png"
    with Image.open(path) as image:
        return image.text.get("Description")


def _g(x):
    """A signed gain as the pages print it, with a true minus sign."""
    return f"{x:+.2f}".replace("-", "\u2212")


def _best_other(gains, ours):
    others = {k: v for k, v in gains.items() if k not in ours}
    best = max(others, key=others.get)
    return best, others[best]


# --------------------------------------------------------------------------- regions

def glance(f):
    """The short table of the home page and the README: per kind of data, what to use
    and what it gains, next to the best measured row without the library."""
    m5, m1, fa = f["mnist500"], f["mnist1000"], f["fashion"]
    im, ba = f["imbalanced"], f["balanced"]
    ours_b = ("ActiveGAN", "ActiveGAN+CV", "ActiveGAN[paper]", "AC-GAN", "AC-GAN+F")
    best_b, best_b_gain = _best_other(ba["gains"], ours_b)
    means, w = im["means"], im["wilcoxon"]
    rows = [
        ["digit-like images (MNIST)", "`image_shape=(28, 28)`: the defaults, or "
         "`generator=\"random-warp\"`",
         f"{_g(m5['defaults'])} / {_g(m1['defaults'])} (random warps "
         f"{_g(m5['random_warp'])} / {_g(m1['random_warp'])})",
         f"{m5['classical_name']} {_g(m5['classical'])} / "
         + ("" if m1["classical_name"] == m5["classical_name"] else m1["classical_name"] + " ")
         + _g(m1["classical"])],
        ["clothing-like images (Fashion-MNIST)", "classical shifts; the library's rows lose",
         f"{_g(fa['defaults'])} (random warps {_g(fa['random_warp'])})",
         f"{fa['classical_name']} {_g(fa['classical'])}"],
        ["imbalanced tables (KEEL)", "the SVM with `ActiveGANOverSampler`, or with SMOTE "
         "inside `OverSampledClassifierCV`: level",
         f"{w['with']}: mean rank {im['ranks'][w['with']]:.2f}, macro F1 "
         f"{means[w['with']]:.2f} (SVM alone {im['ranks']['SVM']:.2f}, {means['SVM']:.2f})",
         f"{w['without']}: {im['ranks'][w['without']]:.2f}, {means[w['without']]:.2f}"],
        ["small balanced tables (UCI)", "the plain classifier",
         f"defaults {_g(ba['gains']['ActiveGAN'])}",
         f"the SVM alone (0); best other row {best_b} {_g(best_b_gain)}"],
    ]
    table = harness.md_table(["data", "use", "the library's defaults", "best without it"], rows)
    return (table + "\n\n*Macro-F1 points: gains over the plain RBF SVM for images (MNIST "
            f"n = 500 / 1,000, Fashion-MNIST n = 1,000; {m5['seeds']} seeds, official test "
            f"sets) and balanced tables ({ba['sets']} sets, +50 % rows); imbalanced "
            f"tables: mean rank among 13 pipelines (1 is best) and mean macro F1 over "
            f"{im['sets']} sets ({im['repeats']} splits each). Filled from "
            "`benchmarks/results/` by `benchmarks/pages.py`; details: "
            "[Which should I use?](which.md).*")


def which(f):
    """The "Which should I use?" table: recipe, gain, cost, baseline per kind of data."""
    m5, m1, fa, ic = f["mnist500"], f["mnist1000"], f["fashion"], f["image_cost"]
    fe, im, ba, po = f["features"], f["imbalanced"], f["balanced"], f["policy"]
    means, w = im["means"], im["wilcoxon"]
    ours_b = ("ActiveGAN", "ActiveGAN+CV", "ActiveGAN[paper]", "AC-GAN", "AC-GAN+F")
    best_b, best_b_gain = _best_other(ba["gains"], ours_b)
    no_gpu = "no GPU figure yet"
    fm, ph = fe["mnist"], f["photos"]
    photo_use, _ = _use({PHOTO_ROWS[k]: v for k, v in ph["gains"].items() if k in PHOTO_ROWS})
    rows = [
        ["digit-like images (28x28 grey)",
         "`ActiveGANAugmenter(image_shape=(28, 28))` — or `generator=\"random-warp\"`, "
         "as good and nothing trained",
         f"MNIST n = 500: {_g(m5['defaults'])} (random warps {_g(m5['random_warp'])}); "
         f"n = 1,000: {_g(m1['defaults'])} ({_g(m1['random_warp'])}); the augmentation "
         f"policy (`generator=\"augment\"`) {_g(po['mnist70k_n500'])} / "
         f"{_g(po['mnist70k_n1000'])}",
         f"fit {ic['fit']:.0f} s at n = 1,000 (300 iterations, {ic['threads']} threads), "
         f"sampling {ic['sample']:.1f} s", no_gpu,
         f"raw-pixel RBF SVM; {m5['classical_name']} ({_g(m5['classical'])}, "
         f"{_g(m1['classical'])})"],
        ["clothing-like images",
         "four 1-px shifts of every image (classical, no training); not this library's "
         "defaults",
         f"Fashion-MNIST n = 1,000: defaults {_g(fa['defaults'])}, random warps "
         f"{_g(fa['random_warp'])}, the augmentation policy {_g(po['fashion_n1000'])}",
         "shifts: no training (array slicing); the library's image defaults: as the row "
         "above", no_gpu,
         f"raw-pixel RBF SVM; {fa['classical_name']} ({_g(fa['classical'])})"],
        ["photos, through a pretrained extractor",
         f"`EfficientNetLite0Features` as the SVM's features, {photo_use}; to check, "
         "`AugmentedClassifierCV` (0 among the budgets)",
         f"CIFAR-10 n = 1,000 ({ph['seeds']} seeds, 224-px features): the default (the "
         f"augmentation policy) {_g(ph['gains']['augment'])}, the warp generator "
         f"{_g(ph['gains']['default'])}, flips and crops {_g(ph['gains']['flips-crops'])}, "
         f"TrivialAugment {_g(ph['gains']['trivialaugment'])}, four 1-px shifts "
         f"{_g(ph['gains']['shift4'])}; the CV recipe {_g(ph['gains']['augment-CV'])}. "
         f"On MNIST features: defaults {_g(fm['ActiveGAN']['gain'])}, random warps "
         f"{_g(fm['random-warp']['gain'])}",
         f"the 224-px extractor: {fe['reward_8_seconds']:.2f} s per 8 images (median of "
         "3 runs, 1 thread)",
         no_gpu, "the SVM on the extractor's features"],
        ["imbalanced tables",
         "`make_pipeline(ActiveGANOverSampler(), SVC())` (imbalanced-learn's pipeline) or "
         "`OverSampledClassifierCV(SMOTE(), SVC())`: level; to let the data choose the "
         "amount, `OverSampledClassifierCV(ActiveGANOverSampler(), SVC())`",
         f"{im['sets']} KEEL sets, mean rank of 13 pipelines (mean macro F1): "
         f"{w['with']} {im['ranks'][w['with']]:.2f} ({means[w['with']]:.2f}), "
         f"{w['without']} {im['ranks'][w['without']]:.2f} ({means[w['without']]:.2f}), "
         f"SVM alone {im['ranks']['SVM']:.2f} ({means['SVM']:.2f}); Wilcoxon "
         f"{_g(w['mean_difference'])}, p = {w['p_value']:.2f}; most imbalanced sets "
         f"(ratio over 30) {_g(im['pays']['imbalance ratio over 30']['mean'])}",
         f"`ActiveGANOverSampler` fit_resample: {im['fit']:.1f} s (median, "
         f"{len(im['fit_cases'])} KEEL sets, {im['fit_threads']} thread)", no_gpu,
         "the SVM alone; SMOTE inside the same CV"],
        ["small balanced tables",
         "the plain classifier; to check, `AugmentedClassifierCV` (0 among the budgets)",
         f"defaults {_g(ba['gains']['ActiveGAN'])}, with the budget by CV "
         f"{_g(ba['gains']['ActiveGAN+CV'])}, the paper's method "
         f"{_g(ba['gains']['ActiveGAN[paper]'])}",
         f"{ba['iterations']:,} iterations on digits: {ba['fit_1000']:.1f} s (the default "
         "fit is 3,000)", no_gpu, f"the SVM alone; {best_b} ({_g(best_b_gain)})"],
    ]
    return harness.md_table(["your data", "use", "what it gains (macro-F1 points)",
                             "cost on the 2-core CPU", "cost on a GPU", "compare against"],
                            rows)


def costs(f):
    """The performance page's first table: the defaults' fit times."""
    ic, im, ba = f["image_cost"], f["imbalanced"], f["balanced"]
    rows = [
        ["`ActiveGANAugmenter(image_shape=(28, 28))`", "MNIST, 1,000 images",
         f"300 iterations, reward-model search included, {ic['threads']} torch threads",
         f"{ic['fit']:.1f} s fit, {ic['sample']:.2f} s to sample +800 %",
         f"median of {ic['runs']}", "`speed_images_default_cpu.json`"],
        ["`ActiveGANOverSampler()`", ", ".join(im["fit_cases"]),
         f"500 iterations, 64x64 networks, {im['fit_threads']} torch thread",
         f"{im['fit']:.1f} s `fit_resample`", f"median of {im['fit_runs']}",
         "`speed_oversampler.json`"],
        ["`ActiveGANAugmenter()` (tables)", "digits, 1,797 x 64",
         f"{ba['iterations']:,} iterations of generator training (the default is 3,000; "
         "reward model fitted outside the timing), 2 torch threads",
         f"{ba['fit_1000']:.1f} s fit", f"median of {ba['fit_runs']}",
         "`speed_cpu_v02.json`"],
    ]
    return harness.md_table(["estimator", "data", "settings", "time", "runs",
                             "results file"], rows)


CELLS = {"mnist70k": "MNIST", "fashion": "Fashion-MNIST"}


def images_in_short(f=None):
    """The images page's first table: per cell with the defaults, the defaults, their
    untrained draw, the reward's share, λ = 0 and the best classical row, paired by
    seed (``results/images_ablation.json``)."""
    rows = harness.load_results("images_ablation")
    gains = {(r["dataset"], r["n"], r["method"]): {int(s): g for s, g in r["gains"].items()}
             for r in rows}
    out = []
    for dataset, n in sorted({(d, n) for d, n, m in gains if m == "default"},
                             key=lambda c: (list(CELLS).index(c[0]), c[1])):
        mine = gains[(dataset, n, "default")]
        seeds = sorted(mine)

        def diff(method, seeds=seeds):
            other = gains.get((dataset, n, method), {})
            d = [mine[s] - other[s] for s in seeds if s in other]
            if not d:
                return "–"
            return (f"{_g(np.mean(d))} ({', '.join(_g(x) for x in d)}; "
                    f"{sum(x > 0 for x in d)}/{len(d)})")

        cell = image_cell(dataset, n)
        best = {v: k for k, v in CLASSICAL.items()}[cell["classical_name"]]
        out.append([f"{CELLS[dataset]}, n = {n:,}", _g(cell["defaults"]),
                    _g(cell["random_warp"]), f"**{diff('untrained')}**",
                    diff("default-lambda0"),
                    f"{cell['classical_name']} {_g(cell['classical'])}", diff(best)])
    return (harness.md_table(
        ["cell (official test set)", "the defaults", "random warps (`generator=\"random-warp\"`)",
         "the reward's share (defaults − random warps; per seed; wins)", "defaults − λ = 0",
         "best classical row", "defaults − best classical"], out)
        + "\n\n*Gains in macro-F1 points over the raw-pixel SVM, paired by seed (the seeds "
        "of the defaults: 0-2). Filled from `benchmarks/results/images_ablation.json` by "
        "`benchmarks/pages.py`.*")


#: The photos' rows as the images page names them (``images_features.py``).
PHOTO_ROWS = {"shift4": "four 1-px shifts", "flips-crops": "flips + 4-px crops",
              "trivialaugment": "TrivialAugment", "untrained": "random warps",
              "default": "the warp generator",
              "augment": "the augmentation policy (the colour default)",
              "augment-untrained": "the policy's untrained draw"}


def _use(rows, noise=0.3):
    """``(what to use, its gain)``: the best of ``rows`` ({name: gain}) when it gains
    more than ``noise`` macro-F1 points, else no augmentation (0)."""
    best = max(rows, key=rows.get)
    return (best, rows[best]) if rows[best] > noise else ("no augmentation", 0.0)


def images_what_to_use(f):
    """The images page's first table: per kind of image, what measured best, the
    library's rows and the CV recipe's floor."""
    m5, m1, fa, ph, po, cv = (f["mnist500"], f["mnist1000"], f["fashion"], f["photos"],
                              f["policy"], f["policy_cv"])
    out = []
    for label, cells in (("digit-like (MNIST, 28x28 grey)", [("n = 500", m5, "mnist70k_n500"),
                                                            ("n = 1,000", m1, "mnist70k_n1000")]),
                         ("clothing-like (Fashion-MNIST)", [("n = 1,000", fa, "fashion_n1000")])):
        rows = {"the image defaults (`ActiveGANAugmenter(image_shape=(28, 28))`)":
                np.mean([c["defaults"] for _, c, _ in cells]),
                "random warps (`generator=\"random-warp\"`)":
                np.mean([c["random_warp"] for _, c, _ in cells]),
                cells[0][1]["classical_name"] + " (classical)":
                np.mean([c["classical"] for _, c, _ in cells])}
        use, _ = _use(rows)
        out.append([label, use,
                    "; ".join(f"{name}: defaults {_g(c['defaults'])}, random warps "
                              f"{_g(c['random_warp'])}, {c['classical_name']} "
                              f"{_g(c['classical'])}, policy {_g(po[key])}"
                              for name, c, key in cells),
                    "; ".join(f"{name}: {_g(cv[key]['gain'])} (worst seed "
                              f"{_g(cv[key]['worst'])})" for name, _, key in cells)])
    rows = {PHOTO_ROWS[k]: v for k, v in ph["gains"].items() if k in PHOTO_ROWS}
    use, _ = _use(rows)
    out.append(["photos, through `EfficientNetLite0Features` (CIFAR-10, 224-px features)",
                use if use != "no augmentation" else
                "no augmentation: the SVM on the extractor's features",
                "n = 1,000: " + ", ".join(f"{name} {_g(v)}" for name, v in rows.items()),
                f"n = 1,000: {_g(ph['gains'].get('augment-CV', float('nan')))} (budgets "
                f"chosen: {', '.join(f'{c:g}' for c in ph['cv_chosen'])})"])
    return (harness.md_table(["kind of image", "use", "measured (macro-F1 points over the "
                              "plain SVM)", "the CV recipe (`AugmentedClassifierCV`, budget "
                              "0 allowed)"], out)
            + f"\n\n*Gains over the RBF SVM on raw pixels (MNIST, Fashion-MNIST: "
            f"{m5['seeds']} seeds) or on the extractor's features (CIFAR-10: {ph['seeds']} "
            "seeds), official test sets, paired by seed; \"use\" is the best row when it "
            "gains more than 0.3 points. The CV recipe searches the augmentation policy "
            "(`generator=\"augment\"`). Filled from `benchmarks/results/images_ablation.json`, "
            "`images_policy.json` and `images_features.json` by `benchmarks/pages.py`.*")


def oversampler_fit_times(f=None):
    """The imbalanced page's fit-time table: per case and defaults, the wall seconds
    (median, range) and CPU seconds of ``fit_resample`` (``results/speed_oversampler*.json``)."""
    rows = []
    for label, tag in (("new", "speed_oversampler"), ("former", "speed_oversampler_former")):
        runs = harness.load_results(tag)
        for case in sorted({r["case"] for r in runs}):
            mine = [r for r in runs if r["case"] == case]
            wall = [r["fit_resample_seconds"] for r in mine]
            rows.append([label, case, str(mine[0]["n_samples"]), str(mine[0]["n_iter"]),
                         str(len(mine)), f"{np.median(wall):.1f} ({min(wall):.1f}-"
                         f"{max(wall):.1f})", f"{np.median([r['cpu_seconds'] for r in mine]):.1f}"])
    return harness.md_table(["defaults", "case", "training rows", "n_iter", "runs", "wall s",
                             "CPU s"], rows)


def imbalanced_answer(f):
    """The imbalanced page's short answer, from the 40-set results."""
    im = f["imbalanced"]
    means, ranks, w, pays = im["means"], im["ranks"], im["wilcoxon"], im["pays"]
    order = sorted(ranks, key=ranks.get)
    by_gap = sorted(pays.items(), key=lambda kv: kv[1]["mean"])
    (lose, lo), (win, hi) = by_gap[0], by_gap[-1]
    hgb = {p: means[p] for p in ("HGB + ActiveGAN", "HGB balanced", "HGB + SMOTE", "HGB")}
    beaten = [p for p in ("HGB balanced", "HGB") if hgb["HGB + ActiveGAN"] >= hgb[p]]
    svm_floor, hgb_floor = im["floors"]["SVM"], im["floors"]["HGB"]
    separable = (im["friedman"]["p_value"] < 0.05
                 or ranks[order[-1]] - ranks[order[0]] >= im["cd"])

    def kind(name, entry, side):
        return (f"{name} ({entry['sets']} sets: {_g(entry['mean'])}, {side} on "
                f"{entry[side]})")

    lines = [
        f"**Short answer** ({im['sets']} KEEL sets, {im['repeats']} stratified 50/50 "
        "splits each; macro F1 on the test halves, every hyper-parameter chosen on the "
        "training half; filled from `benchmarks/results/imbalanced40.json` by "
        "`benchmarks/pages.py`):",
        "",
        (f"- **No pipeline is ahead beyond the noise.** The {len(ranks)} pipelines' mean "
         if separable is False else f"- **The pipelines differ.** The {len(ranks)} "
         "pipelines' mean ")
        + f"ranks lie between {ranks[order[0]]:.2f} and {ranks[order[-1]]:.2f} (critical "
        f"difference {im['cd']:.2f}); Friedman test p = {im['friedman']['p_value']:.2f}.",
        f"- **`ActiveGANOverSampler` is {'level with' if w['p_value'] >= 0.05 else 'apart from'}"
        f" the best alternative.** {w['with']} has "
        f"the best mean rank ({ranks[w['with']]:.2f}, mean macro F1 {means[w['with']]:.2f}); "
        f"against the best pipeline without the over-sampler, {w['without']} "
        f"({ranks[w['without']]:.2f}, {means[w['without']]:.2f}), the Wilcoxon signed-rank "
        f"test gives a mean difference of {_g(w['mean_difference'])} (p = "
        f"{w['p_value']:.2f}"
        + ("): no difference either way" if w["p_value"] >= 0.05 else ")") + ". The SVM alone ranks "
        f"{ranks['SVM']:.2f} ({means['SVM']:.2f}).",
        f"- **Where it pays, and where not** ({w['with']} against {w['without']}, by kind "
        f"of set): ahead on {kind(win, hi, 'ahead')}; behind on "
        f"{kind(lose, lo, 'behind')}. The table under the ranks has every kind.",
        f"- **With gradient boosting**, HGB + ActiveGAN ({hgb['HGB + ActiveGAN']:.2f}) "
        + (f"beats {' and '.join(f'{p} ({hgb[p]:.2f})' for p in beaten)}" if beaten
           else "beats neither class weights nor HGB alone")
        + f"; HGB + SMOTE scores {hgb['HGB + SMOTE']:.2f}.",
        f"- **The data-chosen amount** (`OverSampledClassifierCV(ActiveGANOverSampler(), "
        f"clf)`, 0 among the shares) ends on its worst set {_g(svm_floor['gap'])} against "
        f"the SVM alone ({svm_floor['set']}) and {_g(hgb_floor['gap'])} against HGB alone "
        f"({hgb_floor['set']}), mean over the splits of a set; sets more than a point "
        f"below: {svm_floor['below_1']} (SVM), {hgb_floor['below_1']} (HGB).",
        f"- **Fit time**: `fit_resample` {im['fit']:.1f} s (median of {im['fit_runs']}, "
        f"{', '.join(im['fit_cases'])}, {im['fit_threads']} torch thread).",
    ]
    return "\n".join(lines)


def figure_caption(f):
    return ("![Gain of the library's rows and of the best rows without it, by kind of "
            "data](img/home_gains.png)\n\n*Figure: the numbers of the table above, "
            "drawn by `benchmarks/pages.py`: blue, this library's rows; orange, the best "
            "measured row without it.*")


REGIONS = {
    ("index", "pages.py: at a glance"): lambda f: glance(f) + "\n\n" + figure_caption(f),
    ("README.md", "pages.py: at a glance"): lambda f: glance(f).replace(
        "(which.md)", "(docs/which.md)"),
    ("which", "pages.py: which"): which,
    ("performance", "pages.py: costs"): costs,
    ("images", "pages.py: images what to use"): images_what_to_use,
    ("images", "pages.py: images in short"): images_in_short,
    ("imbalanced", "pages.py: imbalanced answer"): imbalanced_answer,
    ("imbalanced", "pages.py: over-sampler fit times"): oversampler_fit_times,
}


def _path(page):
    return ROOT / page if page.endswith(".md") else harness.DOCS / f"{page}.md"


def expected():
    """``{(page, region): text}`` as this script writes them now."""
    f = facts()
    return {key: make(f).strip() for key, make in REGIONS.items()}


def current(page, region):
    """The text between a page's markers, as committed."""
    source = _path(page).read_text()
    start, end = f"<!-- {region} -->", f"<!-- /{region} -->"
    if source.count(start) != 1 or source.count(end) != 1:
        raise ValueError(f"{_path(page)}: needs one {start} and one {end}")
    return source.split(start)[1].split(end)[0].strip()


def stale():
    """The regions whose committed text differs from what the results give now."""
    return [key for key, text in expected().items() if current(*key) != text]


# --------------------------------------------------------------------------- chart

def chart(f, path=None):
    """Per kind of data, the library's rows (blue) and the best row without it
    (orange), in macro-F1 points; sized for the docs' text column (800 px)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m5, m1, fa, ba = f["mnist500"], f["mnist1000"], f["fashion"], f["balanced"]
    means = f["imbalanced"]["means"]
    ours_b = ("ActiveGAN", "ActiveGAN+CV", "ActiveGAN[paper]", "AC-GAN", "AC-GAN+F")
    best_b, best_b_gain = _best_other(ba["gains"], ours_b)
    panels = [
        ("Digit-like images\nMNIST n = 500", [
            ("defaults", m5["defaults"], True), ("random warps", m5["random_warp"], True),
            (m5["classical_name"], m5["classical"], False)]),
        ("Clothing-like images\nFashion-MNIST n = 1,000", [
            ("defaults", fa["defaults"], True), ("random warps", fa["random_warp"], True),
            (fa["classical_name"], fa["classical"], False)]),
        ("Imbalanced tables (40 sets)\nvs the SVM alone", [
            ("SVM + ActiveGAN", means["SVM + ActiveGAN"] - means["SVM"], True),
            ("ActiveGAN (CV)", means["SVM + ActiveGAN (CV)"] - means["SVM"], True),
            ("SMOTE (CV)", means["SVM + SMOTE (CV)"] - means["SVM"], False),
            ("HGB + ActiveGAN", means["HGB + ActiveGAN"] - means["SVM"], True),
            ("HGB + SMOTE", means["HGB + SMOTE"] - means["SVM"], False)]),
        ("Small balanced tables\n+50 % rows", [
            ("defaults", ba["gains"]["ActiveGAN"], True),
            ("budget by CV", ba["gains"]["ActiveGAN+CV"], True),
            (best_b, best_b_gain, False)]),
    ]
    blue, orange = "#0072B2", "#E69F00"  # Okabe-Ito: safe for colour-blind readers
    fig, axes = plt.subplots(2, 2, figsize=(8, 5.6))
    every = [v for _, bars in panels for _, v, _ in bars]
    lo, hi = min(min(every), 0), max(max(every), 0)
    pad = 0.45 * (hi - lo)
    for ax, (title, bars) in zip(axes.flat, panels):
        y = np.arange(len(bars))
        ax.barh(y, [v for _, v, _ in bars], color=[blue if o else orange for _, _, o in bars])
        for i, (_, v, _) in enumerate(bars):
            ax.text(v, i, f" {v:+.2f} ", va="center", ha="left" if v >= 0 else "right",
                    fontsize=10)
        ax.set_yticks(y, [label for label, _, _ in bars], fontsize=10)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_title(title, fontsize=11)
        ax.tick_params(axis="x", labelsize=9)
    for ax in axes[1]:
        ax.set_xlabel("macro-F1 points", fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in (blue, orange)]
    fig.legend(handles, ["this library", "best without it"], loc="lower center", ncol=2,
               fontsize=10, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    path = Path(path) if path else harness.DOCS / "img" / "home_gains.png"
    # the numbers drawn, hashed into the file: tests/test_docs.py compares it with now
    fig.savefig(path, dpi=100, metadata={"Software": None, "Description": facts_hash(f)})
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a filled region differs from the results")
    args = parser.parse_args(argv)
    if args.check:
        found = [f"{_path(page)} <!-- {region} -->" for page, region in stale()]
        if chart_hash() != facts_hash(facts()):
            found.append("docs/img/home_gains.png")
        for where in found:
            print(f"stale: {where}: run python -m benchmarks.pages")
        return 1 if found else 0
    f = facts()
    for (page, region), make in REGIONS.items():
        print("filled", harness.fill_page(_path(page), region, make(f)))
    print("drawn", chart(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
