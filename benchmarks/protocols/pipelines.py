"""The imbalanced pipelines (``python -m benchmarks.imbalanced``): the KEEL sets, the
pipelines and the summaries and tables of their rows."""

import numpy as np

from .. import harness

DATA = harness.SHARED_DATA / "imbalanced"
DATASETS = ["glass1", "pima", "haberman", "vehicle1", "new-thyroid1", "segment0", "yeast3",
            "glass2", "yeast-1_vs_7", "ecoli4", "yeast6", "winequality-white-3_vs_7",
            "abalone19"]
PIPELINES = ["SVM", "SVM balanced", "SVM + SMOTE", "SVM + SMOTE (CV)", "SVM + ActiveGAN",
             "SVM + ActiveGAN (CV)", "HGB", "HGB balanced", "HGB threshold", "HGB + SMOTE",
             "HGB + ActiveGAN", "HGB + ActiveGAN (CV)", "LR threshold"]
#: The pipelines that use ActiveGANOverSampler (the rest is "without").
WITH_OVER_SAMPLER = [p for p in PIPELINES if "ActiveGAN" in p]
METRICS = ("macro_f1", "minority_f1")
SHARES = (0.0, 0.25, 0.5, 1.0)


def whole_splits(rows, pipelines):
    """The rows of the splits that hold a row of every pipeline."""
    count = {}
    for r in rows:
        if r["pipeline"] in pipelines:
            count[r["dataset"], r["seed"]] = count.get((r["dataset"], r["seed"]), 0) + 1
    return [r for r in rows if count.get((r["dataset"], r["seed"])) == len(pipelines)]


def per_set(rows, pipeline, metric="macro_f1", datasets=None):
    """``{data set: mean over its splits}`` of ``pipeline``."""
    values = {}
    for r in rows:
        if r["pipeline"] == pipeline and (datasets is None or r["dataset"] in datasets):
            values.setdefault(r["dataset"], []).append(r[metric])
    return {d: float(np.mean(v)) for d, v in values.items()}


def summarize(rows, pipelines, datasets):
    """Per pipeline: per-set means of both metrics and their means over the sets
    that every pipeline covers."""
    covered = [d for d in datasets
               if all(d in per_set(rows, p) for p in pipelines)]
    summary = {}
    for p in pipelines:
        entry = {"covered": covered}
        for metric in METRICS:
            values = per_set(rows, p, metric)
            entry[metric] = values
            entry[f"mean_{metric}"] = (float(np.mean([values[d] for d in covered]))
                                       if covered else float("nan"))
        summary[p] = entry
    return summary


def best_of(summary, pipelines, dataset=None):
    """The pipeline of ``pipelines`` with the highest mean macro F1 (over the covered
    sets, or on ``dataset``)."""
    if dataset is None:
        return max(pipelines, key=lambda p: summary[p]["mean_macro_f1"])
    return max(pipelines, key=lambda p: summary[p]["macro_f1"].get(dataset, -1))


