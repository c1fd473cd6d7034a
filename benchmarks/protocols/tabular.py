"""The paper's protocol on tables (``python -m benchmarks.paper_protocol``): the methods,
how each makes its synthetic rows at the baseline SVM's (C, gamma), and the tables of
a run's summary."""

import numpy as np
from imblearn.over_sampling import SMOTE, SVMSMOTE, BorderlineSMOTE
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_activegan import (ActiveGANAugmenter, AugmentedClassifierCV, make_reward_model,
                          synthetic_counts, synthetic_diagnostics)

from .. import harness
from ..harness import fit_augmented, macro_f1, svm

DEFAULT_SIZES = {"digits": [200, 500], "optdigits": [500, 1000], "penbased": [500, 1000],
                 "satimage": [500, 1000], "segment": [200, 500]}
METHODS = ["AC-GAN", "AC-GAN+F", "ActiveGAN[paper]", "ActiveGAN", "ActiveGAN+CV",
           "SMOTE", "BorderlineSMOTE", "SVMSMOTE"]
CV_BUDGETS = (0.0, 0.25, 0.5, 1.0)  # ActiveGAN+CV: candidate budgets, shares of n
CV_FOLDS = 3
FILTER_MARGINS = [0.1, 0.15, 0.2, 0.25, 0.3]  # the paper's tuning set for AC-GAN+F
PAPER_TABLE_1 = {  # F-scores: baseline, AC-GAN, AC-GAN+F, ActiveGAN
    "CIFAR-10 n=5k": (83.4, 81.4, 82.5, 84.3), "CIFAR-10 n=10k": (85.3, 82.7, 83.2, 86.3),
    "MNIST n=500": (94.6, 94.1, 94.5, 95.1), "MNIST n=1k": (96.2, 95.8, 95.9, 96.5),
    "F-MNIST n=5k": (87.1, 85.4, 86.2, 87.6), "F-MNIST n=10k": (88.1, 86.4, 87.3, 89.0),
    "Tiny-ImageNet n=10k": (56.1, 52.2, 53.2, 57.5),
    "Tiny-ImageNet n=20k": (58.3, 56.1, 56.9, 59.4),
}


def tune_baseline(X, y):
    """Grid-searched RBF SVM (the harness's grid, macro F1); returns (C, gamma)."""
    return harness.tune_svm(X, y, scoring="f1_macro")


def budget_per_class(y, budget):
    """Synthetic rows per class: ``budget`` times each class's size, rounded (the
    library's rule, ``synthetic_counts``)."""
    return synthetic_counts(y, float(budget))


def augmenter(kind, C, gamma, args, seed, **params):
    """The library's augmenter for a method: AC-GAN baselines and the paper recipe use
    the paper's free generator; "ActiveGAN" and its +CV form, the library defaults."""
    paper = kind.startswith("AC-GAN") or kind == "ActiveGAN[paper]"
    settings = {"lambda_reward": 0.0 if kind.startswith("AC-GAN") else args.lambda_reward,
                "n_iter": args.n_iter, "reward_estimator": make_reward_model(C=C, gamma=gamma),
                "random_state": seed, **({"generator": "paper"} if paper else {}), **params}
    return ActiveGANAugmenter(**settings)


def fit_cv_classifier(X, y, C, gamma, args, seed):
    """ActiveGAN+CV: the default augmenter, budget chosen by inner CV (0 allowed)."""
    return AugmentedClassifierCV(augmenter("ActiveGAN+CV", C, gamma, args, seed), svm(C, gamma),
                                 n_synthetic=CV_BUDGETS, cv=CV_FOLDS,
                                 scoring="f1_macro").fit(X, y)


def tune_filter_margin(X, y, C, gamma, args, seed):
    """AC-GAN+F: the margin that scores best on a validation split of the training set."""
    X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.25, stratify=y,
                                                  random_state=seed)
    aug = augmenter("AC-GAN", C, gamma, args, seed).fit(X_fit, y_fit)
    counts = budget_per_class(y_fit, args.budget)
    scores = {}
    for margin in FILTER_MARGINS:
        X_syn, y_syn = aug.sample(counts, margin_filter=margin)
        model = fit_augmented(svm(C, gamma), X_fit, y_fit, X_syn, y_syn)
        scores[margin] = macro_f1(model, X_val, y_val)
    return max(scores, key=scores.get), scores


