"""Bad input gets a clear error naming the problem, and the caller's data is untouched."""

import numpy as np
import pytest
import scipy.sparse as sp

from sk_activegan import ActiveGANAugmenter


@pytest.fixture
def fitted(blobs, fast_params):
    return ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)


def _with(X, row, col, value):
    X = X.copy()
    X[row, col] = value
    return X


@pytest.mark.parametrize(
    "make_X, error, message",
    [
        (lambda X: _with(X, 3, 1, np.nan), ValueError, "NaN"),
        (lambda X: _with(X, 0, 0, np.inf), ValueError, "infinity"),
        (lambda X: X.astype(complex), ValueError, "[Cc]omplex"),
        (lambda X: X.astype(str).astype(object) + "x", ValueError, "convert|string"),
        (lambda X: sp.csr_matrix(X), TypeError, "[Ss]parse"),
        (lambda X: X[:, 0], ValueError, "Expected 2D array"),
        (lambda X: X[:, :, None], ValueError, "dim 3"),
        (lambda X: X[:-1], ValueError, "inconsistent numbers of samples"),
    ],
    ids=["nan", "inf", "complex", "strings", "sparse", "1d", "3d", "lengths"],
)
def test_bad_X(blobs, fast_params, make_X, error, message):
    X, y = blobs
    with pytest.raises(error, match=message):
        ActiveGANAugmenter(**fast_params).fit(make_X(X), y)


def test_single_class(blobs, fast_params):
    X, _ = blobs
    with pytest.raises(ValueError, match="at least 2 classes"):
        ActiveGANAugmenter(**fast_params).fit(X, np.zeros(len(X)))


def test_class_with_one_sample(blobs, fast_params):
    X, y = blobs
    y = y.copy()
    y[0] = 9
    with pytest.raises(ValueError, match=r"at least 2 samples.*\[9\]"):
        ActiveGANAugmenter(**fast_params).fit(X, y)


def test_two_samples_per_class_is_enough(blobs, fast_params):
    X, y = blobs
    keep = np.concatenate([np.flatnonzero(y == c)[:2] for c in range(3)])
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X[keep], y[keep])
    assert aug.sample(2)[0].shape == (6, 5)


def test_continuous_target(blobs, fast_params):
    X, _ = blobs
    with pytest.raises(ValueError, match="Unknown label type"):
        ActiveGANAugmenter(**fast_params).fit(X, np.linspace(0, 1, len(X)))


@pytest.mark.parametrize(
    "param, value",
    [("epsilon", -0.1), ("epsilon", 1.5), ("alpha", -0.01), ("alpha", 2.0),
     ("lambda_reward", -1.0), ("generator__batch_size", 0), ("n_iter", -1),
     ("generator__learning_rate", 0.0), ("generator__discriminator_interval", 0),
     ("generator__buffer_size", 0), ("margin_filter", 1.5), ("n_synthetic", -0.5),
     ("reward_estimator", object()), ("method", "wgan"), ("generator", "wgan"),
     ("generator__anchor_radius", 0.0), ("generator__anchor_radius", None)],
)
def test_parameters_out_of_range(blobs, fast_params, param, value):
    fast_params[param] = value
    name = param.removeprefix("generator__")
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        ActiveGANAugmenter(**fast_params).fit(*blobs)
    if name != param:  # a family's own setting: the error says where it was routed
        with pytest.raises(ValueError, match=f"generator__{name}"):
            ActiveGANAugmenter(**fast_params).fit(*blobs)


def test_unknown_device(blobs, fast_params):
    fast_params["device"] = "tpu9"
    with pytest.raises(ValueError, match="Unknown device"):
        ActiveGANAugmenter(**fast_params).fit(*blobs)


@pytest.mark.parametrize(
    "n_per_class, error, message",
    [(-1, ValueError, "'n_per_class' parameter .* Got -1"), (2.5, TypeError, "'n_per_class'"),
     (True, TypeError, "'n_per_class' .*the bool True"),
     ({7: 3}, ValueError, "class 7"), ({0: -2}, ValueError, "non-negative"),
     ({0: 1.5}, TypeError, "integer")],
)
def test_bad_n_per_class(fitted, n_per_class, error, message):
    with pytest.raises(error, match=message):
        fitted.sample(n_per_class)


def test_unknown_class_in_n_synthetic(blobs, fast_params):
    fast_params["n_synthetic"] = {"zebra": 3}
    with pytest.raises(ValueError, match="'zebra'"):
        ActiveGANAugmenter(**fast_params).fit_resample(*blobs)


def test_callers_arrays_are_not_modified(blobs, fast_params):
    X, y = blobs
    X_before, y_before = X.copy(), y.copy()
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    aug.fit(X, y)
    aug.fit_resample(X, y)
    aug.sample(3)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_failed_refit_keeps_the_fitted_model(fitted, blobs):
    X, y = blobs
    before = fitted.__dict__.copy()
    with pytest.raises(ValueError):
        fitted.fit(X, np.zeros(len(X)))
    assert fitted._model is before["_model"]  # the fitted model, networks included
    assert fitted.modules_ is before["_model"].modules
    assert fitted.classes_ is before["classes_"]