def targets(summary, rows):
    """The issue's targets, as (text, met) pairs."""
    pipelines = list(summary)
    covered = summary[pipelines[0]]["covered"]
    mine = [p for p in pipelines if p in WITH_OVER_SAMPLER]
    others = [p for p in pipelines if p not in WITH_OVER_SAMPLER]
    if not covered or not mine or not others:
        return []
    out = []
    best_mine, best_other = best_of(summary, mine), best_of(summary, others)
    m, o = summary[best_mine]["mean_macro_f1"], summary[best_other]["mean_macro_f1"]
    out.append((f"best pipeline with the over-sampler ({best_mine}, {m:.2f}) ≥ the best "
                f"without it ({best_other}, {o:.2f}) in mean macro F1", m >= o))
    wins = [d for d in covered if max(summary[p]["macro_f1"][d] for p in mine)
            >= max(summary[p]["macro_f1"][d] for p in others)]
    out.append((f"the best pipeline with the over-sampler ≥ the best without it on "
                f"{len(wins)} of {len(covered)} sets (target ≥ 7)", len(wins) >= 7))
    if "HGB + ActiveGAN" in summary and "HGB balanced" in summary:
        a, b = (summary[p]["mean_macro_f1"] for p in ("HGB + ActiveGAN", "HGB balanced"))
        out.append((f"HGB + ActiveGAN ({a:.2f}) ≥ HGB balanced ({b:.2f}) on average", a >= b))
    for family in ("SVM", "HGB"):
        cv = f"{family} + ActiveGAN (CV)"
        if cv in summary and family in summary:
            gaps = {d: summary[cv]["macro_f1"][d] - summary[family]["macro_f1"][d]
                    for d in covered}
            worst = min(gaps, key=gaps.get)
            out.append((f"{cv}: worst set {worst} {gaps[worst]:+.2f} against {family} alone "
                        f"(target ≥ -1.00)", gaps[worst] >= -1.0))
    return out


def rank_statistics(summary, metric="macro_f1", alpha=0.05):
    """Ranks and tests over the sets every pipeline covers, as the literature compares
    classifiers over many data sets (Demšar, JMLR 2006).

    Per pipeline: its mean ``metric`` over the sets, its mean rank (1 is best; ties
    share the mean of their ranks) and its wins (sets where it is best, ties
    included). Over all pipelines: the Friedman test on the ranks and the Nemenyi
    critical difference of mean ranks at ``alpha`` (the studentized range's
    quantile over sqrt(2)). Between the best pipeline with the over-sampler and the
    best without it (by mean rank): the two-sided Wilcoxon signed-rank test on their
    per-set scores. Returns a dict; ``None`` when fewer than 2 sets are covered."""
    from scipy import stats

    pipelines = list(summary)
    covered = summary[pipelines[0]]["covered"]
    if len(covered) < 2 or len(pipelines) < 2:
        return None
    scores = np.array([[summary[p][metric][d] for p in pipelines] for d in covered])
    ranks = np.vstack([stats.rankdata(-row) for row in scores])
    best = scores.max(axis=1, keepdims=True)
    table = {p: {"mean": float(scores[:, i].mean()), "mean_rank": float(ranks[:, i].mean()),
                 "wins": int((scores[:, i:i + 1] >= best).sum())}
             for i, p in enumerate(pipelines)}
    out = {"sets": len(covered), "pipelines": table}
    if len(pipelines) >= 3:
        friedman = stats.friedmanchisquare(*scores.T)
        k, n = len(pipelines), len(covered)
        q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2)
        out["friedman"] = {"statistic": float(friedman.statistic),
                           "p_value": float(friedman.pvalue)}
        out["critical_difference"] = float(q * np.sqrt(k * (k + 1) / (6 * n)))
    mine = [p for p in pipelines if p in WITH_OVER_SAMPLER]
    others = [p for p in pipelines if p not in WITH_OVER_SAMPLER]
    if mine and others:
        a = min(mine, key=lambda p: table[p]["mean_rank"])
        b = min(others, key=lambda p: table[p]["mean_rank"])
        diff = scores[:, pipelines.index(a)] - scores[:, pipelines.index(b)]
        test = (stats.wilcoxon(diff) if np.any(diff != 0)
                else type("T", (), {"statistic": 0.0, "pvalue": 1.0}))
        out["wilcoxon"] = {"with": a, "without": b, "mean_difference": float(diff.mean()),
                           "statistic": float(test.statistic),
                           "p_value": float(test.pvalue)}
    return out


