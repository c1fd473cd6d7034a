"""The benchmark harness runs end to end on a tiny configuration."""

import importlib
import json

import numpy as np


def _load(name):
    """The benchmark ``name`` (``"images"``, ``"studies/selection"``) of the package
    ``benchmarks``, as ``python -m benchmarks.NAME`` runs it."""
    return importlib.import_module("benchmarks." + name.replace("/", "."))


def test_paper_protocol_end_to_end_and_resumes(tmp_path):
    protocol = _load("paper_protocol")
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=3.0, size=(3, 4))
    X = np.concatenate([c + rng.normal(size=(60, 4)) for c in centers])
    y = np.repeat([0, 1, 2], 60)
    np.savez(tmp_path / "blobs.npz", X=X, y=y)
    argv = ["--datasets", str(tmp_path / "blobs.npz"), "--sizes", "45", "--seeds", "2",
            "--n-iter", "20", "--cache-dir", str(tmp_path / "cache"),
            "--output-dir", str(tmp_path / "out")]
    protocol.main(argv)
    result = json.loads((tmp_path / "out" / "full.json").read_text())
    methods = {row["method"] for row in result["rows"]}
    assert methods == {"baseline", *protocol.METHODS}
    assert len(result["rows"]) == 2 * (1 + len(protocol.METHODS))
    for row in result["rows"]:
        assert 0 <= row["f1"] <= 100
        if row["method"] in ("AC-GAN", "AC-GAN+F", "ActiveGAN[paper]", "ActiveGAN", "SMOTE"):
            assert row["n_synthetic"] == 24  # +50 % of 15 per class: round(7.5) = 8, 3 classes
            assert 0 <= row["share_conditioned_class"] <= 1
            assert row["median_nn_distance_ratio"] > 0
        elif row["method"] == "ActiveGAN+CV":  # the budget its inner CV chose
            assert row["chosen_budget"] in protocol.CV_BUDGETS
            assert set(row["inner_cv_f1"]) == {str(b) for b in protocol.CV_BUDGETS}
            assert row["n_synthetic"] == sum(protocol.budget_per_class(
                np.repeat([0, 1, 2], 15), row["chosen_budget"]).values())
        elif row["method"] != "baseline":  # boundary-aware: at most the budget
            assert 0 <= row["n_synthetic"] <= 24
    filtered = [r for r in result["rows"] if r["method"] == "AC-GAN+F"]
    assert all(r["filter_margin"] in _load("protocols/tabular").FILTER_MARGINS for r in filtered)
    summary = {(e["method"]): e for e in result["summary"]}
    assert summary["ActiveGAN"]["seeds"] == summary["ActiveGAN[paper]"]["seeds"] == 2
    assert "gain" in summary["SMOTE"] and "error_reduction" in summary["SMOTE"]
    report = (tmp_path / "out" / "full.md").read_text()
    assert "baseline SVM" in report and "BorderlineSMOTE" in report
    # a second run reads every row from the cache
    cached = sorted((tmp_path / "cache").glob("*.json"))
    stamps = [p.stat().st_mtime_ns for p in cached]
    protocol.main(argv)
    assert [p.stat().st_mtime_ns for p in cached] == stamps


def test_budget_split_like_the_real_data():
    protocol = _load("paper_protocol")
    assert protocol.budget_per_class(np.array([0] * 10 + [1] * 30), 0.5) == {0: 5, 1: 15}


def test_variants_run_as_named_methods(tmp_path):
    protocol = _load("paper_protocol")
    rng = np.random.default_rng(1)
    X = np.concatenate([c + rng.normal(size=(40, 3)) for c in rng.normal(scale=3, size=(2, 3))])
    np.savez(tmp_path / "two.npz", X=X, y=np.repeat([0, 1], 40))
    protocol.main(["--datasets", str(tmp_path / "two.npz"), "--sizes", "30", "--seeds", "1",
                   "--n-iter", "10", "--methods", "ActiveGAN",
                   "--variant", 'strong={"lambda_reward": 1.0, "epsilon": 0.5}',
                   "--cache-dir", str(tmp_path / "cache"), "--output-dir", str(tmp_path)])
    rows = json.loads((tmp_path / "full.json").read_text())["rows"]
    assert {r["method"] for r in rows} == {"baseline", "ActiveGAN", "ActiveGAN[strong]"}


