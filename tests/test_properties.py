"""Property-based and process-level reliability checks."""

import json
import subprocess
import sys
import textwrap

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sk_activegan import ActiveGANAugmenter
from conftest import FAST

TINY = {**FAST, "n_iter": 6, "generator__batch_size": 8}


@st.composite
def small_datasets(draw):
    n_classes = draw(st.integers(2, 5))
    per_class = draw(st.integers(2, 6))
    n_features = draw(st.integers(1, 30))
    scale = 10.0 ** draw(st.integers(-6, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    string_labels = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_classes, n_features))
    X = np.concatenate([c + 0.5 * rng.normal(size=(per_class, n_features)) for c in centers])
    y = np.repeat(np.arange(n_classes), per_class)
    if string_labels:
        y = np.array([f"class-{label}" for label in y])
    return (X * scale).astype(dtype), y


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=small_datasets(), n_per_class=st.integers(0, 7))
def test_any_small_dataset_gives_finite_samples(data, n_per_class):
    X, y = data
    aug = ActiveGANAugmenter(**TINY, random_state=0).fit(X, y)
    X_syn, y_syn = aug.sample(n_per_class)
    n_classes = len(np.unique(y))
    assert X_syn.shape == (n_classes * n_per_class, X.shape[1])
    assert X_syn.dtype == X.dtype
    assert np.isfinite(X_syn).all()
    assert set(y_syn.tolist()) <= set(aug.classes_.tolist())
    X_res, y_res = aug.fit_resample(X, y)
    assert np.isfinite(X_res).all() and len(X_res) == len(y_res)


def test_same_seed_same_samples_across_processes(tmp_path):
    script = textwrap.dedent(f"""
        import json, numpy as np
        from sklearn.datasets import load_iris
        from sk_activegan import ActiveGANAugmenter
        X, y = load_iris(return_X_y=True)
        aug = ActiveGANAugmenter(**{TINY!r}, random_state=11).fit(X, y)
        print(json.dumps(aug.sample(3)[0].tolist()))
    """)
    outputs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True).stdout
        for _ in range(2)
    ]
    assert json.loads(outputs[0]) == json.loads(outputs[1])
