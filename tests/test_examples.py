"""Each example runs end to end in its fast mode."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("script, expected", [
    ("digits_quickstart.py", "macro F1"),
    ("grid_search.py", "best:"),
    ("imblearn_pipeline.py", "ActiveGAN + SVM"),
    ("skorch_classifier.py", "ActiveGAN + skorch MLP"),
])
def test_example_runs(script, expected, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [script, "--fast"])
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    out = capsys.readouterr().out
    assert expected in out and out.startswith("SMOKE TEST (--fast)")


def test_tsne_example_saves_a_png(monkeypatch, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "tsne.png"
    monkeypatch.setattr(sys, "argv", ["tsne_figure.py", "--fast", "--output", str(output)])
    runpy.run_path(str(EXAMPLES / "tsne_figure.py"), run_name="__main__")
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "ActiveGAN samples" in out and out.startswith("SMOKE TEST (--fast)")


def test_oversampling_example_saves_a_png(monkeypatch, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "oversampling.png"
    monkeypatch.setattr(sys, "argv", ["oversampling_2d.py", "--fast", "--output", str(output)])
    runpy.run_path(str(EXAMPLES / "oversampling_2d.py"), run_name="__main__")
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "smoke test" in out and "ActiveGANOverSampler" in out


def test_images_example_saves_a_png(monkeypatch, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "images.png"
    monkeypatch.setattr(sys, "argv", ["images_digits.py", "--fast", "--output", str(output)])
    runpy.run_path(str(EXAMPLES / "images_digits.py"), run_name="__main__")
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert out.startswith("SMOKE TEST (--fast)") and "method='anchored'" in out
    assert "samples: uint8, pixels 0-16" in out or "samples: uint8" in out
