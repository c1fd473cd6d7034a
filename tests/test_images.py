"""Image mode: flat rows as images, convolutional networks, the warp generator,
a feature extractor in front of the reward model."""

import copy
import math
import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F

from sk_activegan import ActiveGANAugmenter, ActiveGANOverSampler
from sk_activegan._spaces import ImageSpace
from sk_activegan._networks.conv import ConvDiscriminator, WarpNet
from sk_activegan.generators import PaperGenerator, WarpGenerator

from conftest import IMAGE_FAST


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    keep = y < 3
    return X[keep][:90].astype(np.uint8), y[keep][:90]


class MeanPool(nn.Module):
    """A small feature extractor: a convolution, ReLU, a 2x2 average pool."""

    def __init__(self, channels=1):
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv2d(channels, 3, 3, padding=1)

    def forward(self, x):
        return nn.functional.adaptive_avg_pool2d(torch.relu(self.conv(x)), 2).flatten(1)


@pytest.mark.parametrize("method", ["warp", "paper"])
@pytest.mark.parametrize("shape", [(8, 8), (1, 8, 8)])
def test_uint8_images_in_uint8_images_out(digits, method, shape):
    X, y = digits
    aug = ActiveGANAugmenter(image_shape=shape, generator=method, **IMAGE_FAST).fit(X, y)
    X_syn, y_syn = aug.sample(5)
    assert X_syn.shape == (15, 64) and X_syn.dtype == np.uint8
    assert X_syn.min() >= X.min() and X_syn.max() <= X.max()
    assert sorted(set(y_syn.tolist())) == [0, 1, 2]
    assert isinstance(aug.modules_.discriminator, ConvDiscriminator)
    assert aug.modules_.anchored == (method == "warp")


def test_float_pixels_are_clipped_to_the_observed_range(digits):
    X, y = digits
    X = X / 16.0 * 0.8 + 0.1  # pixels in [0.1, 0.9]
    aug = ActiveGANAugmenter(image_shape=(8, 8), generator__anchor_radius=3.0, **IMAGE_FAST).fit(X, y)
    X_syn, _ = aug.sample(30)
    assert X_syn.dtype == np.float64
    assert X_syn.min() >= 0.1 - 1e-12 and X_syn.max() <= 0.9 + 1e-12
    assert np.isclose(X_syn.min(), 0.1) or np.isclose(X_syn.max(), 0.9)


def test_raw_pixel_reward_model_is_not_standardized(digits):
    X, y = digits
    aug = ActiveGANAugmenter(image_shape=(8, 8), **IMAGE_FAST).fit(X, y)
    assert [name for name, _ in aug.reward_estimator_.steps] == ["calibratedclassifiercv"]
    # the port on model-space images gives the host model's probabilities on pixels
    x = torch.as_tensor(aug._model.space.to_model(X[:7].astype(np.float64)))
    ported = aug._model.reward.proba(x).numpy()
    np.testing.assert_allclose(ported, aug.reward_estimator_.predict_proba(X[:7]), atol=1e-8)


@pytest.mark.parametrize("shape, widths", [((1, 28, 28), (64, 128, 1024)),
                                           ((3, 32, 32), (64, 128, 256, 1024)),
                                           ((1, 8, 8), (32, 64, 256)),
                                           ((1, 16, 16), (8, 16, 32)),
                                           ((2, 7, 13), (8, 16, 32))])
