"""FittedActiveGAN: the fitted model, its persistence and devices."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from sk_activegan import (ActiveGANAugmenter, ActiveGANOverSampler, AugmentedClassifier,
                          AugmentedClassifierCV, OverSampledClassifierCV)

from conftest import IMAGE_FAST


@pytest.fixture
def augmenter(fast_params):
    return ActiveGANAugmenter(**fast_params, random_state=0)


@pytest.mark.parametrize("dump, load", [
    (pickle.dumps, pickle.loads),
    (lambda obj: _joblib_bytes(obj), lambda data: _joblib_load(data)),
], ids=["pickle", "joblib"])
def test_persistence_continues_the_sample_stream(blobs, augmenter, dump, load):
    X, y = blobs
    augmenter.fit(X, y)
    restored = load(dump(augmenter))
    np.testing.assert_array_equal(restored.sample(5)[0], augmenter.sample(5)[0])
    np.testing.assert_array_equal(restored.sample({1: 3})[0], augmenter.sample({1: 3})[0])
    clf = AugmentedClassifier(augmenter, LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(load(dump(clf)).predict_proba(X), clf.predict_proba(X))


def test_pickled_state_is_on_the_cpu(blobs, augmenter):
    """A model fitted on CUDA loads where there is no GPU: pickles hold CPU tensors."""
    augmenter.fit(*blobs)
    state = augmenter._model.__getstate__()  # the fitted model pickles itself
    assert all(p.device.type == "cpu" for p in state["modules"].parameters())
    assert state["device"] == "cpu"
    assert "reward" not in state and "diagnostics" not in state  # rebuilt on load


def _restored_on(augmenter, device):
    """The augmenter as unpickled where its model's state says ``device``."""
    from sk_activegan._model import FittedActiveGAN

    restored = pickle.loads(pickle.dumps(augmenter))
    model = FittedActiveGAN.__new__(FittedActiveGAN)
    model.__setstate__({**restored._model.__getstate__(), "device": device})
    restored._model = model
    return restored


def test_cuda_device_falls_back_to_cpu_on_load(blobs, augmenter, monkeypatch):
    augmenter.fit(*blobs)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    restored = _restored_on(augmenter, "cuda:0")  # as pickled on a GPU machine
    assert restored.device_.type == "cpu"
    np.testing.assert_array_equal(restored.sample(4)[0], augmenter.sample(4)[0])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_fitted_on_cuda_samples_on_cpu(blobs, fast_params):
    aug = ActiveGANAugmenter(**{**fast_params, "device": "cuda"}, random_state=0).fit(*blobs)
    restored = _restored_on(aug, "cpu")
    X_gpu, X_cpu = aug.sample(4)[0], restored.sample(4)[0]
    np.testing.assert_allclose(X_gpu, X_cpu, rtol=1e-4, atol=1e-4)


def _joblib_bytes(obj):
    import io

    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def _joblib_load(data):
    import io

    return joblib.load(io.BytesIO(data))


def test_pickling_leaves_the_live_object_alone(blobs, augmenter):
    augmenter.fit(*blobs)
    modules, device, reward = augmenter.modules_, augmenter.device_, augmenter._model.reward
    pickle.dumps(augmenter)
    assert augmenter.modules_ is modules and augmenter.device_ is device
    assert augmenter._model.reward is reward


def test_pickle_round_trip_continues_the_stream(blobs, fast_params):
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    restored = pickle.loads(pickle.dumps(aug))
    np.testing.assert_array_equal(restored.sample(6)[0], aug.sample(6)[0])


