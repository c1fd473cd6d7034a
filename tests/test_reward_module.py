"""The training loop's subsampled reward: unbiased, bounded cost, its own stream;
and ``reward_batch_size`` resolved before training."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn

from sk_activegan import ActiveGANAugmenter
from sk_activegan._config import CPU_REWARD_BATCH_SIZE, resolve_config
from sk_activegan._reward import SubsampledReward
from sk_activegan._validation import check_training_data


class CountingReward(nn.Module):
    """A reward of ``x[:, 0]`` that counts the rows it scores."""

    def __init__(self):
        super().__init__()
        self.rows = 0

    def forward(self, x):
        self.rows += len(x)
        return x[:, 0].clone()


def test_scores_n_rows_and_the_mean_is_unbiased():
    base = CountingReward()
    reward = SubsampledReward(base, 8, torch.Generator().manual_seed(0))
    x = torch.rand(64, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    draws = torch.stack([reward(x) for _ in range(4000)])
    assert draws.shape == (4000, 64) and draws.dtype == torch.float64
    assert base.rows == 8 * 4000
    assert ((draws != 0).sum(dim=1) == 8).all()  # x > 0: every scored row is non-zero
    scored = draws != 0  # a scored row carries r * n / n_rows
    torch.testing.assert_close(draws[scored], (x[:, 0] * 8).expand(4000, 64)[scored])
    # the batch mean of the weights estimates the full batch's mean reward
    estimate = draws.mean(dim=1)
    assert abs(estimate.mean() - x[:, 0].mean()) < 4 * estimate.std() / np.sqrt(4000)
    # every row is drawn about equally often
    share = scored.double().mean(dim=0)
    assert share.min() > 0.1 and share.max() < 0.15


def test_small_batches_are_scored_whole_and_the_stream_repeats():
    base = CountingReward()
    x = torch.rand(5, 2)
    torch.testing.assert_close(SubsampledReward(base, 8, torch.Generator())(x), x[:, 0])
    x = torch.rand(64, 2)
    first = SubsampledReward(base, 4, torch.Generator().manual_seed(3))
    second = SubsampledReward(base, 4, torch.Generator().manual_seed(3))
    torch.testing.assert_close(first(x), second(x))
    with pytest.raises(ValueError, match="at least 1"):
        SubsampledReward(base, 0, torch.Generator())


def _resolved(**params):
    estimator = ActiveGANAugmenter(image_shape=(8, 8), device="cpu", **params)
    params = estimator.get_params(deep=False)
    images = np.random.default_rng(0).integers(0, 17, size=(30, 64)).astype(np.float64)
    data = check_training_data(params, images, np.repeat([0, 1], 15), "ActiveGANAugmenter")
    defaults = {p.name: p.default for p in estimator._declared_parameters}
    return resolve_config(params, data, name="ActiveGANAugmenter",
                          defaults=defaults).reward_batch_size


def test_auto_subsamples_only_for_an_extractor_on_the_cpu():
    class Features(nn.Module):
        def forward(self, x):
            return x.flatten(1)

    assert _resolved() is None  # raw pixels: the full batch
    assert _resolved(feature_extractor=Features()) == CPU_REWARD_BATCH_SIZE == 8
    assert _resolved(feature_extractor=Features(), reward_batch_size=None) is None
    assert _resolved(reward_batch_size=16) == 16


def test_a_fit_with_a_subsampled_reward_trains_and_logs():
    X, y = load_digits(return_X_y=True)
    X, y = X[y < 3][:90], y[y < 3][:90]
    aug = ActiveGANAugmenter(image_shape=(8, 8), n_iter=60, warm_up=20, reward_batch_size=4,
                             generator__hidden_layer_sizes=(4, 8, 16), generator__latent_dim=4,
                             generator__batch_size=16,
                             reward_param_grid={"C": [10.0], "gamma": ["scale"]},
                             generator="paper", device="cpu", random_state=0).fit(X, y)
    reward = aug.history_["mean_reward"]
    assert np.isfinite(reward[20:]).all() and np.isnan(reward[:20]).sum() >= 18
    assert np.isfinite(aug.history_["uncertainty_loss"][20:]).all()
    assert np.isfinite(aug.history_["conditioned_share"][-1])
