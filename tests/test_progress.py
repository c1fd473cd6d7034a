"""The progress bar speaks words: named fields, the warm-up shown as such, and the
same numbers as ``history_``."""

import re

import numpy as np

from sk_activegan import ActiveGANAugmenter
from sk_activegan._training import HISTORY_COLUMNS, LOG_INTERVAL, progress_fields


def _postfixes(err):
    """Every postfix tqdm printed, as {field: text}."""
    found = []
    for line in re.split(r"[\r\n]", err):
        if "D loss=" in line:
            fields = line[line.index("D loss="):].rstrip("] ")
            found.append(dict(part.strip().split("=", 1) for part in fields.split(", ")))
    return found


def test_bar_names_its_fields_and_shows_the_warm_up(blobs, fast_params, capsys):
    params = {**fast_params, "n_iter": 120, "warm_up": 100}
    aug = ActiveGANAugmenter(**params, verbose=1, random_state=0).fit(*blobs)
    postfixes = _postfixes(capsys.readouterr().err)
    assert postfixes, "no postfix printed"
    assert all(set(p) == {"D loss", "G loss", "reward", "uncertainty loss"} for p in postfixes)
    assert "nan" not in " ".join(v for p in postfixes for v in p.values())
    assert postfixes[0]["uncertainty loss"] == "warm-up"           # iteration 50
    last = postfixes[-1]                                           # iteration 120
    assert last["uncertainty loss"] not in ("warm-up", "off")

    # the bar's last numbers are the means of history_ over the last logging window
    history = np.column_stack([aug.history_[name] for name in HISTORY_COLUMNS])
    schedule = type("S", (), {"warm_up_iter": 100, "lambda_reward": aug.lambda_reward})()
    assert progress_fields(history, 120, schedule) == last
    window = aug.history_["generator_loss"][120 - LOG_INTERVAL:120]
    assert last["G loss"] == f"{np.mean(window):.3f}"


def test_uncertainty_loss_is_off_without_the_reward(blobs, fast_params, capsys):
    ActiveGANAugmenter(**fast_params, lambda_reward=0.0, verbose=1, random_state=0).fit(*blobs)
    postfixes = _postfixes(capsys.readouterr().err)
    assert postfixes and all(p["uncertainty loss"] == "off" for p in postfixes)
