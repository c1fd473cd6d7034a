"""The home page's chart: does augmentation help, on which data, against what.

One panel per kind of data the library serves, the mean gain of each method over
the plain classifier, read from the committed benchmark results:

- tables, balanced classes (``results/full.json``: 5 UCI sets, RBF SVM, +50 %);
- tables, imbalanced classes (``results/imbalanced.json``: 13 KEEL sets, RBF SVM);
- images (``results/images.json``: real MNIST, n = 500 and 1000).

    python benchmarks/home_chart.py      # writes docs/img/home_gains.png
"""

import harness
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OURS = "tab:red"


def tabular():
    summary = harness.load_results("full")["summary"]
    shown = {"ActiveGAN": "ActiveGAN (defaults)", "ActiveGAN[paper]": "ActiveGAN (paper)",
             "AC-GAN": "AC-GAN", "SMOTE": "SMOTE", "SVMSMOTE": "SVMSMOTE"}
    return {label: float(np.mean(list(harness.per_set_means(summary, method).values())))
            for method, label in shown.items()}


def imbalanced():
    summary = harness.load_results("imbalanced")["summary"]
    shown = {"ActiveGAN": "ActiveGANOverSampler", "SVMSMOTE": "SVMSMOTE", "SMOTE": "SMOTE",
             "class_weight": "class_weight", "RandomOverSampler": "RandomOverSampler"}
    entries = {e["method"]: e["mean"] for e in summary
               if e["classifier"] == "svm" and e["metric"] == "macro_f1"}
    return {label: entries[m] for m, label in shown.items() if m in entries}


def images():
    rows = harness.load_results("images")
    shown = {"ActiveGAN": "ActiveGAN (defaults)", "ActiveGAN[paper]": "ActiveGAN (paper)",
             "AC-GAN": "AC-GAN", "VSV-shift8": "virtual SVs, 8 shifts",
             "shift4": "4 shifts of every image", "SMOTE": "SMOTE"}
    out = {}
    for method, label in shown.items():
        gains = [r["gain"] for r in rows if r["dataset"] == "mnist" and r["method"] == method]
        if gains:
            out[label] = float(np.mean(gains))
    return out


def main():
    panels = [("Images: real MNIST, n = 500 and 1000\n(raw-pixel RBF SVM)", images()),
              ("Tables, imbalanced classes: 13 KEEL sets\n(RBF SVM, macro F1)", imbalanced()),
              ("Tables, balanced classes: 5 UCI sets\n(RBF SVM, +50 % rows)", tabular())]
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.4), sharex=True)  # one scale: comparable
    for ax, (title, values) in zip(axes, panels):
        labels = list(values)
        gains = np.array([values[k] for k in labels])
        colours = [OURS if k.startswith("ActiveGAN") and "paper" not in k else "tab:gray"
                   for k in labels]
        ax.barh(np.arange(len(labels)), gains, color=colours)
        for i, g in enumerate(gains):
            ax.text(g, i, f" {g:+.2f} ", va="center", ha="left" if g >= 0 else "right",
                    fontsize=9)
        ax.set_yticks(np.arange(len(labels)), labels)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("mean F1 gain (points)")
    every = np.concatenate([list(v.values()) for _, v in panels])
    lo, hi = min(every.min(), 0), max(every.max(), 0)
    axes[0].set_xlim(lo - 0.3 * (hi - lo), hi + 0.3 * (hi - lo))
    fig.suptitle("Does it help? Mean F1 gain over the plain classifier, by kind of data "
                 "(red: this library's defaults)", fontsize=11)
    fig.tight_layout()
    path = harness.DOCS / "img" / "home_gains.png"
    fig.savefig(path, dpi=100)
    print("saved", path)


if __name__ == "__main__":
    main()