@pytest.mark.parametrize("anchored", [False, True])
def test_convolutional_networks_for_any_size(shape, widths, anchored):
    n_features = int(np.prod(shape))
    family = (WarpGenerator if anchored else PaperGenerator)(
        latent_dim=6, hidden_layer_sizes=widths, policy_hidden_layer_sizes=(8,), dropout=0.3)
    modules = family.build(ImageSpace(shape), 4, rng=torch.Generator().manual_seed(0))
    initial = copy.deepcopy(modules.state_dict())
    z, y = torch.randn(5, 6), torch.tensor([0, 1, 2, 3, 0])
    anchor = torch.rand(5, n_features) * 2 - 1
    x = modules.generate(z, y, anchor)
    assert x.shape == (5, n_features) and torch.isfinite(x).all()
    source, classes = modules.discriminator(x)
    assert source.shape == (5,) and classes.shape == (5, 4)
    # AC-GAN's losses take logits: the class head is not a softmax
    assert not torch.allclose(classes.softmax(1).sum(1), classes.sum(1))
    # initialisation comes from the generator handed in, not torch's global stream
    again = family.build(ImageSpace(shape), 4, rng=torch.Generator().manual_seed(0))
    for a, b in zip(initial.values(), again.state_dict().values()):
        assert torch.equal(a, b)


def test_paper_sized_networks_are_reachable():
    modules = PaperGenerator(latent_dim=62, hidden_layer_sizes=(64, 128, 1024),
                             policy_hidden_layer_sizes=(8,), dropout=0.0).build(
        ImageSpace((1, 28, 28)), 10, rng=torch.Generator().manual_seed(0))
    convs = [m for m in modules.discriminator.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [64, 128]
    assert modules.discriminator.body[1].out_features == 1024
    first = modules.generator.body[0]
    assert first.out_features == 1024 and modules.generator.start == (128, 7, 7)


def test_warp_generator_is_the_anchor_when_its_head_and_noise_are_zero():
    net = WarpGenerator(latent_dim=4, hidden_layer_sizes=(4, 8), policy_hidden_layer_sizes=(8,),
                        dropout=0.0).build(ImageSpace((1, 8, 8)), 3,
                                           rng=torch.Generator().manual_seed(0)).generator
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.zero_()
    anchor = torch.rand(6, 64) * 2 - 1
    out = net(torch.zeros(6, 4), torch.tensor([0, 1, 2, 0, 1, 2]), anchor)
    torch.testing.assert_close(out, anchor, atol=1e-5, rtol=0)
    # the noise alone drives a random transformation (classical augmentation at init)
    moved = net(torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2]), anchor)
    assert (moved - anchor).abs().max() > 0.1


def test_untrained_warp_generator_draws_the_random_similarity_warp():
    """The head starts at zero: each sample is the anchor under rotation, log-scale
    and shifts equal to tanh of the first four noise values times the bounds —
    what classical random augmentation draws; ``n_iter=0`` keeps that generator."""
    from sk_activegan._networks.conv import REFERENCE_SIDE, WARP_BOUNDS

    net = WarpGenerator(latent_dim=6, hidden_layer_sizes=(4, 8), policy_hidden_layer_sizes=(8,),
                        dropout=0.0).build(ImageSpace((1, 8, 8)), 3,
                                           rng=torch.Generator().manual_seed(0)).generator
    assert not net.head.weight.any() and not net.head.bias.any()
    z = torch.randn(5, 6, generator=torch.Generator().manual_seed(1))
    anchor = torch.rand(5, 64, generator=torch.Generator().manual_seed(2)) * 2 - 1
    p = torch.tanh(z[:, :4])  # the network sees z[:, 4:] only, and it has no say yet
    angle = p[:, 0] * math.radians(WARP_BOUNDS["rotation_degrees"] * 0.5)
    scale = torch.exp(p[:, 1] * WARP_BOUNDS["log_scale"] * 0.5)
    shift = p[:, 2:] * WARP_BOUNDS["shift_pixels"] * 0.5 * 2 / REFERENCE_SIDE
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, (5, 1, 8, 8), align_corners=False)
    expected = F.grid_sample(anchor.reshape(5, 1, 8, 8) + 1, grid, align_corners=False) - 1
    with torch.no_grad():
        out = net(z, torch.tensor([0, 1, 2, 0, 1]), anchor)
    torch.testing.assert_close(out, expected.reshape(5, 64), atol=1e-5, rtol=0)


