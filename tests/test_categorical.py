"""Categorical columns (``categorical_features``): valid categories out, dtypes kept."""

import numpy as np
import pandas as pd
import pytest
import torch

from sk_activegan import ActiveGANAugmenter, ActiveGANOverSampler
from sk_activegan._networks.mlp import hard_one_hot
from sk_activegan._spaces import resolve_categorical


def _mixed(n=120, seed=0):
    """Two continuous columns and a 3-category column coded 0, 1, 2 (as KEEL's)."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], [n - n // 4, n // 4])
    sex = rng.choice([0.0, 1.0, 2.0], size=n, p=[0.5, 0.3, 0.2])
    X = np.column_stack([sex, rng.normal(size=n) + y, rng.normal(size=n)])
    return X, y


@pytest.mark.parametrize("method", ["anchored", "paper"])
@pytest.mark.parametrize("front_door", [ActiveGANAugmenter, ActiveGANOverSampler])
def test_synthetic_rows_carry_valid_categories(fast_params, method, front_door):
    X, y = _mixed()
    sampler = front_door(**fast_params, generator=method, categorical_features=[0],
                         random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    synthetic = X_res[len(X):]
    assert len(synthetic) > 0
    assert set(np.unique(synthetic[:, 0]).tolist()) <= {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(X_res[:len(X)], X)
    X_syn, _ = sampler.sample(100)
    assert set(np.unique(X_syn[:, 0]).tolist()) <= {0.0, 1.0, 2.0}
    assert len(np.unique(X_syn[:, 1])) > 50  # continuous columns still vary


def test_anchored_samples_keep_their_anchors_category(fast_params):
    X, y = _mixed()
    y = (X[:, 0] == 2.0).astype(int)  # the category decides the class
    aug = ActiveGANAugmenter(**fast_params, categorical_features=[0], random_state=0).fit(X, y)
    X_syn, y_syn = aug.sample(50)
    assert (X_syn[y_syn == 1, 0] == 2.0).all() and (X_syn[y_syn == 0, 0] != 2.0).all()


def test_without_categorical_features_the_column_is_continuous(fast_params):
    X, y = _mixed()
    aug = ActiveGANAugmenter(**fast_params, generator="paper", random_state=0).fit(X, y)
    assert aug._model.space.categorical == [] and aug._model.space.n_model == 3  # no one-hot
    assert not set(np.unique(aug.sample(50)[0][:, 0]).tolist()) <= {0.0, 1.0, 2.0}


def test_pandas_category_columns_round_trip(fast_params):
    X, y = _mixed()
    frame = pd.DataFrame({"sex": pd.Categorical(np.array(["F", "I", "M"])[X[:, 0].astype(int)]),
                          "length": X[:, 1], "count": (10 * np.abs(X[:, 2])).astype(np.int64)})
    sampler = ActiveGANOverSampler(**fast_params, random_state=0)  # "auto": the category
    X_res, y_res = sampler.fit_resample(frame, pd.Series(y, name="rings"))
    assert X_res.dtypes.tolist() == frame.dtypes.tolist()
    assert set(X_res["sex"].unique()) <= {"F", "I", "M"}
    pd.testing.assert_frame_equal(X_res.iloc[:len(frame)], frame)
    assert (X_res["count"] >= 0).all()
    X_syn, y_syn = sampler.sample({1: 20})
    assert isinstance(X_syn, pd.DataFrame) and X_syn["sex"].dtype == frame["sex"].dtype
    scores = sampler.sample_diagnostics(X_syn, y_syn)
    assert np.isfinite(scores["reward"]).all()
    unseen = X_syn.copy()
    unseen["sex"] = unseen["sex"].cat.add_categories("X")
    unseen.loc[0, "sex"] = "X"
    with pytest.raises(ValueError, match="not seen in fit"):
        sampler.sample_diagnostics(unseen, y_syn)


def test_string_columns_by_name(fast_params):
    X, y = _mixed()
    frame = pd.DataFrame({"colour": np.array(["red", "green", "blue"])[X[:, 0].astype(int)],
                          "a": X[:, 1], "b": X[:, 2]})
    aug = ActiveGANAugmenter(**fast_params, categorical_features=["colour"], random_state=0)
    X_res, _ = aug.fit_resample(frame, y)
    assert X_res["colour"].dtype == frame["colour"].dtype
    assert set(X_res["colour"]) <= {"red", "green", "blue"}


@pytest.mark.parametrize("spec, expected", [
    ("auto", []), (None, []), ([0, 2], [0, 2]), ([-1], [2]), ([True, False, True], [0, 2]),
])
def test_resolve_categorical_forms(spec, expected):
    assert resolve_categorical(spec, np.zeros((3, 3)), 3) == expected


@pytest.mark.parametrize("spec, error, message", [
    ([3], ValueError, "out of range"),
    ([True, False], ValueError, "one entry per feature"),
    (["sex"], ValueError, "no column names"),
    ([0.5], TypeError, "categorical_features"),
])
def test_bad_categorical_features_fail_before_training(fast_params, monkeypatch, spec, error,
                                                       message):
    from sk_activegan import _fitting

    monkeypatch.setattr(_fitting, "train_model", lambda *a, **k: pytest.fail("training started"))
    X, y = _mixed()
    with pytest.raises(error, match=message):
        ActiveGANAugmenter(**fast_params, categorical_features=spec).fit(X, y)


def test_missing_category_is_refused(fast_params):
    X, y = _mixed()
    frame = pd.DataFrame({"sex": pd.Categorical(np.where(X[:, 0] > 0, "F", "M")),
                          "a": X[:, 1]})
    frame.loc[5, "sex"] = np.nan
    with pytest.raises(ValueError, match="missing values"):
        ActiveGANOverSampler(**fast_params).fit_resample(frame, y)


def test_hard_one_hot_is_exact_forward_and_soft_backward():
    x = torch.tensor([[0.3, 2.0, -1.0, 0.5, 7.0]], requires_grad=True)
    out = hard_one_hot(x, [(1, 4)])
    torch.testing.assert_close(out.detach(), torch.tensor([[0.3, 1.0, 0.0, 0.0, 7.0]]))
    out[0, 2].backward()  # the softmax's gradient reaches the whole block
    assert (x.grad[0, 1:4] != 0).all() and x.grad[0, 0] == 0 and x.grad[0, 4] == 0
