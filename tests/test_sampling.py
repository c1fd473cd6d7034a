"""Sampling: chunked draws from the trained generator and the AC-GAN+F margin filter."""

import copy

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F

from sk_activegan import ActiveGANAugmenter
from sk_activegan._reward import features
from sk_activegan._reward.uncertainty import top_two_margin
from conftest import FAST, IMAGE_FAST


@pytest.fixture
def fitted(blobs, fast_params):
    return ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)


def test_margin_filter_keeps_only_uncertain_samples(fast_params):
    # two overlapping classes: the reward model is unsure between them, sure far out
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 40)
    X = rng.normal(size=(80, 3)) + np.where(y[:, None] == 0, -1.5, 1.5) * [1, 0, 0]
    aug = ActiveGANAugmenter(**{**fast_params, "lambda_reward": 0.0, "margin_filter": 0.3},
                             random_state=0).fit(X, y)
    X_syn, y_syn = aug.sample(20)
    assert X_syn.shape == (40, 3)
    margin = top_two_margin(torch.as_tensor(aug.reward_estimator_.predict_proba(X_syn)))
    assert (margin.numpy() <= 0.3 + 1e-9).all()
    unfiltered = aug.sample(200, margin_filter=None)[0]
    margin = top_two_margin(torch.as_tensor(aug.reward_estimator_.predict_proba(unfiltered)))
    assert (margin.numpy() > 0.3).any()  # the filter had something to remove
    # sample reads the fitted filter: a parameter changed after the fit does not apply
    refiltered = aug.set_params(margin_filter=None).sample(20)[0]
    margin = top_two_margin(torch.as_tensor(aug.reward_estimator_.predict_proba(refiltered)))
    assert (margin.numpy() <= 0.3 + 1e-9).all()


def test_margin_filter_fills_up_when_too_few_pass(blobs, fast_params):
    X, y = blobs
    X = X * 3.0  # far apart: nothing is uncertain
    aug = ActiveGANAugmenter(**{**fast_params, "lambda_reward": 0.0, "margin_filter": 0.0},
                             random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="lowest-margin"):
        X_syn, _ = aug.sample(5)
    assert X_syn.shape == (15, 5)


def test_margin_filter_beyond_twenty_chunks(fitted, monkeypatch):
    from sk_activegan import _sampling

    monkeypatch.setattr(_sampling, "chunk_rows", lambda n_values: 64)  # 20 rounds: 1,280 rows
    X_syn, y_syn = fitted.sample({0: 3000}, margin_filter=1.0)
    assert X_syn.shape == (3000, 5) and np.isfinite(X_syn).all() and (y_syn == 0).all()
    with pytest.warns(UserWarning, match="lowest-margin"):  # hardly any pass: filled up
        X_syn, _ = fitted.sample({1: 3000}, margin_filter=0.0)
    assert X_syn.shape == (3000, 5) and np.isfinite(X_syn).all()


def test_millions_of_rows_in_chunks(blobs):
    aug = ActiveGANAugmenter(**FAST, random_state=0).fit(*blobs)
    X_syn, y_syn = aug.sample({0: 1_000_000})
    assert X_syn.shape == (1_000_000, 5) and np.isfinite(X_syn).all()
    assert (y_syn == 0).all()


class BatchRecorder(nn.Module):
    """A stand-in feature extractor (4x4 mean pools of 8x8 images) that records the
    largest batch it is called with, and returns NaN for every third image when
    ``poisoned`` (class attributes: the augmenter keeps a copy of the module)."""

    largest = 0
    poisoned = False

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1))

    def forward(self, images):
        BatchRecorder.largest = max(BatchRecorder.largest, len(images))
        out = F.avg_pool2d(images, 4).flatten(1) * self.weight
        if BatchRecorder.poisoned:
            out[::3] = float("nan")
        return out


@pytest.fixture
def with_extractor():
    X, y = load_digits(return_X_y=True)
    keep = y < 3
    X, y = X[keep][:90], y[keep][:90]
    BatchRecorder.poisoned = False
    aug = ActiveGANAugmenter(image_shape=(8, 8), feature_extractor=BatchRecorder(),
                             **IMAGE_FAST).fit(X, y)
    BatchRecorder.largest = 0
    yield aug, X, y
    BatchRecorder.poisoned = False


def test_the_extractor_never_sees_more_than_a_fit_batch(with_extractor):
    aug, X, y = with_extractor
    aug.sample(100, n_candidates=8)  # 800 candidates per class
    assert 0 < BatchRecorder.largest <= features.FEATURE_BATCH
    BatchRecorder.largest = 0
    aug.sample(300, margin_filter=0.5)  # rounds of 1,200 candidates
    assert 0 < BatchRecorder.largest <= features.FEATURE_BATCH
    BatchRecorder.largest = 0
    X_many, y_many = np.repeat(X, 20, axis=0), np.repeat(y, 20)  # 1,800 rows
    aug.sample_diagnostics(X_many, y_many)
    assert 0 < BatchRecorder.largest <= features.FEATURE_BATCH


def test_batching_the_extractor_does_not_change_a_score(with_extractor, monkeypatch):
    aug, X, y = with_extractor
    whole = aug.sample_diagnostics(X, y)
    monkeypatch.setattr(features, "FEATURE_BATCH", 7)
    BatchRecorder.largest = 0
    batched = aug.sample_diagnostics(X, y)
    assert BatchRecorder.largest == 7
    for name, values in whole.items():
        np.testing.assert_allclose(batched[name], values, rtol=1e-6, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("kwargs", [{"n_candidates": 4}, {"margin_filter": 0.5},
                                    {"n_candidates": 1, "return_scores": True}])
def test_nan_features_at_sampling_name_the_extractor(with_extractor, kwargs):
    aug, X, y = with_extractor
    expected = copy.deepcopy(aug).sample(5, n_candidates=1)[0]
    BatchRecorder.poisoned = True
    with pytest.raises(ValueError, match=r"feature_extractor \(BatchRecorder\) returned NaN "
                                         r"or infinite features for \d+ of \d+ images"):
        aug.sample(5, **kwargs)
    with pytest.raises(ValueError, match=r"feature_extractor \(BatchRecorder\)"):
        aug.sample_diagnostics(X[:6], y[:6])
    BatchRecorder.poisoned = False
    np.testing.assert_array_equal(aug.sample(5, n_candidates=1)[0], expected)  # nothing drawn


def test_a_reward_model_out_of_its_domain_is_named_at_selection(fitted, monkeypatch):
    class NanProba(nn.Module):
        def forward(self, x):
            return torch.full((len(x), 3), float("nan"))

    monkeypatch.setattr(fitted._model.reward, "proba", NanProba())
    with pytest.raises(ValueError, match="NaN or infinite class probabilities for 12 of 12 "
                                         "generated candidates"):
        fitted.sample(3, n_candidates=4)
    with pytest.raises(ValueError, match="NaN or infinite class probabilities"):
        fitted.sample(3, margin_filter=0.5)


def test_wide_rows_go_through_the_networks_in_fewer_rows_per_pass():
    from sk_activegan._diagnostics import CHUNK_ROWS, CHUNK_VALUES, chunk_rows

    assert chunk_rows(5) == CHUNK_ROWS  # tables: unchanged
    assert chunk_rows(3 * 224 * 224) == CHUNK_VALUES // (3 * 224 * 224)
    assert chunk_rows(10**9) == 1
