"""The augmentation-policy family (``generator="augment"``): its ops, its untrained
draw, its policy gradient (eq. 12) and its reach through λ, ε and α."""

import math

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from sk_activegan import ActiveGANAugmenter, AugmentPolicy
from sk_activegan._networks.augment import (COLOUR_OPS, GREY_OPS, LATENT_DIM, N_MAGNITUDES, OPS,
                                            AugmentPolicyNet, apply_ops)
from sk_activegan._policy_training import policy_gradient_loss


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, [0, 1, 7])
    return X[keep][:90], y[keep][:90]


def _net(names=GREY_OPS, shape=(1, 8, 8), n_classes=3, seed=0):
    torch.manual_seed(seed)
    net = AugmentPolicyNet(names, n_classes, shape, (4, 8, 16))
    return net


def test_untrained_policy_is_uniform_over_ops_and_bins():
    net = _net()
    torch.manual_seed(1)
    n = 6000
    z = torch.randn(n, LATENT_DIM)
    anchor = torch.rand(n, 64) * 2 - 1
    y = torch.randint(3, (n,))
    with torch.no_grad():
        _, op, magnitude_bin, log_prob, entropy = net.act(z, y, anchor)
    k = len(GREY_OPS)
    np.testing.assert_allclose(log_prob.numpy(), -math.log(k * N_MAGNITUDES), atol=1e-5)
    np.testing.assert_allclose(entropy.numpy(), math.log(k * N_MAGNITUDES), atol=1e-5)
    counts = np.bincount(op.numpy(), minlength=k)
    expected = n / k
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 40, counts  # k - 1 = 6 degrees of freedom: p < 1e-6 beyond 40
    bins = np.bincount(magnitude_bin.numpy(), minlength=N_MAGNITUDES)
    assert bins.min() > 0.8 * n / N_MAGNITUDES


def test_policy_gradient_is_eq_12_with_a_baseline():
    """d loss / d logits equals -mean((R - mean R) (onehot(a) - pi)) per head."""
    net = _net()
    with torch.no_grad():
        net.head.weight.normal_(0, 0.1)
        net.head.bias.normal_(0, 0.5)
    torch.manual_seed(2)
    n = 32
    z, y = torch.randn(n, LATENT_DIM), torch.randint(3, (n,))
    anchor = torch.rand(n, 64) * 2 - 1
    _, op, magnitude_bin, log_prob, entropy = net.act(z, y, anchor)
    reward = torch.randn(n)
    loss = policy_gradient_loss(log_prob, entropy, reward, entropy_weight=0.0)
    loss.backward()
    with torch.no_grad():
        log_op, log_bin = net.log_policy(y, anchor)
        advantage = reward - reward.mean()
        k = len(GREY_OPS)
        d_op = torch.nn.functional.one_hot(op, k).float() - log_op.exp()
        expected_op = -(advantage[:, None] * d_op).mean(0)
        rows = torch.arange(n)
        d_bin = torch.zeros(n, k, N_MAGNITUDES)
        d_bin[rows, op] = (torch.nn.functional.one_hot(magnitude_bin, N_MAGNITUDES).float()
                           - log_bin[rows, op].exp())
        expected_bin = -(advantage[:, None, None] * d_bin).mean(0).reshape(-1)
    np.testing.assert_allclose(net.head.bias.grad[:k].numpy(), expected_op.numpy(), atol=1e-6)
    np.testing.assert_allclose(net.head.bias.grad[k:].numpy(), expected_bin.numpy(), atol=1e-6)


def test_entropy_bonus_pushes_towards_uniform():
    net = _net()
    with torch.no_grad():
        net.head.bias.normal_(0, 1.0)
    z, y = torch.randn(16, LATENT_DIM), torch.randint(3, (16,))
    anchor = torch.rand(16, 64) * 2 - 1
    _, _, _, log_prob, entropy = net.act(z, y, anchor)
    loss = policy_gradient_loss(log_prob, entropy, torch.zeros(16), entropy_weight=1.0)
    loss.backward()
    bias = net.head.bias.detach().clone()
    with torch.no_grad():
        net.head.bias -= 0.1 * net.head.bias.grad
        _, _, _, _, after = net.act(z, y, anchor)
    assert after.mean() > entropy.mean().detach()
    assert not torch.equal(bias, net.head.bias)


