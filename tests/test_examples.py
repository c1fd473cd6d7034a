"""Each example runs end to end in its fast mode."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("script", ["digits_quickstart.py"])
def test_example_runs(script, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [script, "--fast"])
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    assert "macro F1" in capsys.readouterr().out
