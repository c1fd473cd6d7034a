"""The engine's contracts: a failed fit changes nothing, seeds hold in threads,
``sample`` reads fitted state only, and the caller's torch settings do not matter."""

import copy
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_iris

from sk_activegan import ActiveGANAugmenter, TrainingDivergedError


@pytest.fixture
def iris():
    return load_iris(return_X_y=True)


def _frame(X, names):
    return pd.DataFrame(X, columns=list(names))


def test_failed_refit_keeps_every_fitted_attribute_and_the_next_samples(iris, fast_params):
    X, y = iris
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(_frame(X, "abcd"), y)
    fitted = {k: v for k, v in vars(aug).items() if k.endswith("_") and not k.startswith("_")}
    expected = copy.deepcopy(aug).sample(5)[0]

    other = _frame(X, "wxyz")
    other.iloc[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        aug.fit(other, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        aug.fit(X[:, :2], np.zeros(len(X)))
    with pytest.raises(TrainingDivergedError):  # fails late, during training
        aug.set_params(generator__learning_rate=1e12, n_iter=60).fit(X[:, :3], y)

    assert all(getattr(aug, name) is value for name, value in fitted.items())  # untouched
    assert aug.feature_names_in_.tolist() == list("abcd") and aug.n_features_in_ == 4
    X_next, _ = aug.sample(5)
    assert list(X_next.columns) == list("abcd")
    pd.testing.assert_frame_equal(X_next, expected)


def test_refit_on_an_array_forgets_the_feature_names(iris, fast_params):
    X, y = iris
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(_frame(X, "abcd"), y)
    aug.fit(X, y)
    assert not hasattr(aug, "feature_names_in_")
    assert isinstance(aug.sample(1)[0], np.ndarray)


def test_a_seed_gives_the_same_samples_in_threads(iris, fast_params):
    X, y = iris

    def run(_=None):
        return ActiveGANAugmenter(**fast_params, random_state=3).fit(X, y).sample(4)[0]

    sequential = run()
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = list(pool.map(run, range(3)))
    for samples in threaded:
        np.testing.assert_array_equal(samples, sequential)


def test_fit_draws_nothing_from_torchs_global_generator(iris, fast_params):
    torch.manual_seed(5)
    expected = torch.rand(4)
    torch.manual_seed(5)
    ActiveGANAugmenter(**fast_params, generator__dropout=0.5, random_state=0).fit(*iris).sample(3)
    torch.testing.assert_close(torch.rand(4), expected)


def test_sample_reads_fitted_state_only(iris, fast_params):
    X, y = iris
    aug = ActiveGANAugmenter(**{**fast_params, "generator__latent_dim": 8}, random_state=0).fit(X, y)
    twin = copy.deepcopy(aug)
    aug.set_params(generator__latent_dim=16, alpha=1.0, epsilon=0.0, reward_constant=3.0,
                   generator__anchor_radius=9.0, generator="paper")
    X_a, y_a = aug.sample(6)
    X_b, y_b = twin.sample(6)
    np.testing.assert_array_equal(X_a, X_b)
    scores_a, scores_b = aug.sample_diagnostics(X_a, y_a), twin.sample_diagnostics(X_b, y_b)
    for name in scores_b:
        np.testing.assert_array_equal(scores_a[name], scores_b[name])


@pytest.mark.parametrize("context", ["no_grad", "inference_mode", "float64_default"])
def test_fit_ignores_the_callers_torch_settings(iris, fast_params, context):
    X, y = iris
    expected = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y).sample(3)[0]
    default_dtype = torch.get_default_dtype()
    if context == "float64_default":
        torch.set_default_dtype(torch.float64)
        manager = torch.enable_grad()  # nothing besides the dtype
    else:
        manager = getattr(torch, context)()
    try:
        with manager:
            got = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y).sample(3)[0]
            grad_mode = torch.is_grad_enabled()
        assert torch.get_default_dtype() == (torch.float64 if context == "float64_default"
                                             else default_dtype)
    finally:
        torch.set_default_dtype(default_dtype)
    assert grad_mode == (context == "float64_default")  # left as the caller set it
    np.testing.assert_array_equal(got, expected)


def test_bad_counts_fail_before_training(iris, fast_params, monkeypatch):
    from sk_activegan import _fitting

    monkeypatch.setattr(_fitting, "train_model", lambda *a, **k: pytest.fail("training started"))
    for value, error in [(True, TypeError), ({"zebra": 3}, ValueError), (-1, ValueError)]:
        aug = ActiveGANAugmenter(**{**fast_params, "n_synthetic": value})
        with pytest.raises(error):
            aug.fit(*iris)
        with pytest.raises(error):
            aug.fit_resample(*iris)


def test_parameters_are_validated_once_per_fit(iris, fast_params, monkeypatch):
    """fit_context validates the parameters (bools refused where no bool is meant);
    nothing validates them a second time."""
    import sklearn.base

    from sk_activegan import _base

    calls = []

    def counting(original):
        def validate(constraints, params, caller_name):
            calls.append(caller_name)
            return original(constraints, params, caller_name)
        return validate

    # scikit-learn's own check, and the package's stricter one
    monkeypatch.setattr(sklearn.base, "validate_parameter_constraints",
                        counting(sklearn.base.validate_parameter_constraints))
    monkeypatch.setattr(_base, "check_params", counting(_base.check_params))
    ActiveGANAugmenter(**{**fast_params, "n_iter": 2}, random_state=0).fit(*iris)
    assert calls.count("ActiveGANAugmenter") == 1
    with pytest.raises(ValueError, match="the bool True"):
        ActiveGANAugmenter(**{**fast_params, "n_iter": True}).fit(*iris)
