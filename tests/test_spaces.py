"""The tabular data space: scaling, column kinds, pandas round trips, class spacing."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_digits, load_iris

from sk_activegan import ActiveGANAugmenter
from sk_activegan._spaces import TabularSpace, class_spacing, robust_standardization


def _space(X_caller):
    X = np.asarray(X_caller, dtype=np.float64)
    return TabularSpace().fit(X_caller, X, np.repeat([0, 1], len(X) // 2), 2)


def test_integer_columns_are_rounded_within_their_range_and_booleans_thresholded():
    frame = pd.DataFrame({"f": [0.5, 1.5, 2.5, 3.5], "i": [0, 1, 2, 3],
                          "b": [True, False, True, False]})
    space = _space(frame)
    assert space.kinds.tolist() == ["float", "int", "bool"]
    caller = np.array([[0.25, 1.9, 0.6], [1.04, 1.2, 0.4], [2.96, -0.7, 0.5], [9.0, 9.0, 1.3]])
    x = torch.as_tensor((caller - space.mean) / space.scale)
    out = space.to_caller(x, np.empty((4, 3)))
    # floats: clipped to the observed [0.5, 3.5], not rounded
    np.testing.assert_allclose(out[:, 0], [0.5, 1.04, 2.96, 3.5])
    assert out[:, 1].tolist() == [2.0, 1.0, 0.0, 3.0]  # rounded, clipped to [0, 3]
    assert out[:, 2].tolist() == [1.0, 0.0, 1.0, 1.0]
    frame_out = space.as_caller(out)
    assert frame_out.dtypes.tolist() == frame.dtypes.tolist()
    assert frame_out["i"].tolist() == [2, 1, 0, 3]


def test_pandas_round_trip_keeps_int_and_bool_columns_valid(fast_params):
    rng = np.random.default_rng(0)
    n = 120
    y = np.repeat([0, 1], n // 2)
    frame = pd.DataFrame({"x": rng.normal(size=n) + y, "count": rng.integers(0, 10, n),
                          "flag": rng.random(n) < 0.55})
    aug = ActiveGANAugmenter(**{**fast_params, "n_iter": 100, "n_synthetic": 2.0},
                             random_state=0)
    X_res, y_res = aug.fit_resample(frame, pd.Series(y, name="target"))
    assert X_res.dtypes.tolist() == frame.dtypes.tolist()
    synthetic = X_res.iloc[n:]
    assert synthetic["count"].between(0, 9).all()
    assert 0 < synthetic["flag"].mean() < 1  # both values, as in the real data
    X_syn, y_syn = aug.sample(200)
    assert X_syn.dtypes.tolist() == frame.dtypes.tolist()
    # rounding, not truncation: no downward bias of half a unit
    assert abs(X_syn["count"].mean() - frame["count"].mean()) < 0.35
    assert isinstance(y_syn, pd.Series) and y_syn.name == "target"


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64])
def test_integer_arrays_come_back_in_their_dtype_and_the_datas_range(fast_params, dtype):
    X, y = load_digits(return_X_y=True)
    X, y = X[:300].astype(dtype), y[:300]  # pixels 0..16
    aug = ActiveGANAugmenter(**{**fast_params, "method": "paper"}, random_state=0).fit(X, y)
    X_syn, _ = aug.sample(30)
    assert X_syn.dtype == dtype
    assert X_syn.min() >= X.min() and X_syn.max() <= X.max()
    X_res, _ = aug.fit_resample(X, y)
    assert X_res.dtype == dtype
    np.testing.assert_array_equal(X_res[:300], X)


def test_duplicate_heavy_class_gets_a_spacing_from_distinct_rows(fast_params):
    rng = np.random.default_rng(0)
    distinct = rng.normal(size=(5, 3))
    class_0 = np.concatenate([np.repeat(distinct[:1], 25, axis=0), distinct[1:]])  # 29 rows
    X = np.concatenate([class_0, rng.normal(size=(30, 3)) + 4])
    y = np.repeat([0, 1], [29, 30])
    spacing = class_spacing(X, y, 2)
    assert spacing[0] > 0.1  # not the 0 that the duplicates' own distances give
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y)
    scores = aug.sample(40, return_scores=True)[2]
    assert (scores["nn_distance_ratio"] > 1e-3).mean() > 0.9  # not copies


def test_class_of_identical_rows_warns_and_takes_the_data_sets_spacing():
    X = np.concatenate([np.zeros((6, 2)), np.arange(12.0).reshape(6, 2)])
    labels = np.repeat([0, 1], 6)
    with pytest.warns(UserWarning, match="fewer than 2 distinct rows"):
        spacing = class_spacing(X, labels, 2)
    assert spacing[0] > 0 and spacing[1] > 0


@pytest.mark.parametrize("factor", [1e300, 1e-300])
def test_extreme_scales_are_refused_before_training(fast_params, factor):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="Rescale X"):
        ActiveGANAugmenter(**fast_params).fit(X * factor, y)


def test_large_but_representable_scales_work(fast_params):
    X, y = load_iris(return_X_y=True)
    mean, scale = robust_standardization(X * 1e100)
    np.testing.assert_allclose(scale, X.std(axis=0) * 1e100, rtol=1e-12)
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X * 1e100, y)
    X_syn, _ = aug.sample(5)
    assert np.isfinite(X_syn).all() and 1e99 < np.abs(X_syn).max() < 1e102


def test_diagnostics_of_rows_far_off_the_scale_raise(fast_params):
    X, y = load_iris(return_X_y=True)
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="too far"):
        aug.sample_diagnostics(X[:2] * 1e300, y[:2])


def _zero_inflated(n=120, seed=0):
    """A non-negative amount with half its rows exactly 0.0, a continuous column, and
    prices between 1 and 50."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    amount = np.where(rng.random(n) < 0.5, 0.0, rng.exponential(100.0, n) + 20 * y)
    price = np.round(rng.uniform(1, 50, n), 2)
    return np.column_stack([amount, rng.normal(size=n) + y, price]), y