def test_zero_rows_with_scores(fitted):
    X_syn, y_syn, scores = fitted.sample(0, return_scores=True)
    assert X_syn.shape == (0, 5) and len(y_syn) == 0
    assert set(scores) == {"reward", "margin", "conditioned_margin", "realism",
                           "nn_distance_ratio"}
    assert all(v.shape == (0,) for v in scores.values())


@pytest.mark.parametrize("sizes", [(0,), (-3,), (True,), (8, 2.5)])
@pytest.mark.parametrize("param", ["generator__hidden_layer_sizes",
                                   "generator__policy_hidden_layer_sizes"])
def test_bad_layer_sizes_fail_before_the_reward_model(blobs, fast_params, monkeypatch, param,
                                                       sizes):
    from sk_activegan import _fitting

    monkeypatch.setattr(_fitting, "fit_default_reward_model",
                        lambda *a, **k: pytest.fail("the reward model was fitted"))
    with pytest.raises(ValueError, match=f"'{param}' parameter must hold positive integers"):
        ActiveGANAugmenter(**{**fast_params, param: sizes}).fit(*blobs)


@pytest.mark.parametrize("device", ["cuda", "cuda:7", "mps"])
def test_missing_devices_fail_before_the_reward_model(blobs, fast_params, monkeypatch, device):
    import torch

    from sk_activegan import _fitting

    if device.startswith("cuda") and torch.cuda.is_available() and device == "cuda":
        pytest.skip("this machine has CUDA")
    monkeypatch.setattr(_fitting, "fit_default_reward_model",
                        lambda *a, **k: pytest.fail("the reward model was fitted"))
    with pytest.raises(ValueError, match="not available|CUDA device"):
        ActiveGANAugmenter(**{**fast_params, "device": device}).fit(*blobs)