def test_budget_sweep_scores_nested_budgets(tmp_path):
    sweep = _load("budget_sweep")
    rng = np.random.default_rng(2)
    X = np.concatenate([c + rng.normal(size=(40, 3)) for c in rng.normal(scale=3, size=(2, 3))])
    np.savez(tmp_path / "two.npz", X=X, y=np.repeat([0, 1], 40))
    argv = ["--datasets", f"{tmp_path / 'two.npz'}:30", "--seeds", "2", "--n-iter", "10",
            "--budgets", "0.2", "1.0", "--cache-dir", str(tmp_path / "cache"),
            "--output-dir", str(tmp_path)]
    sweep.main(argv)
    rows = json.loads((tmp_path / "budget.json").read_text())["rows"]
    assert [(r["n"], r["seed"]) for r in rows] == [(30, 0), (30, 1)]
    for row in rows:
        assert set(row["ActiveGAN"]) == set(row["SMOTE"]) == {"0.2", "1.0"}
        assert all(0 <= f1 <= 100 for f1 in [row["baseline"], *row["ActiveGAN"].values()])
    assert "+20%" in (tmp_path / "budget.md").read_text()
    # nested budgets: the first rows of every class
    X_syn, y_syn = np.arange(12.0).reshape(6, 2), np.array([0, 1, 0, 1, 0, 1])
    X_sub, y_sub = sweep.nested(X_syn, y_syn, {0: 2, 1: 1})
    np.testing.assert_array_equal(X_sub, [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(y_sub, [0, 1, 0])


def test_cache_is_keyed_by_the_settings(tmp_path):
    protocol = _load("paper_protocol")
    rng = np.random.default_rng(3)
    X = np.concatenate([c + rng.normal(size=(40, 3)) for c in rng.normal(scale=3, size=(2, 3))])
    np.savez(tmp_path / "two.npz", X=X, y=np.repeat([0, 1], 40))
    common = ["--datasets", str(tmp_path / "two.npz"), "--sizes", "30", "--seeds", "1",
              "--methods", "ActiveGAN", "--cache-dir", str(tmp_path / "cache"),
              "--output-dir", str(tmp_path)]
    protocol.main([*common, "--n-iter", "10"])
    protocol.main([*common, "--n-iter", "12"])
    protocol.main([*common, "--n-iter", "12", "--budget", "1.0"])
    names = sorted(p.name for p in (tmp_path / "cache").glob("*.json"))
    # one baseline (it depends on the split only), one ActiveGAN row per setting
    assert len([n for n in names if "baseline" in n]) == 1
    assert len([n for n in names if "ActiveGAN" in n]) == 3
    rows = json.loads((tmp_path / "full.json").read_text())["rows"]
    assert [r["n_synthetic"] for r in rows if r["method"] == "ActiveGAN"] == [30]


def test_imbalanced_benchmark_end_to_end(tmp_path):
    bench = _load("imbalanced_resamplers")
    rng = np.random.default_rng(4)
    for name, categorical in [("toy", []), ("toy_cat", [0])]:
        X = np.column_stack([rng.integers(0, 3, 120).astype(float), rng.normal(size=(120, 2))])
        y = np.repeat([0, 1], [104, 16])
        X[y == 1, 1:] += 1.5
        np.savez(tmp_path / f"{name}.npz", X=X, y=y, categorical=np.array(categorical))
    argv = ["--datasets", "toy", "toy_cat", "--repeats", "1", "--n-iter", "10",
            "--data-dir", str(tmp_path), "--cache-dir", str(tmp_path / "cache"),
            "--output-dir", str(tmp_path / "out"),
            "--variant", 'wide={"generator__anchor_radius": 1.0}']
    bench.main(argv)
    result = json.loads((tmp_path / "out" / "imbalanced.json").read_text())
    methods = {r["method"] for r in result["rows"]}
    assert methods == {*bench.METHODS, "ActiveGAN[wide]"}
    for row in result["rows"]:
        assert "error" in row or 0 <= row["svm"]["macro_f1"] <= 100
        if row["method"] == "ActiveGAN":  # full balance of the training half (52 vs 8)
            assert row["n_synthetic"] == 44
            assert 0 <= row["diagnostics"]["share_conditioned_class"] <= 1
        if row["dataset"] == "toy_cat" and row["method"] in ("ActiveGAN", "SMOTE"):
            assert row["diagnostics"]["share_valid_categories"] == 1.0
    entries = {(e["classifier"], e["metric"], e["method"]) for e in result["summary"]}
    assert ("svm", "g_mean", "ActiveGAN[wide]") in entries
    assert ("knn", "macro_f1", "class_weight") not in entries  # k-NN has no class weights
    assert "minority" in (tmp_path / "out" / "imbalanced.md").read_text()


def test_image_benchmark_classical_rows():
    images = _load("images")
    selection = _load("studies/selection")  # the selection study's own parametric warp
    rng = np.random.default_rng(0)
    X = np.zeros((3, 28 * 28))
    X.reshape(3, 28, 28)[:, 10:18, 12:16] = 1.0
    warps = selection.random_warps(X, (28, 28), 4, rng)
    distorted = images.elastic(X, (28, 28), 2, rng)
    assert warps.shape == (12, 784) and distorted.shape == (6, 784)
    for out in (warps, distorted):
        assert out.min() >= -1e-6 and out.max() <= 1 + 1e-6
        assert not np.allclose(out, np.repeat(X, len(out) // 3, axis=0))
    # a bounded similarity warp keeps most of the stroke's mass
    assert np.all(np.abs(warps.sum(1) / X[0].sum() - 1) < 0.35)


def test_imbalanced_pipelines_end_to_end_and_resumes(tmp_path):
    bench = _load("imbalanced")
    rng = np.random.default_rng(5)
    X = np.column_stack([rng.integers(0, 3, 120).astype(float), rng.normal(size=(120, 2))])
    y = np.repeat([0, 1], [100, 20])
    X[y == 1, 1:] += 1.5
    np.savez(tmp_path / "toy.npz", X=X, y=y, categorical=np.array([0]))
    argv = ["--datasets", "toy", "--repeats", "1", "--data-dir", str(tmp_path),
            "--sampler", '{"n_iter": 10, "generator__hidden_layer_sizes": [8]}',
            "--cache-dir", str(tmp_path / "cache"), "--output-dir", str(tmp_path / "out")]
    bench.main(argv)
    result = json.loads((tmp_path / "out" / "imbalanced_pipelines.json").read_text())
    rows = {r["pipeline"]: r for r in result["rows"]}
    assert set(rows) == set(bench.PIPELINES)
    for row in rows.values():
        assert 0 <= row["macro_f1"] <= 100 and 0 <= row["minority_f1"] <= 100
    assert rows["SVM + ActiveGAN"]["n_synthetic"] == 40  # the training half: 50 vs 10
    assert set(rows["HGB + ActiveGAN"]["share_test"]) == {"0.0", "0.25", "0.5", "1.0"}
    assert rows["SVM + ActiveGAN (CV)"]["share"] in bench.SHARES
    # one over-sampler fit on the training half and one per inner fold, shared by SVM and HGB
    assert len(list((tmp_path / "cache" / "resamples").glob("*.npz"))) == 4
    summary = result["summary"]
    assert summary["SVM"]["covered"] == ["toy"]
    # a second run reads every row back
    (tmp_path / "out" / "imbalanced_pipelines.json").unlink()
    bench.main(argv)
    again = json.loads((tmp_path / "out" / "imbalanced_pipelines.json").read_text())
    assert again["rows"] == result["rows"]
    # the committed JSON puts the rows back into an empty cache (the cache is outside git)
    restored = [a if not a.startswith(str(tmp_path / "cache")) else str(tmp_path / "fresh")
                for a in argv] + ["--cached-only", "--tag", "restored", "--restore",
                                  str(tmp_path / "out" / "imbalanced_pipelines.json")]
    bench.main(restored)
    assert json.loads((tmp_path / "out" / "restored.json").read_text())["rows"] == result["rows"]


def test_trivialaugment_row_and_policy_report(tmp_path):
    images = _load("images")
    X = np.zeros((3, 28 * 28))
    X.reshape(3, 28, 28)[:, 10:18, 12:16] = 1.0
    out = images.trivial_augment(X, (28, 28), 2, seed=0)
    assert out.shape == (6, 784) and out.min() >= 0 and out.max() <= 1
    assert not np.allclose(out, np.tile(X, (2, 1)))
    np.testing.assert_array_equal(out, images.trivial_augment(X, (28, 28), 2, seed=0))
    # the policy study's tables from a cache: efficiency reached where the trained
    # policy's gain first meets the untrained draw's best
    cache = images.harness.ResultCache(tmp_path)
    gains = {"augment": 2.0, "augment@0.125": 0.1, "augment@0.25": 0.5, "augment@0.5": 1.6,
             "augment@1": 1.8, "augment-untrained": 1.5, "augment-untrained@0.125": 0.0,
             "augment-untrained@0.25": 0.2, "augment-untrained@0.5": 0.4,
             "augment-untrained@1": 0.9, "shift4": 1.0}
    for seed in (0, 1):
        cache.put({"dataset": "fashion", "n": 1000, "seed": seed, "method": "baseline",
                   "f1": 80.0}, "fashion", 1000, seed, "baseline")
        for method, gain in gains.items():
            cache.put({"dataset": "fashion", "n": 1000, "seed": seed, "method": method,
                       "f1": 80.0 + gain + 0.1 * seed, "svm_seconds": 1.0},
                      "fashion", 1000, seed, method)
    text, summary = images.policy_report(tmp_path)
    efficiency = summary["fashion_n1000"]["efficiency"]
    assert efficiency["trained_reaches_at"] == 0.5
    assert abs(efficiency["untrained_best"] - 1.55) < 1e-9
    assert abs(summary["fashion_n1000"]["rows"]["shift4"]["gain"] - 1.05) < 1e-9
    assert "+50 % (0.0625 of the +800 % budget)" in text


def test_rank_statistics_over_sets():
    from scipy import stats

    pipelines = _load("protocols/pipelines")
    sets = ["a", "b", "c", "d", "e"]
    scores = {"SVM": [70, 60, 80, 50, 90], "SVM + SMOTE (CV)": [72, 61, 80, 55, 91],
              "SVM + ActiveGAN (CV)": [71, 63, 79, 54, 89]}
    summary = {p: {"covered": sets, "macro_f1": dict(zip(sets, v))}
               for p, v in scores.items()}
    result = pipelines.rank_statistics(summary)
    table = result["pipelines"]
    # ranks per set (1 best, ties averaged): SMOTE 1, 2, 1.5, 1, 1 -> 1.3
    assert abs(table["SVM + SMOTE (CV)"]["mean_rank"] - 1.3) < 1e-12
    assert abs(table["SVM"]["mean_rank"] - 2.5) < 1e-12  # 3, 3, 1.5, 3, 2
    assert table["SVM + SMOTE (CV)"]["wins"] == 4 and table["SVM + ActiveGAN (CV)"]["wins"] == 1
    assert abs(table["SVM"]["mean"] - 70.0) < 1e-12
    expected = stats.friedmanchisquare(*scores.values())
    assert abs(result["friedman"]["p_value"] - expected.pvalue) < 1e-12
    # the critical difference shrinks as sets are added (k = 3, q = 2.343 at 0.05)
    assert abs(result["critical_difference"] - 2.343 * np.sqrt(3 * 4 / (6 * 5))) < 2e-3
    w = result["wilcoxon"]
    assert (w["with"], w["without"]) == ("SVM + ActiveGAN (CV)", "SVM + SMOTE (CV)")
    diff = np.subtract(scores["SVM + ActiveGAN (CV)"], scores["SVM + SMOTE (CV)"])
    assert abs(w["p_value"] - stats.wilcoxon(diff).pvalue) < 1e-12
    assert abs(w["mean_difference"] - diff.mean()) < 1e-12
    assert "Friedman test over 5 sets" in "\n".join(pipelines.statistics_markdown(result))
    one_set = {p: {"covered": ["a"], "macro_f1": {"a": 1.0}} for p in scores}
    assert pipelines.rank_statistics(one_set) is None


def test_where_it_pays_groups_sets_by_kind():
    pipelines = _load("protocols/pipelines")
    summary = {"SVM + ActiveGAN (CV)": {"covered": ["s", "m", "l"],
                                        "macro_f1": {"s": 71.0, "m": 60.0, "l": 50.0}},
               "SVM + SMOTE (CV)": {"covered": ["s", "m", "l"],
                                    "macro_f1": {"s": 70.0, "m": 60.0, "l": 52.0}}}
    properties = {"s": {"rows": 200, "imbalance": 5.0, "categorical": 0},
                  "m": {"rows": 900, "imbalance": 12.0, "categorical": 2},
                  "l": {"rows": 5000, "imbalance": 40.0, "categorical": 0}}
    table = pipelines.where_it_pays(summary, properties,
                                    ("SVM + ActiveGAN (CV)", "SVM + SMOTE (CV)"))
    assert table["up to 500 rows"] == {"sets": 1, "mean": 1.0, "ahead": 1, "behind": 0,
                                       "pair": ["SVM + ActiveGAN (CV)", "SVM + SMOTE (CV)"]}
    assert table["numeric columns only"]["mean"] == -0.5
    assert (table["with categorical columns"]["ahead"], table["with categorical columns"]
            ["behind"]) == (0, 0)  # level
    assert "imbalance ratio 9 to 30" in table and "over 2,000 rows" in table
    text = pipelines.where_it_pays_markdown(table)
    assert "| up to 500 rows | 1 | +1.00 | 1 / 0 / 0 |" in text


def test_flips_crops_and_colour_trivialaugment():
    harness = _load("harness")
    rng = np.random.default_rng(0)
    X = rng.integers(1, 256, (3, 3 * 8 * 8)).astype(np.uint8)
    out = harness.flips_crops(X, (3, 8, 8), 4, seed=0, pad=2)
    assert out.shape == (12, 3 * 64) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, harness.flips_crops(X, (3, 8, 8), 4, seed=0, pad=2))
    images = X.reshape(3, 3, 8, 8)
    padded = np.pad(images, [(0, 0), (0, 0), (2, 2), (2, 2)])
    for k, row in enumerate(out.reshape(12, 3, 8, 8)):  # copy by copy: row k is image k % 3
        crops = [padded[k % 3][:, dy:dy + 8, dx:dx + 8] for dy in range(5) for dx in range(5)]
        assert any(np.array_equal(row, c) or np.array_equal(row, c[..., ::-1]) for c in crops)
    assert not np.array_equal(out, np.tile(X, (4, 1)))
    # colour images on a 0-255 scale: kornia's TrivialAugment on [0, 1], scale and dtype kept
    ta = harness.trivial_augment(X, (3, 8, 8), 2, seed=0, top=255.0)
    assert ta.shape == (6, 192) and ta.dtype == np.uint8
    np.testing.assert_array_equal(ta, harness.trivial_augment(X, (3, 8, 8), 2, seed=0,
                                                              top=255.0))


def test_images_features_report_from_a_cache(tmp_path):
    bench = _load("images_features")
    cache = bench.harness.ResultCache(tmp_path)
    for seed, base in ((0, 70.0), (1, 72.0)):
        cache.put({"dataset": "cifar10", "n": 1000, "seed": seed, "method": "baseline",
                   "f1": base}, "cifar10", 1000, seed, "baseline")
        for row, gain in (("flips-crops", 0.5), ("augment", -0.25 * (seed + 1))):
            cache.put({"dataset": "cifar10", "n": 1000, "seed": seed, "method": row,
                       "f1": base + gain, "n_synthetic": 8000, "fit_seconds": 10.0 + seed},
                      "cifar10", 1000, seed, row)
        cache.put({"dataset": "cifar10", "n": 1000, "seed": seed, "method": "augment-CV",
                   "f1": base, "chosen_budget": 0.0}, "cifar10", 1000, seed, "augment-CV")
    result = bench.report(tmp_path)
    assert result["rows"]["augment"]["gains"] == {0: -0.25, 1: -0.5}
    assert abs(result["rows"]["augment"]["gain"] + 0.375) < 1e-12
    assert result["rows"]["augment"]["fit_seconds"] == 10.5
    assert result["rows"]["augment-CV"]["chosen"] == {0: 0.0, 1: 0.0}
    text = bench.markdown(result)
    assert "baseline SVM macro-F1 71.00, 2 seeds" in text
    assert "+0.00 (+0.00, +0.00; chose 0, 0)" in text and "-0.38 (-0.25, -0.50)" in text


def test_cv_rule_study_after_the_fact():
    pipelines = _load("protocols/pipelines")
    # split scores (shares 0, 0.25, 0.5, 1 x 3 folds): 0.25 best by a hair, spread wide
    noisy = [[0.70, 0.60, 0.80], [0.72, 0.62, 0.79], [0.69, 0.61, 0.78], [0.68, 0.59, 0.77]]
    # 1.0 best on every fold by far more than the spread
    clear = [[0.70, 0.71, 0.69], [0.72, 0.73, 0.71], [0.75, 0.76, 0.74], [0.80, 0.81, 0.79]]
    assert pipelines.CV_RULES["1se, best share's spread"](np.array(clear), 0.5) == 3
    assert pipelines.CV_RULES["1se, best share's spread"](np.array(noisy), 0.5) == 0
    tight = [[0.70, 0.60, 0.80], [0.76, 0.74, 0.78], [0.69, 0.61, 0.78], [0.68, 0.59, 0.77]]
    # the best share's folds agree (se 0.018) while the others spread wide: "1se" takes
    # 0.25 (0.06 above 0), the pooled spread (se 0.073) does not
    assert pipelines.CV_RULES["1se, best share's spread"](np.array(tight), 0.5) == 1
    assert pipelines.CV_RULES["1se, pooled"](np.array(tight), 0.5) == 0
    rows = []
    for seed, scores, share in ((0, clear, 1.0), (1, tight, 0.25), (2, None, 0.0)):
        cv = {"dataset": "a", "seed": seed, "pipeline": "SVM + ActiveGAN (CV)", "share": share}
        if scores is not None:
            cv["cv_split_scores"] = scores
        rows += [cv, {"dataset": "a", "seed": seed, "pipeline": "SVM", "macro_f1": 80.0},
                 {"dataset": "a", "seed": seed, "pipeline": "SVM + ActiveGAN",
                  "share_test": {"0.0": 80.0, "0.25": 73.0, "0.5": 79.0, "1.0": 83.0}}]
    study = pipelines.cv_rule_study(rows)["SVM"]
    assert abs(study["1se, best share's spread"]["per_set"]["a"] - (3.0 - 7.0 + 0.0) / 3) < 1e-12
    assert abs(study["1se, pooled"]["per_set"]["a"] - 1.0) < 1e-12
    assert study["1se, best share's spread"]["below_1"] == 1 and study["1se, pooled"]["below_1"] == 0
    assert "| SVM | 1se, pooled | +1.00 | +1.00 | a | 0 |" in pipelines.cv_rule_markdown(
        {"SVM": study})
    # a row that chose a share without recording its split scores cannot be judged
    rows[6]["share"] = 0.5
    try:
        pipelines.cv_rule_study(rows)
    except ValueError as error:
        assert "a split 2" in str(error)
    else:
        raise AssertionError("no error")


def test_critical_difference_figure(tmp_path):
    pipelines = _load("protocols/pipelines")
    statistics = {"sets": 40, "critical_difference": 1.0, "pipelines": {
        "SVM": {"mean_rank": 1.5}, "SVM + ActiveGAN": {"mean_rank": 2.0},
        "HGB": {"mean_rank": 3.2}, "HGB + SMOTE": {"mean_rank": 3.3}}}
    path = pipelines.critical_difference_figure(statistics, tmp_path / "cd.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_studys_pooled_rule_is_the_librarys_one_standard_error():
    from sk_activegan._search_cv import choose_share

    pipelines = _load("protocols/pipelines")
    rng = np.random.default_rng(3)
    for _ in range(200):
        scores = 0.7 + 0.05 * rng.normal(size=(4, 3)) + 0.03 * rng.normal(size=(4, 1))
        results = {"shares": np.array(pipelines.SHARES), "mean_test_score": scores.mean(1),
                   **{f"split{k}_test_score": scores[:, k] for k in range(3)}}
        assert choose_share(results, 3, "1se", 0.5)[0] == pipelines.CV_RULES["1se, pooled"](
            scores, 0.5)


def test_against_compares_the_over_samplers_gain_by_kind_of_set():
    pipelines = _load("protocols/pipelines")

    def rows(gains):
        out = []
        for (d, seed), g in gains.items():
            out += [{"dataset": d, "seed": seed, "pipeline": "SVM", "macro_f1": 70.0},
                    {"dataset": d, "seed": seed, "pipeline": "SVM + ActiveGAN",
                     "macro_f1": 70.0 + g}]
        return out

    mine = rows({("s", 0): 1.0, ("s", 1): 3.0, ("l", 0): -1.0})
    reference = rows({("s", 0): 0.0, ("s", 1): 1.0, ("l", 0): 0.5, ("l", 1): 9.0})
    properties = {"s": {"rows": 200, "imbalance": 5.0, "categorical": 0},
                  "l": {"rows": 5000, "imbalance": 40.0, "categorical": 1}}
    result = pipelines.against(mine, reference, properties, ("new", "old"))["SVM"]
    assert result["splits"] == 3  # ("l", 1) is in one run only
    assert result["kinds"]["all sets"] == {"sets": 2, "new": 0.5, "old": 0.5}
    assert result["kinds"]["up to 500 rows"] == {"sets": 1, "new": 2.0, "old": 0.5}
    assert result["largest"][0] == ("l", -1.5)
    text = pipelines.against_markdown({"SVM": result}, ("new", "old"))
    assert "| up to 500 rows | 1 | +2.00 | +0.50 | +1.50 |" in text
