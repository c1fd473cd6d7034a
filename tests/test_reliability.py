"""Reliability promises (issue 28): the caller's rows come back exactly, a failed
or interrupted call changes nothing, sizes and ``sample``'s arguments are checked
before any work, and image sizes the warp generator cannot read are refused."""

import copy
import itertools

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from sk_activegan import (ActiveGANAugmenter, ActiveGANOverSampler, AugmentedClassifier,
                          AugmentedClassifierCV)
from sk_activegan import _fitting, _memory
from sk_activegan._model import FittedActiveGAN

BIG = 2**60  # beyond 2**53: float64 cannot hold every integer here


def _augmenter(fast_params, **params):
    return ActiveGANAugmenter(**{**fast_params, "n_iter": 4, **params}, random_state=0)


@pytest.fixture
def ids():
    """Integer features beyond 2**53 (IDs, nanosecond timestamps) in two classes."""
    rng = np.random.default_rng(0)
    X = np.c_[BIG + rng.integers(0, 10**6, 40) * 7 + 1, rng.integers(0, 100, 40)]
    return X.astype(np.int64), np.repeat([0, 1], 20)


@pytest.fixture
def no_training(monkeypatch):
    monkeypatch.setattr(_fitting, "train_model", lambda *a, **k: pytest.fail("training started"))


# ---------------------------------------------------------------- 1. rows exact

@pytest.mark.parametrize("form", ["int64", "uint64", "list", "frame", "object"])
def test_fit_resample_gives_back_the_callers_rows_exactly(ids, fast_params, form):
    X, y = ids
    given = {"int64": X, "uint64": X.astype(np.uint64), "list": X.tolist(),
             "frame": pd.DataFrame(X, columns=["id", "n"]), "object": X.astype(object)}[form]
    X_res, y_res = _augmenter(fast_params).fit_resample(given, y)
    real = (X_res.iloc[:40].to_numpy() if form == "frame" else np.asarray(X_res[:40]))
    assert [list(map(int, row)) for row in real.tolist()] == X.tolist()
    if form in ("int64", "uint64"):
        assert X_res.dtype == given.dtype
    assert np.array_equal(y_res[:40], y)


def test_float_rows_come_back_bit_for_bit(fast_params):
    X, y = load_iris(return_X_y=True)
    X32 = (X + 1e-7).astype(np.float32)
    X_res, _ = _augmenter(fast_params).fit_resample(X32, y)
    assert X_res.dtype == np.float32 and np.array_equal(X_res[:150], X32)


def test_labels_beyond_2_53_come_back_exactly(ids, fast_params):
    X, y = ids
    labels = np.where(y == 0, BIG + 1, BIG + 3).astype(np.int64)
    aug = _augmenter(fast_params)
    _, y_res = aug.fit_resample(X, labels)
    assert y_res.dtype == np.int64 and np.array_equal(y_res[:40], labels)
    assert set(y_res.tolist()) == {BIG + 1, BIG + 3}
    assert set(aug.sample(2)[1].tolist()) == {BIG + 1, BIG + 3}


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_integer_samples_never_wrap_around_at_the_dtype_limit(fast_params, dtype):
    rng = np.random.default_rng(1)
    top = np.iinfo(dtype).max
    # half the rows at the maximum itself, which float64 rounds up to 2**63 (2**64)
    X = np.c_[top - rng.choice([0, 10**5], 40).astype(dtype), rng.integers(0, 9, 40)]
    X = X.astype(dtype)
    X_syn, _ = _augmenter(fast_params).fit(X, np.repeat([0, 1], 20)).sample(30)
    assert X_syn.dtype == dtype
    assert (X_syn[:, 0] >= X[:, 0].min()).all() and (X_syn[:, 0] <= X[:, 0].max()).all()


def test_categorical_ids_beyond_2_53_stay_distinct(fast_params):
    rng = np.random.default_rng(2)
    X = np.c_[BIG + 1 + (rng.random(40) < 0.5), rng.integers(0, 100, 40)].astype(np.int64)
    X_res, _ = _augmenter(fast_params, categorical_features=[0]).fit_resample(
        X, np.repeat([0, 1], 20))
    assert np.array_equal(X_res[:40], X)
    assert set(X_res[40:, 0].tolist()) <= {BIG + 1, BIG + 2}  # categories seen in fit