class _WideConv(torch.nn.Module):
    """A stand-in extractor: one conv with a 4 MB weight over 8x8 images, 16 features."""

    def __init__(self, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.conv = torch.nn.Conv2d(1, 16384, kernel_size=8)
        self.gain = 1.0

    def forward(self, images):
        return self.gain * self.conv(images).reshape(len(images), 16, -1).mean(2)


def _weight_bytes(module):
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


@pytest.fixture
def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    keep = y < 3
    return X[keep][:60], y[keep][:60]


def _image_augmenter(extractor, estimator=ActiveGANAugmenter):
    return estimator(**{**IMAGE_FAST, "n_iter": 6}, image_shape=(1, 8, 8),
                     feature_extractor=extractor)


def _features(module, X):
    with torch.no_grad():
        return module(torch.as_tensor(X.reshape(-1, 1, 8, 8), dtype=torch.float32))


def test_pickle_stores_the_extractor_weights_once(digits):
    X, y = digits
    extractor = _WideConv()
    before = {k: v.clone() for k, v in extractor.state_dict().items()}
    aug = _image_augmenter(extractor).fit(X, y)
    # the caller's module is not changed by the fit, nor by pickling
    data = pickle.dumps(aug)
    assert extractor.training and all(p.requires_grad for p in extractor.parameters())
    assert all(torch.equal(before[k], v) for k, v in extractor.state_dict().items())
    assert aug.feature_extractor_ is not extractor
    assert len(data) < 1.3 * _weight_bytes(extractor)
    restored = pickle.loads(data)
    assert restored.feature_extractor_ is not restored.feature_extractor
    assert not restored.feature_extractor_.training
    assert not any(p.requires_grad for p in restored.feature_extractor_.parameters())
    np.testing.assert_array_equal(restored.sample(4)[0], aug.sample(4)[0])
    scores, expected = restored.sample_diagnostics(X, y), aug.sample_diagnostics(X, y)
    assert scores.keys() == expected.keys()
    for name in expected:
        np.testing.assert_array_equal(scores[name], expected[name])
    # a copy of the restored augmenter pickles as small again
    assert len(pickle.dumps(restored)) < 1.3 * _weight_bytes(extractor)


def test_pickle_after_set_params_keeps_the_fitted_extractor(digits):
    X, y = digits
    extractor = _WideConv(seed=0)
    aug = _image_augmenter(extractor).fit(X, y)
    other = _WideConv(seed=1)
    aug.set_params(feature_extractor=other)
    assert aug.get_params()["feature_extractor"] is other
    restored = pickle.loads(pickle.dumps(aug))
    assert type(restored.get_params()["feature_extractor"]) is _WideConv
    torch.testing.assert_close(_features(restored.feature_extractor_, X), _features(extractor, X),
                               rtol=0, atol=0)
    assert not torch.equal(_features(restored.feature_extractor, X), _features(extractor, X))
    np.testing.assert_array_equal(restored.sample(4)[0], aug.sample(4)[0])
    # the caller's module changed in place after the fit: the fitted copy is kept
    with torch.no_grad():
        other.conv.weight.mul_(2)
        extractor.conv.weight.mul_(2)
    aug.set_params(feature_extractor=extractor)
    restored = pickle.loads(pickle.dumps(aug))
    np.testing.assert_array_equal(restored.sample(4)[0], aug.sample(4)[0])
    torch.testing.assert_close(_features(restored.feature_extractor_, X),
                               _features(aug.feature_extractor_, X), rtol=0, atol=0)
    # a setting of the caller's module changed in place after the fit: likewise
    extractor = _WideConv(seed=0)
    aug = _image_augmenter(extractor).fit(X, y)
    extractor.gain = 3.0
    restored = pickle.loads(pickle.dumps(aug))
    assert restored.feature_extractor_.gain == 1.0
    np.testing.assert_array_equal(restored.sample(4)[0], aug.sample(4)[0])
    # clone gives the parameter, unfitted
    from sklearn.base import clone

    assert type(clone(aug).feature_extractor) is _WideConv


@pytest.mark.parametrize("make", [
    lambda e: AugmentedClassifier(_image_augmenter(e), LogisticRegression()),
    lambda e: AugmentedClassifierCV(_image_augmenter(e), LogisticRegression(), shares=[0.5],
                                    cv=2),
    lambda e: OverSampledClassifierCV(_image_augmenter(e, ActiveGANOverSampler),
                                      LogisticRegression(), shares=[0.5], cv=2),
], ids=["AugmentedClassifier", "AugmentedClassifierCV", "OverSampledClassifierCV"])
def test_classifiers_pickle_the_extractor_weights_once(digits, make):
    X, y = digits
    extractor = _WideConv()
    before = {k: v.clone() for k, v in extractor.state_dict().items()}
    clf = make(extractor).fit(X, y)
    assert extractor.training and all(p.requires_grad for p in extractor.parameters())
    assert all(torch.equal(before[k], v) for k, v in extractor.state_dict().items())
    data = pickle.dumps(clf)
    assert len(data) < 1.3 * _weight_bytes(extractor)
    restored = pickle.loads(data)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    fitted = getattr(clf, "augmenter_", None) or clf.sampler_
    restored_fitted = getattr(restored, "augmenter_", None) or restored.sampler_
    np.testing.assert_array_equal(restored_fitted.sample(4)[0], fitted.sample(4)[0])