def generate(method, X, y, C, gamma, args, seed):
    """Synthetic rows for one method, and facts about how they were made."""
    counts = budget_per_class(y, args.budget)
    info = {}
    if method == "ActiveGAN+CV":
        raise ValueError("ActiveGAN+CV is a classifier, not a sampler: see run_split")
    if method in ("AC-GAN", "ActiveGAN", "AC-GAN+F") or method.startswith("ActiveGAN["):
        params = dict(args.method_params.get(method, {}))
        if method == "AC-GAN+F":
            margin, scores = tune_filter_margin(X, y, C, gamma, args, seed)
            params["margin_filter"] = margin
            info["filter_margin"], info["validation_f1"] = margin, scores
        aug = augmenter(method, C, gamma, args, seed, **params).fit(X, y)
        info["final_mean_reward"] = float(np.nanmean(aug.history_["mean_reward"][-100:]))
        X_syn, y_syn = aug.sample(counts)
        return X_syn, y_syn, info
    sampler_class = {"SMOTE": SMOTE, "BorderlineSMOTE": BorderlineSMOTE,
                     "SVMSMOTE": SVMSMOTE}[method]
    classes, class_sizes = np.unique(y, return_counts=True)
    k = int(min(5, class_sizes.min() - 1))
    target = {c: int(size + counts[c]) for c, size in zip(classes.tolist(), class_sizes)}
    scaler = StandardScaler().fit(X)
    sampler = sampler_class(sampling_strategy=target, k_neighbors=k, random_state=seed)
    if method != "SMOTE":
        sampler.set_params(m_neighbors=int(min(10, len(X) - 1)))
    X_res, y_res = sampler.fit_resample(scaler.transform(X), y)
    # boundary-aware samplers generate only around "danger" samples, so they may add
    # fewer rows than the budget (none on well-separated classes): the row count says so
    X_syn = X_res[len(X):] * scaler.scale_ + scaler.mean_
    return X_syn, y_res[len(X):], info


def diagnostics(X, y, X_syn, y_syn, C, gamma):
    """Per-sample figures under the reward model (the library's diagnostics),
    averaged over the synthetic rows."""
    if len(X_syn) == 0:
        return {}
    reward_model = make_reward_model(C=C, gamma=gamma).fit(X, y)
    return synthetic_diagnostics(X, y, X_syn, y_syn, reward_model)[1]


def summarize(rows, methods):
    """Per (data set, n, method): mean F1, paired gain, wins, error reduction."""
    return harness.summarize(rows, methods, order=DEFAULT_SIZES)


COLUMNS = ["data", "n", "method", "seeds", "macro F1", "gain (mean ± sd)", "wins",
           "error red. %", "reward", "margin ≤ ε", "own class", "median margin", "NN ratio"]
DIAGNOSTIC_FORMATS = {"mean_reward": ".3f", "share_margin_le_epsilon": ".1%",
                      "share_conditioned_class": ".1%", "median_margin": ".2f",
                      "median_nn_distance_ratio": ".2f"}


def markdown(table):
    rows = []
    for e in table:
        if e["method"] == "baseline":
            rows.append([e["dataset"], e["n"], "**baseline SVM**", e["seeds"],
                         f"{e['f1']:.2f} ± {e['f1_std']:.2f}", *[None] * 8])
            continue
        rows.append([e["dataset"], e["n"], e["method"], e["seeds"], f"{e['f1']:.2f}",
                     f"{e['gain']:+.2f} ± {e['gain_std']:.2f}", f"{e['wins']}/{e['seeds']}",
                     f"{e['error_reduction']:+.1f}",
                     *(format(e[k], spec) if k in e else ""
                       for k, spec in DIAGNOSTIC_FORMATS.items())])
    return harness.md_table(COLUMNS, rows)


def dataset_means(table, methods):
    """Gain and error reduction per data set, averaged over its n values."""
    rows = []
    for dataset in dict.fromkeys(e["dataset"] for e in table):
        cells = [dataset]
        for method in methods:
            entries = [e for e in table if e["dataset"] == dataset and e["method"] == method]
            if entries:
                cells.append(f"{np.mean([e['gain'] for e in entries]):+.2f} "
                             f"({np.mean([e['error_reduction'] for e in entries]):+.1f} %)")
            else:
                cells.append("")
        rows.append(cells)
    return harness.md_table(["data", *methods], rows)