def test_n_iter_zero_fits_no_generator_update(digits):
    X, y = digits
    aug = ActiveGANAugmenter(image_shape=(8, 8), **{**IMAGE_FAST, "n_iter": 0}).fit(X, y)
    assert aug.n_iter_ == 0
    assert all(len(v) == 0 for v in aug.history_.values())
    head = aug.modules_.generator.head
    assert not head.weight.any() and not head.bias.any()
    X_new, y_new = aug.sample(3)
    k = len(np.unique(y))
    assert X_new.shape == (3 * k, 64) and np.unique(y_new, return_counts=True)[1].tolist() == [3] * k
    # the warps move the real images (not copies), within the pixel range
    assert X_new.min() >= X.min() and X_new.max() <= X.max()
    real = {row.tobytes() for row in X.astype(X_new.dtype)}
    assert sum(row.tobytes() in real for row in X_new) < 5


def test_warp_generator_is_bounded():
    """At its bounds (radius 0.5): a shift of 1.5 px per 28 px of side per axis (0.86 px
    on 16x16), 12 degrees, 10 % scale. A bright square at the centre moves by at most
    the shift vector's length."""
    net = WarpNet(4, 2, (1, 16, 16), (4, 8), radius=0.5)
    with torch.no_grad():
        net.head.bias.fill_(50.0)  # every transformation at its bound
    image = -torch.ones(1, 16, 16)
    image[0, 7:9, 7:9] = 1.0  # a bright 2x2 square at the centre
    out = net(torch.randn(1, 4), torch.tensor([0]), image.reshape(1, -1)).reshape(16, 16)
    assert out.max() <= 1.0 + 1e-6 and out.min() >= -1.0 - 1e-6  # resampling adds no ink
    bright = torch.nonzero(out > 0.0)
    centre = bright.float().mean(0)
    moved = (centre - 7.5).norm()
    assert 0.5 < moved <= 1.5 * 16 / 28 * 2 ** 0.5 * 1.1 + 0.5
    # the noise the network does not see keeps samples of one anchor apart
    with torch.no_grad():
        net.head.bias.zero_()
    many = net(torch.randn(64, 4), torch.zeros(64, dtype=torch.long),
               image.reshape(1, -1).expand(64, -1))
    assert many.std(dim=0).max() > 0.2


def test_over_sampler_takes_images(digits):
    X, y = digits
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:8]])
    X_res, y_res = ActiveGANOverSampler(image_shape=(8, 8), **IMAGE_FAST).fit_resample(
        X[keep], y[keep])
    assert X_res.shape[1] == 64 and X_res.dtype == np.uint8
    assert np.bincount(y_res).tolist() == [int((y[keep] == 0).sum())] * 2


def test_feature_extractor_feeds_the_reward_model(digits):
    X, y = digits
    extractor = MeanPool()
    before = copy.deepcopy(extractor.state_dict())
    extractor.train()
    aug = ActiveGANAugmenter(image_shape=(8, 8), feature_extractor=extractor,
                             **IMAGE_FAST).fit(X, y)
    # the caller's module is untouched; the fitted copy is frozen, in eval mode
    assert extractor.training and all(p.requires_grad for p in extractor.parameters())
    for name, value in extractor.state_dict().items():
        assert torch.equal(value, before[name])
    assert aug.feature_extractor_ is not extractor and not aug.feature_extractor_.training
    assert aug.reward_estimator_.n_features_in_ == 12  # 3 channels x 2 x 2
    # the device-side reward equals the host model on the extractor's features
    images = torch.as_tensor(X[:9], dtype=torch.float32).reshape(9, 1, 8, 8)
    with torch.no_grad():
        features = extractor(images).double().numpy()
    x = torch.tensor(aug._model.space.to_model(X[:9].astype(np.float64)), requires_grad=True)
    proba = aug._model.reward.proba(x)
    np.testing.assert_allclose(proba.detach().numpy(),
                               aug.reward_estimator_.predict_proba(features), atol=1e-5)
    # the reward only weighs the policy gradient (eq. 12): no graph through the extractor
    assert not aug._model.reward(x).requires_grad
    # pickles keep the extractor: the loaded model samples what the original samples next
    loaded = pickle.loads(pickle.dumps(aug))
    np.testing.assert_array_equal(loaded.sample(3)[0], aug.sample(3)[0])


