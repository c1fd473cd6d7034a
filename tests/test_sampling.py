"""Sampling: chunked draws from the trained generator and the AC-GAN+F margin filter."""

import numpy as np
import pytest
import torch

from sk_activegan import ActiveGANAugmenter
from sk_activegan._reward.uncertainty import top_two_margin
from conftest import FAST


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

    monkeypatch.setattr(_sampling, "CHUNK_ROWS", 64)  # 20 rounds of a chunk: 1,280 rows
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