def statistics_markdown(result):
    """The ranks table and the tests of :func:`rank_statistics` as markdown lines."""
    if result is None:
        return ["Fewer than 2 sets with every pipeline: no ranks."]
    rows = sorted(result["pipelines"].items(), key=lambda item: item[1]["mean_rank"])
    lines = [harness.md_table(["pipeline", "mean macro F1", "mean rank", "wins"],
                              [[p, f"{v['mean']:.2f}", f"{v['mean_rank']:.2f}",
                                str(v["wins"])] for p, v in rows]), ""]
    if "friedman" in result:
        f = result["friedman"]
        lines.append(f"Friedman test over {result['sets']} sets: χ² = {f['statistic']:.2f}, "
                     f"p = {f['p_value']:.3g}; Nemenyi critical difference of mean ranks "
                     f"(α = 0.05): {result['critical_difference']:.2f}.")
    if "wilcoxon" in result:
        w = result["wilcoxon"]
        lines.append(f"Wilcoxon signed-rank, {w['with']} against {w['without']} (the best "
                     f"with and without the over-sampler by mean rank): mean difference "
                     f"{w['mean_difference']:+.2f}, p = {w['p_value']:.3g} (two-sided).")
    return lines


#: The kinds of sets the "where it pays" table groups by: ``(name, test on the set's
#: properties)``; a property dict holds ``rows``, ``imbalance`` (majority / minority
#: rows) and ``categorical`` (the number of categorical columns).
KINDS = [("up to 500 rows", lambda p: p["rows"] <= 500),
         ("501 to 2,000 rows", lambda p: 500 < p["rows"] <= 2000),
         ("over 2,000 rows", lambda p: p["rows"] > 2000),
         ("imbalance ratio up to 9", lambda p: p["imbalance"] <= 9),
         ("imbalance ratio 9 to 30", lambda p: 9 < p["imbalance"] <= 30),
         ("imbalance ratio over 30", lambda p: p["imbalance"] > 30),
         ("with categorical columns", lambda p: p["categorical"] > 0),
         ("numeric columns only", lambda p: p["categorical"] == 0)]


def set_properties(datasets, data_dir=DATA):
    """``{set: {"rows", "imbalance", "categorical"}}`` of the whole data sets."""
    out = {}
    for name in datasets:
        data = harness.load(name, data_dir)
        y = data.y if data.y_test is None else np.concatenate([data.y, data.y_test])
        counts = np.bincount(y.astype(int))
        out[name] = {"rows": int(len(y)), "imbalance": float(counts.max() / counts.min()),
                     "categorical": int(len(data.categorical))}
    return out


def where_it_pays(summary, properties, pair, metric="macro_f1"):
    """Per kind of set (:data:`KINDS`): the per-set difference ``a − b`` of the two
    pipelines ``pair = (a, b)`` (the best with the over-sampler and the best without
    it by mean rank: a matched pair, where the best of each group per set would
    favour the larger group), as ``{kind: {"sets", "mean", "ahead", "behind"}}`` over the
    covered sets; ``ahead`` / ``behind``: sets where ``a`` scores more / less than ``b``
    (the rest are level: both chose the same rows, for example none)."""
    a, b = pair
    covered = summary[a]["covered"]
    gap = {d: summary[a][metric][d] - summary[b][metric][d] for d in covered}
    out = {}
    for kind, test in KINDS:
        sets = [d for d in covered if test(properties[d])]
        if sets:
            out[kind] = {"sets": len(sets), "mean": float(np.mean([gap[d] for d in sets])),
                         "ahead": int(sum(gap[d] > 1e-9 for d in sets)),
                         "behind": int(sum(gap[d] < -1e-9 for d in sets)), "pair": [a, b]}
    return out


def where_it_pays_markdown(table):
    """:func:`where_it_pays` as a markdown table."""
    a, b = next(iter(table.values()))["pair"]
    return harness.md_table(
        ["kind of set", "sets", f"{a} − {b} (mean macro F1)", "ahead / level / behind"],
        [[k, str(v["sets"]), f"{v['mean']:+.2f}",
          f"{v['ahead']} / {v['sets'] - v['ahead'] - v['behind']} / {v['behind']}"]
         for k, v in table.items()])