class _Recorder(ClassifierMixin, BaseEstimator):
    """Remembers the rows it is fitted on."""

    def fit(self, X, y):
        self.X_fit_ = X
        self.model_ = LogisticRegression().fit(np.asarray(X, dtype=np.float64) - BIG, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(np.asarray(X, dtype=np.float64) - BIG)


@pytest.mark.parametrize("meta", ["plain", "cv"])
def test_augmented_classifiers_fit_the_callers_rows_exactly(ids, fast_params, meta):
    X, y = ids
    augmenter = _augmenter(fast_params, n_synthetic=0.5)
    clf = (AugmentedClassifier(augmenter, _Recorder()) if meta == "plain" else
           AugmentedClassifierCV(augmenter, _Recorder(), shares=(0.5,), cv=2))
    fitted = np.asarray(clf.fit(X.tolist(), y).estimator_.X_fit_)
    assert fitted.dtype == np.int64 and np.array_equal(fitted[:40], X)


# ------------------------------------------------------------ 2. atomic calls

def _fitted_state(estimator):
    return {k: v for k, v in vars(estimator).items() if k.endswith("_") or k == "_model"}


@pytest.mark.parametrize("error", [MemoryError, KeyboardInterrupt])
@pytest.mark.parametrize("front_door", [ActiveGANAugmenter, ActiveGANOverSampler])
def test_fit_resample_failing_after_training_keeps_the_previous_model(
        fast_params, monkeypatch, error, front_door):
    X, y = load_iris(return_X_y=True)
    X, y = X[:130], y[:130]  # imbalanced, for the over-sampler
    aug = front_door(**fast_params, random_state=0)
    aug.fit_resample(X, y)
    before = _fitted_state(aug)
    expected = copy.deepcopy(aug).sample(3)[0]

    def fail(*args, **kwargs):
        raise error("while sampling")

    monkeypatch.setattr(FittedActiveGAN, "generate", fail)
    with pytest.raises(error):
        aug.set_params(n_iter=7).fit_resample(X[:, :3], y)
    monkeypatch.undo()
    after = _fitted_state(aug)
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before)  # nothing replaced
    assert aug.n_iter_ == 40 and aug.n_features_in_ == 4
    np.testing.assert_array_equal(aug.sample(3)[0], expected)


@pytest.mark.parametrize("error", [MemoryError, KeyboardInterrupt])
def test_a_failed_sample_call_leaves_the_random_stream_where_it_was(
        fast_params, monkeypatch, error):
    X, y = load_iris(return_X_y=True)
    aug = _augmenter(fast_params).fit(X, y)
    expected = copy.deepcopy(aug).sample(5)[0]
    space = aug._model.space

    def fail(X_new):
        raise error("after drawing")

    monkeypatch.setattr(space, "as_caller", fail)
    with pytest.raises(error):
        aug.sample(5)
    monkeypatch.undo()
    np.testing.assert_array_equal(aug.sample(5)[0], expected)


class _FailingEstimator(ClassifierMixin, BaseEstimator):
    def __init__(self, fail=False):
        self.fail = fail

    def fit(self, X, y):
        if self.fail:
            raise KeyboardInterrupt
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize("meta", ["plain", "cv"])
def test_augmented_classifiers_keep_their_fit_when_a_refit_fails(fast_params, meta):
    X, y = load_iris(return_X_y=True)
    augmenter = _augmenter(fast_params, n_synthetic=0.2)
    clf = (AugmentedClassifier(augmenter, _FailingEstimator()) if meta == "plain" else
           AugmentedClassifierCV(augmenter, _FailingEstimator(), shares=(0.2,), cv=2))
    clf.fit(pd.DataFrame(X, columns=list("abcd")), y)
    before = _fitted_state(clf)
    with pytest.raises(KeyboardInterrupt):  # the final fit is the last step
        clf.set_params(estimator=_FailingEstimator(fail=True)).fit(X[:, :3], y)
    after = _fitted_state(clf)
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)
    assert clf.n_features_in_ == 4 and clf.feature_names_in_.tolist() == list("abcd")


