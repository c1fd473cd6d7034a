"""FittedActiveGAN: the fitted model, its persistence and devices."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier


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