def markdown_table(summary, datasets, metric="macro_f1"):
    pipelines = list(summary)
    covered = summary[pipelines[0]]["covered"]
    lines = []
    for d in datasets:
        values = {p: summary[p][metric].get(d) for p in pipelines}
        top = max(v for v in values.values() if v is not None) if any(
            v is not None for v in values.values()) else None
        lines.append([d, *("" if v is None else (f"**{v:.1f}**" if v == top else f"{v:.1f}")
                           for v in values.values())])
    means = [summary[p][f"mean_{metric}"] for p in pipelines]
    lines.append([f"**mean ({len(covered)} sets)**",
                  *(f"**{v:.2f}**" for v in means)])
    return harness.md_table(["data", *pipelines], lines)


def shares_table(rows, datasets):
    """Per set: how often each share was chosen, and the test macro F1 of each share
    (SVM and HGB)."""
    lines = []
    for d in datasets:
        cells = [d]
        for family in ("SVM", "HGB"):
            chosen = [r["share"] for r in rows
                      if r["dataset"] == d and r["pipeline"] == f"{family} + ActiveGAN (CV)"]
            tests = [r["share_test"] for r in rows
                     if r["dataset"] == d and r["pipeline"] == f"{family} + ActiveGAN"]
            cells.append(" ".join(f"{s:g}" for s in chosen))
            cells.append(" / ".join(f"{np.mean([t[str(s)] for t in tests]):.1f}"
                                    for s in SHARES) if tests else "")
        lines.append(cells)
    shares = " / ".join(f"{s:g}" for s in SHARES)
    return harness.md_table(["data", "SVM: shares chosen", f"SVM test F1 at {shares}",
                             "HGB: shares chosen", f"HGB test F1 at {shares}"], lines)


def _tolerances(scores, ratio):
    """``(best, se_best, se_pooled)`` of one CV row's split scores (n_shares, k): the
    best share's index, the one-standard-error tolerance read from its split scores
    and the same read from the split scores of every share (pooled variance), both
    with Nadeau and Bengio's correction ``sqrt(1 / k + ratio)``."""
    k = scores.shape[1]
    correction = np.sqrt(1 / k + ratio)
    best = int(np.argmax(scores.mean(axis=1)))
    se_best = scores[best].std(ddof=1) * correction
    se_pooled = np.sqrt(np.mean(scores.var(axis=1, ddof=1))) * correction
    return best, se_best, se_pooled


def _smallest_within(mean, tolerance):
    return int(np.flatnonzero(mean >= mean.max() - tolerance)[0])


#: Rules for the share a search chooses, each at least as strict as the first (the
#: library's "1se" before 0.3: the best share's own spread): from the split scores
#: (n_shares, k) and the test / train ratio of a split, the chosen share's index.
#: "1se, pooled" is the library's "1se" since 0.3 (the larger of the two spreads).
CV_RULES = {
    "1se, best share's spread": lambda s, r: _smallest_within(s.mean(1), _tolerances(s, r)[1]),
    "2se, best share's spread": lambda s, r: _smallest_within(s.mean(1),
                                                              2 * _tolerances(s, r)[1]),
    "1se, pooled": lambda s, r: _smallest_within(s.mean(1), max(_tolerances(s, r)[1:])),
    "2se, pooled": lambda s, r: _smallest_within(s.mean(1), 2 * max(_tolerances(s, r)[1:])),
    "1se, best share's, and ahead on every split": lambda s, r: (
        lambda i: i if i == 0 or np.all(s[i] > s[0]) else 0)(
            _smallest_within(s.mean(1), _tolerances(s, r)[1])),
}