# ------------------------------------------------------- 3. sizes before work

def test_an_absurd_n_synthetic_is_refused_before_training(fast_params, no_training):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=r"n_synthetic: .* rows x 4 values x 8 bytes = .*TiB"):
        _augmenter(fast_params, n_synthetic=10**12).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"n_candidates: .*more than"):
        _augmenter(fast_params, n_candidates=10**15).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"sampling_strategy: .*TiB"):
        ActiveGANOverSampler(**fast_params, sampling_strategy={0: 10**12}).fit_resample(X, y)


@pytest.mark.parametrize("name, value", [("generator__buffer_size", 10**13),
                                         ("generator__batch_size", 10**13),
                                         ("n_iter", 10**14),
                                         ("generator__hidden_layer_sizes", (10**7, 10**7)),
                                         ("generator__policy_hidden_layer_sizes",
                                          (10**7, 10**7))])
def test_training_arrays_too_large_are_refused_before_training(fast_params, no_training, name,
                                                                value):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=rf"{name}: .*bytes = .*more than"):
        _augmenter(fast_params, **{name: value}).fit(X, y)


def test_the_size_rule_is_the_available_memory(fast_params, no_training, monkeypatch):
    X, y = load_iris(return_X_y=True)
    monkeypatch.setattr(_memory, "available_memory", lambda: 150 * 4 * 8 + 75 * 4 * 8 - 1)
    with pytest.raises(ValueError, match=r"225 rows x 4 values x 8 bytes = 7,200 bytes"):
        _augmenter(fast_params).fit_resample(X, y)  # "auto" adds 50 %: 75 rows


def test_an_absurd_sample_size_is_refused_before_drawing(fast_params):
    X, y = load_iris(return_X_y=True)
    aug = _augmenter(fast_params).fit(X, y)
    expected = copy.deepcopy(aug).sample(2)[0]
    with pytest.raises(ValueError, match=r"n_per_class: .*3,000,000,000,000 rows x 4 values"):
        aug.sample(10**12)
    with pytest.raises(ValueError, match=r"n_candidates: .*more than"):
        aug.sample(1, n_candidates=10**15)
    np.testing.assert_array_equal(aug.sample(2)[0], expected)  # nothing was drawn


def test_an_absurd_budget_in_cv_is_refused_before_training(fast_params, no_training):
    X, y = load_iris(return_X_y=True)
    clf = AugmentedClassifierCV(_augmenter(fast_params), shares=(0.0, 1e12))
    with pytest.raises(ValueError, match=r"shares: .*more than"):
        clf.fit(X, y)


# ------------------------------------------------- 4. sample's keyword arguments

@pytest.mark.parametrize("kwargs, name", [
    ({"margin_filter": "yes"}, "margin_filter"), ({"margin_filter": [0.1]}, "margin_filter"),
    ({"margin_filter": True}, "margin_filter"), ({"margin_filter": 1.5}, "margin_filter"),
    ({"margin_filter": float("nan")}, "margin_filter"),
    ({"n_candidates": True}, "n_candidates"), ({"n_candidates": 2.0}, "n_candidates"),
    ({"n_candidates": 0}, "n_candidates"), ({"return_scores": "yes"}, "return_scores"),
    ({"return_scores": 1}, "return_scores"), ({"n_per_class": "3"}, "n_per_class"),
    ({"n_per_class": True}, "n_per_class"), ({"n_per_class": -1}, "n_per_class"),
])
def test_sample_refuses_bad_arguments_naming_them(fast_params, kwargs, name):
    X, y = load_iris(return_X_y=True)
    aug = _augmenter(fast_params).fit(X, y)
    kwargs = {"n_per_class": 2, **kwargs}
    with pytest.raises(ValueError, match=rf"'{name}' parameter of ActiveGANAugmenter.sample"):
        aug.sample(**kwargs)


