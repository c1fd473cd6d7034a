"""The pages a user reads: the numbers filled from the committed results are the
numbers the results give now (benchmarks/pages.py), and the docs' code blocks are
collected as tests (conftest.py at the root runs them with sybil)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
from benchmarks import harness, pages


@pytest.mark.parametrize("page, region", sorted(pages.REGIONS))
def test_filled_region_matches_the_results(page, region):
    expected = pages.expected()[(page, region)]
    assert pages.current(page, region) == expected, (
        f"{page}: the region <!-- {region} --> differs from the committed results; "
        "run python -m benchmarks.pages")


def test_home_chart_was_drawn_from_the_current_results():
    assert pages.chart_hash() == pages.facts_hash(pages.facts()), (
        "docs/img/home_gains.png was drawn from other numbers; run python -m benchmarks.pages")


def test_a_changed_result_makes_the_region_stale(tmp_path, monkeypatch):
    # The check can fail: edit one committed number and the README's region is stale.
    results = tmp_path / "results"
    results.mkdir()
    for path in harness.RESULTS.glob("*.json"):
        (results / path.name).write_text(path.read_text())
    forty = json.loads((results / "imbalanced40.json").read_text())
    forty["summary"]["SVM"]["mean_macro_f1"] += 1.0
    (results / "imbalanced40.json").write_text(json.dumps(forty))
    monkeypatch.setattr(harness, "RESULTS", results)
    original = harness.load_results
    monkeypatch.setattr(harness, "load_results",
                        lambda tag, results_dir=results: original(tag, results_dir))
    assert ("README.md", "pages.py: at a glance") in pages.stale()


def test_check_command_reports_nothing_stale():
    done = subprocess.run([sys.executable, "-m", "benchmarks.pages", "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_docs_blocks_are_collected_with_the_suite():
    # README.md and docs/*.md are in pytest's testpaths and conftest.py parses them.
    config = (ROOT / "pyproject.toml").read_text()
    assert 'testpaths = ["tests", "sk_activegan", "README.md", "docs"]' in config
    assert '"sybil>=' in config
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "README.md", "docs/user-guide.md"],
                          capture_output=True, text=True, cwd=ROOT)
    assert "README.md::line:" in done.stdout and "docs/user-guide.md::line:" in done.stdout


def test_results_page_opens_with_what_the_results_say():
    from benchmarks import report

    summary = harness.load_results("full")["summary"]
    text = (ROOT / "docs" / "results.md").read_text()
    assert "\n".join(report.in_short(summary)).strip() in text, (
        "docs/results.md differs from the results; run python -m benchmarks.report --only results")


def _gallery():
    sys.path.append(str(ROOT / "examples"))
    import build_gallery

    return build_gallery


def test_gallery_pages_were_built_from_the_current_examples():
    stale = _gallery().stale()
    assert not stale, (f"gallery pages older than their example or the release: {stale}; "
                       "run python examples/build_gallery.py --stale")


def test_an_edited_example_makes_its_gallery_page_stale(tmp_path, monkeypatch):
    gallery = _gallery()
    examples, pages = tmp_path / "examples", tmp_path / "gallery"
    examples.mkdir(), pages.mkdir()
    for script, *_ in gallery.EXAMPLES:
        (examples / f"{script}.py").write_text((gallery.HERE / f"{script}.py").read_text())
    monkeypatch.setattr(gallery, "HERE", examples)
    monkeypatch.setattr(gallery, "GALLERY", pages)
    for script, *_ in gallery.EXAMPLES:
        (pages / f"{script}.md").write_text(gallery.stamp(script) + "\n\n# page\n")
    assert gallery.stale() == []
    edited = gallery.EXAMPLES[1][0]
    (examples / f"{edited}.py").write_text((examples / f"{edited}.py").read_text() + "\n# edit\n")
    assert gallery.stale() == [edited]


def test_readme_main_job_table_is_the_gallery_pages():
    gallery = _gallery()
    page = (gallery.GALLERY / f"{gallery.MAIN_JOB}.md").read_text()
    assert gallery.readme_region() == gallery.main_job_text(page), (
        "README's main-job table differs from its gallery page; run "
        "python examples/build_gallery.py mnist_quickstart")


def test_imbalanced_first_round_quotes_the_current_pipeline_means():
    # The first round's summary is prose; each pipeline mean it quotes (two decimals, macro F1)
    # must be one of the committed results' means, so a rerun cannot leave it behind.
    import re

    summary = harness.load_results("imbalanced_pipelines")["summary"]
    means = {f"{e['mean_macro_f1']:.2f}" for e in summary.values()}
    page = (ROOT / "docs" / "imbalanced.md").read_text()
    answer = page.split("## Thirteen sets: the first round")[1].split("![macro F1 per pipeline")[0]
    quoted = set(re.findall(r"(?<![\d.+−-])(7\d\.\d\d)(?!\d)", answer))
    assert quoted, "the short answer quotes no pipeline mean"
    assert quoted <= means, f"quoted means not in the results: {sorted(quoted - means)}"


@pytest.mark.parametrize("region, results", [("images.py: policy", "images_policy"),
                                             ("images.py: ablation", "images_ablation")])
def test_images_page_tables_are_the_committed_reports(region, results):
    """``python -m benchmarks.images --report --policy|--ablation ... --docs`` writes the
    same text into the results file and the page: they must agree."""
    page = (harness.DOCS / "images.md").read_text()
    start, end = f"<!-- {region} -->", f"<!-- /{region} -->"
    filled = page.split(start)[1].split(end)[0].strip()
    assert filled == (harness.RESULTS / f"{results}.md").read_text().strip()


def test_imbalanced_forty_sets_region_is_the_results():
    """``python -m benchmarks.imbalanced ... --tag imbalanced40 --docs`` fills the ranks
    and tests from its JSON: the page must show what the committed JSON gives."""
    from benchmarks import imbalanced

    result = json.loads((harness.RESULTS / "imbalanced40.json").read_text())
    page = (harness.DOCS / "imbalanced.md").read_text()
    region = "imbalanced.py: imbalanced40"
    filled = page.split(f"<!-- {region} -->")[1].split(f"<!-- /{region} -->")[0].strip()
    assert filled == imbalanced.ranks_region(result["statistics"],
                                             result["where_it_pays"]).strip()
    region = "imbalanced.py: imbalanced40 rules"
    filled = page.split(f"<!-- {region} -->")[1].split(f"<!-- /{region} -->")[0].strip()
    assert filled == imbalanced.cv_rule_markdown(result["cv_rules"]).strip()


@pytest.mark.parametrize("tag", ["imbalanced40_former", "imbalanced40_n3000"])
def test_imbalanced_defaults_comparison_regions_are_the_results(tag):
    """``python -m benchmarks.imbalanced ... --tag TAG --against imbalanced40 --docs``
    fills its comparison from its JSON: the page must show what the JSON gives."""
    from benchmarks.protocols.pipelines import against_markdown

    result = json.loads((harness.RESULTS / f"{tag}.json").read_text())
    page = (harness.DOCS / "imbalanced.md").read_text()
    region = f"imbalanced.py: {tag} against imbalanced40"
    filled = page.split(f"<!-- {region} -->")[1].split(f"<!-- /{region} -->")[0].strip()
    assert filled == against_markdown(result["against"], (tag, "imbalanced40")).strip()