def cv_rule_study(rows, rules=CV_RULES, ratio=0.5):
    """How each rule for the data-chosen amount would have fared, after the fact:
    per family ("SVM", "HGB") and rule, the per-set mean over splits of the test
    macro F1 at the share the rule picks from the CV row's ``cv_split_scores``
    (read from the same split's ``X + ActiveGAN`` row's ``share_test``: the same
    resample, nested shares) minus the classifier alone. CV rows without split
    scores must have chosen 0 under the first rule, and so under every rule here
    (each is at least as strict). ``ratio``: a split's test / train rows (1/2 for 3 folds). Returns
    ``{family: {rule: {"per_set", "mean", "worst", "worst_set", "below_1"}}}``."""
    index = {(r["dataset"], r["seed"], r["pipeline"]): r for r in rows}
    out = {}
    for family in ("SVM", "HGB"):
        gaps = {rule: {} for rule in rules}
        for (dataset, seed, pipeline), row in index.items():
            if pipeline != f"{family} + ActiveGAN (CV)":
                continue
            alone = index.get((dataset, seed, family))
            tests = index.get((dataset, seed, f"{family} + ActiveGAN"))
            if alone is None or tests is None:
                continue
            for rule, choose in rules.items():
                if "cv_split_scores" in row:
                    share = SHARES[choose(np.asarray(row["cv_split_scores"]), ratio)]
                    score = tests["share_test"][str(share)]
                else:
                    if row["share"] != 0:
                        raise ValueError(f"{dataset} split {seed}: {pipeline} chose "
                                         f"{row['share']} without split scores")
                    score = alone["macro_f1"]
                gaps[rule].setdefault(dataset, []).append(score - alone["macro_f1"])
        out[family] = {}
        for rule, per in gaps.items():
            per_set = {d: float(np.mean(v)) for d, v in per.items()}
            if not per_set:
                continue
            worst = min(per_set, key=per_set.get)
            out[family][rule] = {"per_set": per_set, "mean": float(np.mean(list(
                per_set.values()))), "worst": per_set[worst], "worst_set": worst,
                "below_1": int(sum(v < -1 for v in per_set.values()))}
    return out


def cv_rule_markdown(study):
    """:func:`cv_rule_study` as one markdown table."""
    lines = []
    for family, rules in study.items():
        for rule, v in rules.items():
            lines.append([family, rule, f"{v['mean']:+.2f}", f"{v['worst']:+.2f}",
                          v["worst_set"], str(v["below_1"])])
    return harness.md_table(["classifier", "rule", "mean gain over the classifier alone",
                             "worst set", "which", "sets below −1"], lines)