def test_sample_takes_good_arguments(fast_params):
    X, y = load_iris(return_X_y=True)
    aug = _augmenter(fast_params).fit(X, y)
    X_syn, y_syn, scores = aug.sample({0: 2}, margin_filter=1, n_candidates=np.int64(2),
                                      return_scores=np.True_)
    assert X_syn.shape == (2, 4) and len(scores["margin"]) == 2


@pytest.mark.parametrize("name, owner", [("margin_filter", "ActiveGANAugmenter"),
                                         ("n_iter", "ActiveGANAugmenter"),
                                         ("generator__latent_dim", "AnchoredGenerator")])
def test_the_constructor_refuses_bools_for_numbers(fast_params, no_training, name, owner):
    X, y = load_iris(return_X_y=True)
    setting = name.removeprefix("generator__")
    with pytest.raises(ValueError, match=rf"'{setting}' parameter of {owner}"):
        _augmenter(fast_params, **{name: True}).fit(X, y)


# ------------------------------------------------------------ 5. image sizes

@pytest.mark.parametrize("shape", [(1, 64), (64, 1), (2, 32), (3, 3), (1, 3, 3)])
def test_images_the_warp_generator_cannot_read_are_refused_before_training(
        fast_params, no_training, monkeypatch, shape):
    monkeypatch.setattr(_fitting, "fit_default_reward_model",
                        lambda *a, **k: pytest.fail("the reward model was fitted"))
    n = int(np.prod(shape))
    X = np.random.default_rng(0).random((20, n))
    aug = ActiveGANAugmenter(image_shape=shape, generator__hidden_layer_sizes=(4, 8, 16),
                             generator__batch_size=8, n_iter=2, device="cpu")
    with pytest.raises(ValueError, match=r"image_shape=.*at least 4x4 pixels.*generator='paper'"):
        aug.fit(X, np.repeat([0, 1], 10))


def test_the_free_generator_takes_one_pixel_high_images(fast_params):
    X = np.random.default_rng(0).random((20, 16))
    aug = ActiveGANAugmenter(image_shape=(1, 16), generator="paper",
                             generator__hidden_layer_sizes=(4, 8, 16),
                             generator__batch_size=8, n_iter=2, device="cpu", random_state=0,
                             reward_param_grid={"C": [1.0], "gamma": ["scale"]})
    assert aug.fit(X, np.repeat([0, 1], 10)).sample(2)[0].shape == (4, 16)


@pytest.mark.parametrize("widths", [(4, 16), (4, 8, 16), (4, 8, 8, 16)])
def test_the_image_size_rule_is_the_warp_generators_own(widths):
    """The rule refuses exactly the sizes the warp generator fails on."""
    from sk_activegan._networks.conv import WarpNet
    from sk_activegan.generators import check_warp_image_size

    for h, w in itertools.product(range(1, 10), repeat=2):
        try:
            check_warp_image_size((1, h, w), widths)
            accepted = True
        except ValueError:
            accepted = False
        generator = WarpNet(5, 2, (1, h, w), widths, 0.5)
        try:
            generator(torch.randn(3, 5), torch.tensor([0, 1, 0]), torch.randn(3, h * w))
            works = True
        except RuntimeError:
            works = False
        assert accepted == works, (h, w)


def test_a_family_written_the_scikit_learn_way_checks_through_its_base():
    """A third-party family with its own ``__init__`` and no
    ``_parameter_constraints`` (scikit-learn does not make estimators declare
    them) calls ``super().check()``: that validates nothing and raises nothing."""
    from sk_activegan import GeneratorFamily

    class Plain(GeneratorFamily):
        def __init__(self, scale=0.1):
            self.scale = scale

        def check(self, space, *, n_features, categorical=()):
            super().check(space, n_features=n_features, categorical=categorical)
            if self.scale < 0:
                raise ValueError("generator__scale must be >= 0")

    Plain().check(object(), n_features=3)
    with pytest.raises(ValueError, match="generator__scale"):
        Plain(scale=-1.0).check(object(), n_features=3)