def test_nullable_integer_labels_stay_integers(blobs, fast_params):
    import pandas as pd

    X, y = blobs
    labels = pd.Series(y, dtype="Int64", name="label")
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    X_res, y_res = aug.fit_resample(X, labels)
    assert aug.classes_.dtype.kind == "i" and aug.classes_.tolist() == [0, 1, 2]
    assert str(y_res.dtype) == "Int64"
    _, y_syn = aug.sample(2)
    assert str(y_syn.dtype) == "Int64" and y_syn.tolist() == [0, 0, 1, 1, 2, 2]


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if the reward model or the networks start training."""
    from sk_activegan import _fitting

    monkeypatch.setattr(_fitting, "fit_default_reward_model",
                        lambda *a, **k: pytest.fail("the reward model was fitted"))
    monkeypatch.setattr(_fitting, "train_model", lambda *a, **k: pytest.fail("training started"))


def _object_X(X, column, values):
    out = X.astype(object)
    out[:, column] = np.resize(np.array(values, dtype=object), len(X))
    return out


@pytest.mark.parametrize("values, kinds", [([1, "unknown", 2], r"\['int', 'string'\]"),
                                           ([1.5, "b"], r"\['float', 'string'\]"),
                                           (["a", 3, b"c"], r"\['bytes', 'int', 'string'\]")])
def test_categorical_column_of_mixed_types_is_named(blobs, fast_params, no_training, values,
                                                    kinds):
    X, y = blobs
    with pytest.raises(TypeError, match=rf"Categorical column 2 mixes value types {kinds}"):
        ActiveGANAugmenter(**fast_params, categorical_features=[2]).fit(
            _object_X(X, 2, values), y)


def test_dataframe_categorical_column_of_mixed_types_is_named(blobs, fast_params, no_training):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["e"] = np.resize(np.array([1, "x"], dtype=object), len(X))
    with pytest.raises(TypeError, match="Categorical column 'e' mixes value types"):
        ActiveGANAugmenter(**fast_params, categorical_features=["e"]).fit(frame, y)


def test_text_in_a_numeric_column_is_named(blobs, fast_params, no_training):
    X, y = blobs
    X = _object_X(X, 3, [0.5, 1.5, "n/a"])
    with pytest.raises(ValueError, match=r"Column 3 of X holds 'n/a' \(row 2\).*"
                                         "categorical_features"):
        ActiveGANAugmenter(**fast_params).fit(X, y)


def _labels_with(y, row, value):
    labels = np.array(["a", "b", "c"], dtype=object)[y]
    labels[row] = value
    return labels


@pytest.mark.parametrize("make_y", [
    lambda y: _labels_with(y, 5, None),
    lambda y: _labels_with(y, 5, np.nan),
    lambda y: __import__("pandas").Series(_labels_with(y, 5, np.nan)),
    lambda y: __import__("pandas").Series(_labels_with(y, 5, None), dtype="string"),
    lambda y: np.where(np.arange(len(y)) == 5, np.nan, y.astype(float)),
], ids=["None-object", "nan-object", "nan-Series", "NA-string-Series", "nan-float"])
def test_missing_labels_are_named(blobs, fast_params, no_training, make_y):
    X, y = blobs
    with pytest.raises(ValueError, match=r"missing labels|NaN"):
        ActiveGANAugmenter(**fast_params).fit(X, make_y(y))


def test_labels_of_mixed_types_are_refused(blobs, fast_params, no_training):
    X, y = blobs
    labels = np.array([0, "one", 2], dtype=object)[y]
    with pytest.raises(ValueError, match=r"mix|Mix"):
        ActiveGANAugmenter(**fast_params).fit(X, labels)


def test_column_names_of_mixed_types_fail_before_training(blobs, fast_params, no_training):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=[0, "b", "c", "d", "e"])
    with pytest.raises(TypeError, match="string names"):
        ActiveGANAugmenter(**fast_params).fit(frame, y)


@pytest.mark.parametrize("grid, expected", [
    ({"C": 1.0, "gamma": "scale"}, {"C": 1.0, "gamma": "scale"}),
    ({"C": [1.0, 10.0], "gamma": "scale"}, None),
    ({"C": np.array([2.0])}, {"C": 2.0}),
])
def test_reward_param_grid_scalars_are_one_point_grids(blobs, fast_params, grid, expected):
    aug = ActiveGANAugmenter(**{**fast_params, "reward_param_grid": grid},
                             random_state=0).fit(*blobs)
    if expected is not None:
        assert aug.reward_params_ == expected
    else:
        assert aug.reward_params_["C"] in (1.0, 10.0)


@pytest.mark.parametrize("grid, message", [({"C": []}, r"reward_param_grid\['C'\] is empty"),
                                           ({"c": [1.0]}, "names 'c'.*not a parameter")])
def test_bad_reward_param_grid_fails_before_training(blobs, fast_params, no_training, grid,
                                                     message):
    with pytest.raises(ValueError, match=message):
        ActiveGANAugmenter(**{**fast_params, "reward_param_grid": grid}).fit(*blobs)


@pytest.mark.parametrize("front_door", ["ActiveGANAugmenter", "ActiveGANOverSampler"])
def test_only_categorical_columns_with_anchors_fail_before_training(fast_params, no_training,
                                                                    front_door):
    import sk_activegan

    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(60, 2))
    y = np.repeat([0, 1], [40, 20])
    with pytest.raises(ValueError, match="Every column of X is categorical.*generator='paper'.*"
                                         "SMOTEN"):
        getattr(sk_activegan, front_door)(**fast_params, categorical_features=[0, 1]).fit(X, y)


def test_only_categorical_columns_with_the_paper_generator_make_new_combinations(fast_params):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 4, size=(80, 3))
    y = np.repeat([0, 1], 40)
    aug = ActiveGANAugmenter(**fast_params, generator="paper", categorical_features=[0, 1, 2],
                             random_state=0).fit(X, y)
    X_syn, _ = aug.sample(200)
    seen = {tuple(row) for row in X.tolist()}
    assert ({tuple(row) for row in X_syn.tolist()} - seen)  # not only copies of real rows
    assert np.isin(X_syn, np.arange(4)).all()


def test_skorch_reward_model_fits_on_float64_X(blobs, fast_params):
    import torch
    from skorch import NeuralNetClassifier

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(5, 3)

        def forward(self, x):
            return torch.softmax(self.layer(x), dim=-1)

    X, y = blobs
    assert X.dtype == np.float64
    net = NeuralNetClassifier(Net, max_epochs=3, lr=0.1, verbose=0,
                              train_split=None, iterator_train__shuffle=False)
    aug = ActiveGANAugmenter(**{**fast_params, "reward_estimator": net},
                             random_state=0).fit(X, y)
    X_syn, y_syn, scores = aug.sample(4, return_scores=True)
    assert X_syn.shape == (12, 5) and np.isfinite(scores["reward"]).all()


@pytest.mark.parametrize("value, what", [(np.nan, "NaN"), (np.inf, "infinity"),
                                         (None, "NaN")])
def test_non_finite_values_are_named_by_column_and_row(blobs, fast_params, no_training,
                                                       value, what):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=list("abcde"))
    if value is None:  # a nullable integer column with pandas' NA
        frame["e"] = pd.array(np.arange(len(X)), dtype="Int64")
        frame.loc[7, "e"] = None
    else:
        frame.loc[7, "e"] = value
    with pytest.raises(ValueError, match=f"Column 'e' of X holds {what}.* at row 7"):
        ActiveGANAugmenter(**fast_params).fit(frame, y)


def test_date_columns_are_named(blobs, fast_params, no_training):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=list("abcde"))
    frame["when"] = pd.date_range("2024-01-01", periods=len(X))
    with pytest.raises(ValueError, match="Column 'when' of X holds dates"):
        ActiveGANAugmenter(**fast_params).fit(frame, y)


def test_a_grid_beside_a_given_reward_estimator_is_reported(blobs, fast_params):
    from sklearn.linear_model import LogisticRegression

    with pytest.warns(UserWarning, match="reward_param_grid is ignored"):
        ActiveGANAugmenter(**{**fast_params, "reward_estimator": LogisticRegression()},
                           random_state=0).fit(*blobs)