def _ops(names, op, magnitude_bin, sign, image):
    n = len(image)
    index = torch.full((n,), names.index(op))
    return apply_ops(image, names, index, torch.full((n,), magnitude_bin),
                     torch.full((n,), float(sign)), torch.zeros(n, 2, 3, 3))


def test_ops_do_what_they_say():
    names = tuple(OPS)
    image = torch.full((1, 1, 8, 8), -1.0)
    image[0, 0, 3, 3] = 1.0
    # the largest translation: 0.1 of 8 pixels is 0.8 pixels, bilinear
    moved = _ops(names, "translate_x", N_MAGNITUDES - 1, 1, image)
    weights = (moved[0, 0] + 1).sum(0)  # ink per column
    centre = (weights * torch.arange(8.0)).sum() / weights.sum()
    assert abs(abs(float(centre) - 3) - 0.8) < 1e-4
    assert torch.equal((moved[0, 0] + 1).sum(1) > 0, (image[0, 0] + 1).sum(1) > 0)  # rows kept
    mirrored = _ops(names, "horizontal_flip", 0, 1, image)
    torch.testing.assert_close(mirrored, torch.flip(image, dims=[3]))
    brighter = _ops(names, "brightness", N_MAGNITUDES - 1, -1, image)
    assert brighter[0, 0, 3, 3] < 1.0  # factor 1 - 0.9: darker
    solarized = _ops(names, "solarize", N_MAGNITUDES - 1, 1, image)
    assert solarized[0, 0, 0, 0] == 1.0  # threshold 0: every pixel inverted
    for op in [op for op in names if op not in COLOUR_OPS]:  # range and shape kept
        out = _ops(names, op, 3, 1, image.expand(2, 1, 8, 8).clone())
        assert out.shape == (2, 1, 8, 8) and out.min() >= -1 - 1e-6 and out.max() <= 1 + 1e-6


def test_colour_ops_change_colour_only_on_colour_images():
    names = tuple(OPS)
    image = torch.rand(1, 3, 8, 8) * 2 - 1
    hue = _ops(names, "hue", N_MAGNITUDES - 1, 1, image)
    assert not torch.allclose(hue, image)


def test_a_grey_image_never_gets_a_colour_op(digits):
    X, y = digits
    aug = ActiveGANAugmenter(image_shape=(8, 8), generator="augment", n_iter=0,
                             random_state=0).fit(X, y)
    names = aug._model.modules.policy_net.names
    assert names == GREY_OPS and not set(COLOUR_OPS) & set(names)
    with pytest.raises(ValueError, match="generator__ops.*'hue'.*3 channels"):
        ActiveGANAugmenter(image_shape=(8, 8), generator=AugmentPolicy(ops=("rotate", "hue")),
                           n_iter=0).fit(X, y)
    with pytest.raises(ValueError, match="generator__ops: unknown op"):
        ActiveGANAugmenter(image_shape=(8, 8), generator__ops=("rotate", "warp"),
                           generator="augment", n_iter=0).fit(X, y)


def test_samples_are_real_images_under_one_op(digits):
    X, y = digits
    aug = ActiveGANAugmenter(image_shape=(8, 8), generator=AugmentPolicy(ops=("horizontal_flip",)),
                             n_iter=0, random_state=0).fit(X, y)
    X_syn, y_syn = aug.sample(5)
    mirrored = X.reshape(-1, 8, 8)[:, :, ::-1].reshape(len(X), -1)
    for row, label in zip(X_syn, y_syn):
        same = np.abs(mirrored[y == label] - row).max(axis=1)
        assert same.min() < 1e-4


def test_training_moves_the_policy_and_lambda_epsilon_alpha_act(digits):
    X, y = digits

    def fit(**params):
        return ActiveGANAugmenter(image_shape=(8, 8), generator="augment", n_iter=30,
                                  random_state=0, **params).fit(X, y)

    base = fit()
    untrained = ActiveGANAugmenter(image_shape=(8, 8), generator="augment", n_iter=0,
                                   random_state=0).fit(X, y)
    head = base._model.modules.policy_net.head
    assert head.weight.abs().sum() > 0  # trained away from the uniform draw
    assert np.isfinite(base.history_["policy_loss"]).all()
    samples = {key: aug.sample(6)[0] for key, aug in {
        "base": base, "untrained": untrained, "lambda0": fit(lambda_reward=0.0),
        "epsilon": fit(epsilon=0.9), "alpha": fit(alpha=0.0)}.items()}
    keys = list(samples)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            assert not np.allclose(samples[a], samples[b]), (a, b)
