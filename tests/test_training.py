import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from sk_activegan import ActiveGANAugmenter, TrainingDivergedError
from sk_activegan._training import SampleBuffer


def test_buffer_keeps_the_most_recent_samples():
    buffer = SampleBuffer(capacity=5, n_features=1, latent_dim=1, device="cpu")
    for start in (0, 3, 6):
        batch = torch.arange(start, start + 3, dtype=torch.float32).view(-1, 1)
        buffer.add(batch, -batch)
    assert buffer.size == 5
    assert sorted(buffer.x.view(-1).tolist()) == [4.0, 5.0, 6.0, 7.0, 8.0]
    x, z = buffer.draw(50)
    assert set(x.view(-1).tolist()) <= {4.0, 5.0, 6.0, 7.0, 8.0}
    torch.testing.assert_close(z, -x)


def test_buffer_capacity_smaller_than_a_batch():
    buffer = SampleBuffer(capacity=2, n_features=1, latent_dim=1, device="cpu")
    buffer.add(torch.arange(5.0).view(-1, 1), torch.zeros(5, 1))
    assert buffer.size == 2
    assert sorted(buffer.x.view(-1).tolist()) == [3.0, 4.0]


def test_history_follows_warm_up_and_schedule(blobs, fast_params):
    fast_params.update(n_iter=30, warm_up=10, generator__discriminator_interval=3)
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    history = aug.history_
    assert all(len(v) == 30 for v in history.values())
    assert aug.warm_up_iter_ == 10
    # uncertainty loss: off during the warm-up, on afterwards (Algorithm 1, step 4)
    assert np.isnan(history["uncertainty_loss"][:10]).all()
    assert np.isfinite(history["uncertainty_loss"][10:]).all()
    # the mean reward is recorded at every ActiveGAN iteration
    assert np.isfinite(history["mean_reward"][10:]).all()
    # D is updated once every 3 generator updates
    updated = np.isfinite(history["discriminator_loss"])
    assert updated.tolist() == [i % 3 == 0 for i in range(30)]
    assert np.isfinite(history["generator_loss"]).all()


def test_warm_up_share_is_clipped_and_reaches_the_active_phase(blobs, fast_params):
    fast_params.update(n_iter=4, warm_up=0.5)
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    assert aug.warm_up_iter_ == 2
    assert np.isfinite(aug.history_["uncertainty_loss"][2:]).all()
    fast_params.update(warm_up=100)
    assert ActiveGANAugmenter(**fast_params).fit(*blobs).warm_up_iter_ == 4


def _samples(blobs, fast_params, **params):
    aug = ActiveGANAugmenter(**{**fast_params, **params}, random_state=3).fit(*blobs)
    return aug.sample(5)[0]


def test_lambda_zero_is_plain_acgan(blobs, fast_params):
    """With lambda = 0 the reward model cannot influence the generator."""
    other = LogisticRegression()
    plain = _samples(blobs, fast_params, lambda_reward=0.0)
    np.testing.assert_array_equal(
        plain, _samples(blobs, fast_params, lambda_reward=0.0, reward_estimator=other)
    )
    active = _samples(blobs, fast_params, lambda_reward=0.5)
    assert not np.allclose(plain, active)
    assert not np.allclose(active, _samples(blobs, fast_params, lambda_reward=0.5,
                                            reward_estimator=other))


def test_full_warm_up_equals_plain_acgan(blobs, fast_params):
    np.testing.assert_array_equal(
        _samples(blobs, fast_params, lambda_reward=0.0),
        _samples(blobs, fast_params, lambda_reward=1.0, warm_up=fast_params["n_iter"]),
    )


def test_divergence_raises_a_clear_error(blobs, fast_params):
    fast_params.update(generator__learning_rate=1e12, n_iter=60)
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    with pytest.raises(TrainingDivergedError, match="diverged"):
        aug.fit(*blobs)
    assert not hasattr(aug, "modules_")


def test_sample_never_returns_non_finite_values(blobs, fast_params):
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    with torch.no_grad():
        aug.modules_.generator.out.bias[0] = float("nan")  # a corrupted model
    with pytest.raises(FloatingPointError, match="non-finite"):
        aug.sample(3)
