"""The benchmarks' shared harness: cache keys, paired summaries, tables, loaders."""

import hashlib
import json

import numpy as np
import pytest

from benchmarks import harness


def test_cache_file_names_keep_the_scripts_layout(tmp_path):
    cache = harness.ResultCache(tmp_path / "cache")
    assert cache.path("digits", 200, 0, "baseline").name == "digits__n200__seed0__baseline.json"
    assert cache.path("/data/blobs.npz", 45, 1, "AC-GAN/x y", settings="__0123abcd").name \
        == "blobs__n45__seed1__AC-GAN_x_y__0123abcd.json"
    assert cache.path("glass1", None, 2, "SMOTE", settings="__it3000").name \
        == "glass1__seed2__SMOTE__it3000.json"
    assert cache.path("digits", 200, 3, settings="__it20__lambda0.1").name \
        == "digits__n200__seed3__it20__lambda0.1.json"


def test_settings_hash_is_the_sha1_of_the_sorted_json():
    settings = {"n_iter": 10, "budget": 0.5, "params": {"b": 1, "a": 2}}
    blob = json.dumps(settings, sort_keys=True).encode()
    assert harness.settings_hash(settings) == "__" + hashlib.sha1(blob).hexdigest()[:8]
    assert harness.settings_hash(dict(reversed(settings.items()))) \
        == harness.settings_hash(settings)
    assert harness.settings_hash({**settings, "n_iter": 11}) != harness.settings_hash(settings)


def test_cache_resumes_and_keys_by_settings(tmp_path):
    key = ("digits", 200, 0, "ActiveGAN")
    cache = harness.ResultCache(tmp_path)
    assert cache.get(*key, settings="__a") is None
    row = {"f1": 91.5, "per_class_f1": [90.0, 93.0]}
    assert cache.put(row, *key, settings="__a") == row
    assert list(tmp_path.iterdir()) == [cache.path(*key, settings="__a")]  # no .tmp left
    assert harness.ResultCache(tmp_path).get(*key, settings="__a") == row  # a new run reads it
    assert cache.get(*key, settings="__b") is None
    assert cache.get("digits", 200, 1, "ActiveGAN", settings="__a") is None


def _rows():
    rows = [{"dataset": "b", "n": 10, "seed": s, "method": "baseline", "f1": f}
            for s, f in [(0, 90.0), (1, 80.0)]]
    rows += [{"dataset": "b", "n": 10, "seed": 0, "method": "A", "f1": 92.0, "mean_reward": 0.4},
             {"dataset": "b", "n": 10, "seed": 1, "method": "A", "f1": 79.0}]
    rows += [{"dataset": "a", "n": 5, "seed": 0, "method": m, "f1": f}
             for m, f in [("baseline", 50.0), ("A", 60.0)]]
    return rows


def test_paired_statistics_by_hand():
    stats = harness.paired([92.0, 79.0], [90.0, 80.0])
    assert stats["gain"] == pytest.approx(0.5)  # gains +2 and -1
    assert stats["gain_std"] == pytest.approx(np.sqrt(4.5))  # sd with ddof=1
    assert stats["wins"] == 1
    assert stats["error_reduction"] == pytest.approx(7.5)  # mean of +2/10 and -1/20, in %
    assert harness.paired([60.0], [50.0]) == {"gain": 10.0, "gain_std": 0.0, "wins": 1,
                                              "error_reduction": 20.0}


def test_summary_pairs_rows_by_seed():
    table = harness.summarize(_rows(), ["A", "missing"], order=["b"])
    assert [(e["dataset"], e["method"]) for e in table] == [
        ("b", "baseline"), ("b", "A"), ("a", "baseline"), ("a", "A")]
    base, a = table[0], table[1]
    assert (base["seeds"], base["f1"], base["f1_std"]) == (2, 85.0, 5.0)
    assert a["seeds"] == 2 and a["f1"] == 85.5 and a["wins"] == 1
    assert a["gain"] == pytest.approx(0.5) and a["error_reduction"] == pytest.approx(7.5)
    assert a["mean_reward"] == 0.4  # the mean over the rows that have it
    assert "median_margin" not in a
    assert harness.per_set_means(table, "A") == {"b": 0.5, "a": 10.0}


def test_markdown_tables():
    assert harness.md_row(["a", 1, "", None]) == "| a | 1 |  | |"
    assert harness.md_table(["x", "y"], [[1, 2]]) == "| x | y |\n| --- | --- |\n| 1 | 2 |"


def test_entries_and_variants():
    assert harness.parse_entry("digits:200") == ("digits", 200)
    assert harness.parse_entry("/tmp/a:b/set.npz") == ("/tmp/a:b/set.npz", None)
    assert harness.parse_variants(['wide={"anchor_radius": 1.0}', "x={}"]) == {
        "ActiveGAN[wide]": {"anchor_radius": 1.0}, "ActiveGAN[x]": {}}


def test_run_meta_and_provenance():
    meta = harness.run_meta("x.py", ["--a", "1"], started=0.0, n_iter=5)
    assert list(meta) == ["command", "date", "host", "torch", "n_iter", "wall_seconds"]
    assert meta["command"] == "python -m benchmarks.x --a 1"
    assert "torch threads" in meta["host"]
    bare = harness.run_meta("x.py", [], started=0.0, machine=False)
    assert list(bare) == ["command", "date", "wall_seconds"]
    assert harness.provenance({**bare, "wall_seconds": 90.0}) \
        == f"`python -m benchmarks.x ` ({bare['date']}, 1.5 min)"