class ReturnsList(nn.Module):
    def forward(self, x):
        return [x.flatten(1)]


class WrongRows(nn.Module):
    def forward(self, x):
        return x.flatten(1)[:1]


class ReturnsNaN(nn.Module):
    def forward(self, x):
        return x.flatten(1) * float("nan")


@pytest.mark.parametrize("extractor, error, match", [
    (ReturnsList(), TypeError, "must return a torch.Tensor"),
    (WrongRows(), ValueError, "one feature vector per image"),
    (ReturnsNaN(), ValueError, "NaN or infinite features"),
])
def test_bad_feature_extractors_fail_before_training(digits, monkeypatch, extractor, error,
                                                     match):
    from sk_activegan import _fitting

    X, y = digits
    monkeypatch.setattr(_fitting, "fit_default_reward_model",
                        lambda *a, **k: pytest.fail("the reward model was fitted"))
    monkeypatch.setattr(_fitting, "train_model", lambda *a, **k: pytest.fail("training started"))
    with pytest.raises(error, match=match):
        ActiveGANAugmenter(image_shape=(8, 8), feature_extractor=extractor,
                           **IMAGE_FAST).fit(X, y)


def test_a_feature_extractor_must_be_a_module(digits):
    X, y = digits
    with pytest.raises(ValueError, match="feature_extractor"):
        ActiveGANAugmenter(image_shape=(8, 8), feature_extractor=lambda x: x,
                           **IMAGE_FAST).fit(X, y)


@pytest.mark.parametrize("params, match", [
    ({"image_shape": (8, 7)}, "holds 56 pixels but X has 64 features"),
    ({"image_shape": (2, 8, 8)}, "holds 128 pixels"),
    ({"image_shape": (8, 0)}, "positive integers"),
    ({"image_shape": (64,)}, r"\(H, W\) or \(C, H, W\)"),
    ({"image_shape": (8, 8), "categorical_features": [3]}, "cannot be combined"),
    ({"feature_extractor": MeanPool()}, "needs image_shape"),
    ({"image_shape": (8, 8), "generator__hidden_layer_sizes": (16,)}, "at least 2 values"),
    ({"image_shape": (8, 8), "generator__batch_size": 1}, "batch_size must be at least 2"),
])
def test_bad_image_settings_fail_before_the_reward_model(digits, monkeypatch, params, match):
    from sk_activegan import _fitting

    X, y = digits
    monkeypatch.setattr(_fitting, "fit_default_reward_model",
                        lambda *a, **k: pytest.fail("the reward model was fitted"))
    with pytest.raises(ValueError, match=match):
        ActiveGANAugmenter(**{**IMAGE_FAST, **params}).fit(X.astype(float), y)


def test_non_finite_pixels_are_refused(digits):
    X, y = digits
    X = X.astype(float)
    X[3, 10] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ActiveGANAugmenter(image_shape=(8, 8), **IMAGE_FAST).fit(X, y)


def test_a_failed_image_fit_keeps_the_previous_model(digits):
    X, y = digits
    aug = ActiveGANAugmenter(image_shape=(8, 8), **IMAGE_FAST).fit(X, y)
    modules = aug.modules_
    aug.set_params(image_shape=(4, 4))
    with pytest.raises(ValueError, match="holds 16 pixels"):
        aug.fit(X, y)
    assert aug.modules_ is modules and aug._model.space.shape == (1, 8, 8)