def critical_difference_figure(statistics, path):
    """Demšar's critical-difference diagram (JMLR 2006, fig. 1) of
    :func:`rank_statistics`: every pipeline at its mean rank on one axis (lower is
    better, on the left; the axis spans the ranks and the critical difference), the Nemenyi critical difference as a bar above it, and a
    thick line under each group of pipelines whose mean ranks lie within it (no
    pair of them differs significantly)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranks = sorted(((v["mean_rank"], p) for p, v in statistics["pipelines"].items()))
    cd = statistics["critical_difference"]
    k = len(ranks)
    low = max(1, int(np.floor(ranks[0][0])) - 1)  # the axis spans the ranks and the CD
    high = max(int(np.ceil(ranks[-1][0])), int(np.ceil(low + cd)))
    half = (k + 1) // 2
    fig, ax = plt.subplots(figsize=(7.2, 1.0 + 0.26 * half))
    ax.set_xlim(low - 0.3, high + 0.3)
    ax.set_ylim(-(half + 0.5) * 0.9, 1.7)
    ax.axis("off")
    ax.hlines(0, low, high, color="black", lw=1)
    for tick in range(low, high + 1):
        ax.vlines(tick, 0, 0.15, color="black", lw=1)
        ax.text(tick, 0.3, str(tick), ha="center", va="bottom", fontsize=8)
    ax.hlines(1.2, low, low + cd, color="black", lw=1.5)
    ax.vlines([low, low + cd], 1.1, 1.3, color="black", lw=1.5)
    ax.text(low + cd / 2, 1.35, f"CD = {cd:.2f} (Nemenyi, α = 0.05)", ha="center",
            va="bottom", fontsize=8)
    for i, (rank, name) in enumerate(ranks):
        left = i < half
        y = -(i + 1 if left else k - i) * 0.9
        x_text = low - 0.25 if left else high + 0.25
        colour = "#0072B2" if name in WITH_OVER_SAMPLER else "#555555"
        ax.plot([rank, rank, x_text], [0, y, y], color=colour, lw=0.9)
        ax.text(x_text + (-0.05 if left else 0.05), y, f"{name} ({rank:.2f})",
                ha="right" if left else "left", va="center", fontsize=8, color=colour)
    groups = []
    for i in range(k):  # maximal runs of consecutive ranks within the CD
        j = max(j for j in range(i, k) if ranks[j][0] - ranks[i][0] < cd)
        if j > i and not any(a <= i and j <= b for a, b in groups):
            groups.append((i, j))
    for n, (i, j) in enumerate(groups):
        ax.hlines(-0.35 - 0.15 * n, ranks[i][0] - 0.05, ranks[j][0] + 0.05, color="black",
                  lw=3)
    ax.set_title(f"Mean rank over {statistics['sets']} sets (blue: with "
                 "ActiveGANOverSampler)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def against(rows, reference_rows, properties, labels=("this run", "reference")):
    """Two runs of the over-sampler's pipelines (say, other sampler settings against
    the defaults) on the splits both hold: per classifier ("SVM", "HGB") and kind of
    set (:data:`KINDS`, and "all sets"), the mean over sets of ``X + ActiveGAN``'s
    macro-F1 gain over ``X`` alone in each run, and the sets where they differ most.
    Returns ``{family: {"kinds": {kind: {"sets", labels[0], labels[1]}}, "largest":
    [(set, difference)]}}``."""
    def gains(source, family):
        index = {(r["dataset"], r["seed"], r["pipeline"]): r["macro_f1"] for r in source}
        return {(d, s): index[(d, s, f"{family} + ActiveGAN")] - v
                for (d, s, p), v in index.items()
                if p == family and (d, s, f"{family} + ActiveGAN") in index}

    out = {}
    for family in ("SVM", "HGB"):
        mine, ref = gains(rows, family), gains(reference_rows, family)
        shared = sorted(set(mine) & set(ref))
        if not shared:
            continue
        per_set = {}
        for d, s in shared:
            per_set.setdefault(d, []).append((mine[d, s], ref[d, s]))
        per_set = {d: np.mean(v, axis=0) for d, v in per_set.items()}
        kinds = {"all sets": list(per_set)}
        kinds.update({k: [d for d in per_set if test(properties[d])] for k, test in KINDS})
        out[family] = {
            "splits": len(shared),
            "kinds": {k: {"sets": len(v), labels[0]: float(np.mean([per_set[d][0] for d in v])),
                          labels[1]: float(np.mean([per_set[d][1] for d in v]))}
                      for k, v in kinds.items() if v},
            "largest": sorted(((d, float(a - b)) for d, (a, b) in per_set.items()),
                              key=lambda item: -abs(item[1]))[:5]}
    return out


def against_markdown(result, labels=("this run", "reference")):
    """:func:`against` as markdown: a table per classifier and its largest differences."""
    lines = []
    for family, entry in result.items():
        lines += [f"**{family} + ActiveGAN, gain over {family} alone** ({entry['splits']} "
                  "splits)", "",
                  harness.md_table(["kind of set", "sets", *labels, "difference"],
                                   [[k, str(v["sets"]), f"{v[labels[0]]:+.2f}",
                                     f"{v[labels[1]]:+.2f}",
                                     f"{v[labels[0]] - v[labels[1]]:+.2f}"]
                                    for k, v in entry["kinds"].items()]), "",
                  "Largest differences per set: " + ", ".join(
                      f"{d} {g:+.2f}" for d, g in entry["largest"]) + ".", ""]
    return "\n".join(lines).strip()