def test_write_and_load_results(tmp_path):
    harness.write_results(tmp_path / "out", "t", {"rows": [1]}, ["# t", "", "text"])
    assert harness.load_results("t", tmp_path / "out") == {"rows": [1]}
    assert (tmp_path / "out" / "t.md").read_text() == "# t\n\ntext\n"
    assert harness.load_results("absent", tmp_path) is None


def test_table_loader_and_split(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    np.savez(tmp_path / "toy.npz", X=X, y=np.repeat([0, 1], 20), categorical=np.array([2]))
    data = harness.load("toy", tmp_path)
    assert data.X.dtype == np.float64 and data.categorical == (2,)
    assert harness.load(str(tmp_path / "toy.npz")).X.shape == (40, 3)
    assert not data.X.flags.writeable  # loads are cached: nobody may change them
    X_train, X_test, y_train, y_test = data.split(10, seed=0)
    assert X_train.shape == (10, 3) and X_test.shape == (30, 3)
    assert np.bincount(y_train).tolist() == [5, 5]


def test_tune_svm_picks_from_the_grid():
    digits = harness.load("digits")
    X, _, y, _ = digits.split(100, 0)
    C, gamma = harness.tune_svm(X, y, C_grid=[1.0, 10.0], gamma_factors=[1.0],
                                scoring="f1_macro")
    assert C in (1.0, 10.0) and gamma == 1.0 / 64


SHAPES = {  # name: (X shape, X_test shape or None)
    "digits": ((1797, 64), None),
    "optdigits": ((5620, 64), None),
    "penbased": ((10992, 16), None),
    "satimage": ((6435, 36), None),
    "segment": ((2310, 19), None),
    "imbalanced/abalone19": ((4174, 8), None),
    "mnist5k": ((5000, 784), None),
    "mnist70k": ((60000, 784), (10000, 784)),
    "fashion_mnist": ((60000, 784), (10000, 784)),
    "cifar10": ((50000, 3072), (10000, 3072)),
}
FILES = {"cifar10": "cifar10_jpeg.npz"}


@pytest.mark.parametrize("name", list(SHAPES))
def test_loader_shapes(name):
    file = harness.SHARED_DATA / FILES.get(name, f"{name}.npz")
    if name != "digits" and not file.exists():
        pytest.skip(f"{file} is not here")
    data = harness.load(name)
    shape, test_shape = SHAPES[name]
    assert data.X.shape == shape and data.y.shape == shape[:1]
    if test_shape is None:
        assert data.X_test is None
    else:
        assert data.X_test.shape == test_shape and data.y_test.shape == test_shape[:1]
        assert data.X.dtype == np.uint8
        X_train, X_test, y_train, _ = data.split(500, 0)
        assert X_train.shape == (500, shape[1]) and X_test is data.X_test
        assert len(np.unique(y_train)) == 10
    if name == "imbalanced/abalone19":
        assert data.categorical == (0,)


@pytest.mark.skipif(not (harness.SHARED_DATA / "imbalanced").exists(),
                    reason="no imbalanced sets here")
def test_every_imbalanced_set_loads_binary():
    for path in sorted((harness.SHARED_DATA / "imbalanced").glob("*.npz")):
        data = harness.load(path.stem, path.parent)
        assert data.X.dtype == np.float64 and set(np.unique(data.y)) == {0, 1}


def test_run_meta_names_a_study_as_its_module():
    meta = harness.run_meta("studies/selection.py", ["--report"], started=0.0, machine=False)
    assert meta["command"] == "python -m benchmarks.studies.selection --report"


def test_the_svm_grid_is_the_default_reward_models():
    # one grid: the benchmarks' SVM searches what the library's reward model searches
    from sk_activegan._reward import svm

    assert harness.C_GRID == list(svm.DEFAULT_C_GRID)
    assert harness.GAMMA_FACTORS == list(svm.DEFAULT_GAMMA_FACTORS)


def _benchmark_imports(path):
    """The modules of the package ``benchmarks`` that the file at ``path`` imports."""
    import ast

    package = ["benchmarks", *path.relative_to(harness.HERE.parent).parent.parts[1:]]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
            elif (node.module or "").split(".")[0] == "benchmarks":
                base = []
            else:
                continue
            module = [*base, *(node.module.split(".") if node.module else [])]
            if not node.module or module == ["benchmarks"] or module == ["benchmarks",
                                                                        "protocols"]:
                found.update(".".join([*module, alias.name]) for alias in node.names)
            else:
                found.add(".".join(module))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "benchmarks")
    return found


def test_no_benchmark_imports_another():
    # a benchmark imports the shared modules only: the harness and the protocols
    shared = {"benchmarks.harness"} | {f"benchmarks.protocols.{p.stem}" for p in
                                       (harness.HERE / "protocols").glob("*.py")}
    scripts = [p for p in harness.HERE.rglob("*.py")
               if p.parent.name != "protocols" and p.name not in ("harness.py", "__init__.py")]
    assert len(scripts) >= 15
    for path in scripts:
        assert _benchmark_imports(path) <= shared, path
    # and the check can fail
    assert _benchmark_imports(harness.HERE / "report.py") >= {
        "benchmarks.harness", "benchmarks.protocols.tabular"}