@pytest.mark.parametrize("method", ["anchored", "paper"])
def test_float_columns_stay_within_their_observed_range(fast_params, method):
    X, y = _zero_inflated()
    aug = ActiveGANAugmenter(**fast_params, generator=method, random_state=0).fit(X, y)
    X_syn, _ = aug.sample(300)
    assert (X_syn >= X.min(axis=0)).all() and (X_syn <= X.max(axis=0)).all()
    assert len(np.unique(X_syn[:, 1])) > 250  # a continuous column varies freely


def test_dataframe_float_columns_stay_in_range(fast_params):
    import pandas as pd

    X, y = _zero_inflated()
    frame = pd.DataFrame(X, columns=["amount", "score", "price"]).astype({"price": "float32"})
    X_res, _ = ActiveGANAugmenter(**fast_params, random_state=0).fit_resample(frame, y)
    assert X_res.dtypes.tolist() == frame.dtypes.tolist()
    assert (X_res.min() >= frame.min()).all() and (X_res.max() <= frame.max()).all()


def _strings_in_object_array(n=90, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], n // 3)
    X = np.empty((n, 3), dtype=object)
    X[:, 0] = rng.normal(size=n) + y
    X[:, 1] = rng.choice(["red", "green", "blue"], n)
    X[:, 2] = rng.choice([10, 20], n)
    return X, y


def test_object_arrays_come_back_as_object_arrays_with_their_categories(fast_params):
    X, y = _strings_in_object_array()
    X_before = X.copy()
    aug = ActiveGANAugmenter(**fast_params, categorical_features=[1, 2], random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert X_res.dtype == object and X_res.shape == (len(X) + len(X) // 2, 3)
    assert (X_res[:len(X)] == X).all()  # the real rows exactly as given
    synthetic = X_res[len(X):]
    assert set(synthetic[:, 1].tolist()) <= {"red", "green", "blue"}
    assert set(synthetic[:, 2].tolist()) <= {10, 20}
    assert all(isinstance(v, float) for v in synthetic[:, 0].tolist())
    X_syn, _ = aug.sample(5)
    assert X_syn.dtype == object and set(X_syn[:, 1].tolist()) <= {"red", "green", "blue"}
    assert (X == X_before).all()  # the caller's array is untouched


@pytest.mark.parametrize("n_classes", [2, 3])
def test_one_hot_labels_come_back_one_hot_from_every_entry_point(blobs, fast_params,
                                                                  n_classes):
    X, y = blobs
    keep = y < n_classes
    X, y = X[keep], y[keep]
    Y = np.eye(n_classes, dtype=np.int64)[y]
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    _, Y_res = aug.fit_resample(X, Y)
    assert Y_res.shape == (int(1.5 * len(X)), n_classes) and Y_res.dtype == Y.dtype
    np.testing.assert_array_equal(Y_res[:len(X)], Y)
    _, Y_syn = aug.sample(3)
    assert Y_syn.shape == (3 * n_classes, n_classes) and Y_syn.dtype == Y.dtype
    np.testing.assert_array_equal(Y_syn.sum(axis=1), 1)
    np.testing.assert_array_equal(Y_syn.argmax(axis=1), np.repeat(np.arange(n_classes), 3))


def test_one_hot_label_frames_come_back_as_frames(blobs, fast_params):
    X, y = blobs
    Y = pd.get_dummies(pd.Series(np.array(["a", "b", "c"])[y]))
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    _, Y_res = aug.fit_resample(X, Y)
    assert isinstance(Y_res, pd.DataFrame) and Y_res.columns.tolist() == ["a", "b", "c"]
    pd.testing.assert_frame_equal(Y_res.iloc[:len(X)], Y)
    _, Y_syn = aug.sample(2)
    assert isinstance(Y_syn, pd.DataFrame) and Y_syn.columns.tolist() == ["a", "b", "c"]
    assert Y_syn.to_numpy().argmax(axis=1).tolist() == [0, 0, 1, 1, 2, 2]


def test_tables_and_images_are_siblings_that_say_what_they_are():
    """Both kinds meet one interface; an image space holds none of the tabular
    machinery (categorical blocks, per-column standardization) it would refuse."""
    from sk_activegan.spaces import DataSpace, ImageSpace

    image = ImageSpace((1, 2, 2))
    assert isinstance(image, DataSpace) and isinstance(TabularSpace(), DataSpace)
    assert not isinstance(image, TabularSpace) and not isinstance(TabularSpace(), ImageSpace)
    assert (TabularSpace().kind, image.kind) == ("table", "image")
    assert not hasattr(image, "generator_layout") and not hasattr(image, "categorical")
    X = np.array([[0, 4, 8, 16], [16, 8, 4, 0], [1, 2, 3, 4], [4, 3, 2, 1]], dtype=np.uint8)
    image.fit(X, X.astype(np.float64), np.array([0, 1, 0, 1]), 2)
    assert image.n_model == 4 and image.real.min() == -1.0 and image.real.max() == 1.0
    out = np.empty((4, 4), dtype=np.uint8)
    np.testing.assert_array_equal(image.to_caller(torch.as_tensor(image.real), out), X)
