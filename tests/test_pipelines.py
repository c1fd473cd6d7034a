"""Pipelines, model selection, persistence and pandas."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier


@pytest.fixture
def augmenter(fast_params):
    return ActiveGANAugmenter(**fast_params, random_state=0)


def test_augmented_classifier_fits_on_real_plus_synthetic(blobs, augmenter):
    X, y = blobs
    clf = AugmentedClassifier(augmenter, LogisticRegression()).fit(X, y)
    assert clf.augmenter_ is not augmenter and not hasattr(augmenter, "modules_")
    assert clf.classes_.tolist() == [0, 1, 2]
    assert clf.score(X, y) > 0.9
    assert clf.predict_proba(X).shape == (90, 3)
    assert clf.decision_function(X).shape == (90, 3)
    # the estimator saw 90 real + 45 synthetic rows
    assert clf.estimator_.n_features_in_ == 5
    assert sum(clf.augmenter_.sampling_strategy_.values()) == 45


def test_methods_follow_the_estimator(blobs, augmenter):
    from sklearn.svm import LinearSVC

    clf = AugmentedClassifier(augmenter, LinearSVC())
    assert not hasattr(clf, "predict_proba")
    assert hasattr(clf, "decision_function")


def test_sklearn_pipeline_cross_val_and_grid_search(blobs, augmenter):
    X, y = blobs
    pipe = Pipeline([("scale", StandardScaler()),
                     ("clf", AugmentedClassifier(augmenter, LogisticRegression()))])
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    search = GridSearchCV(
        AugmentedClassifier(augmenter, LogisticRegression()),
        {"augmenter__lambda_reward": [0.0, 0.1], "augmenter__epsilon": [0.1, 0.2]},
        cv=2, n_jobs=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.augmenter_.lambda_reward in (0.0, 0.1)


def test_imblearn_pipeline_grid_search(blobs, augmenter):
    from imblearn.pipeline import Pipeline as ImbPipeline

    X, y = blobs
    pipe = ImbPipeline([("augmenter", augmenter), ("clf", LogisticRegression())])
    search = GridSearchCV(
        pipe, {"augmenter__lambda_reward": [0.0, 0.1], "augmenter__epsilon": [0.1, 0.2]}, cv=2
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    fitted = search.best_estimator_
    assert fitted.named_steps["augmenter"].sampling_strategy_ == {0: 15, 1: 15, 2: 15}
    # resampling happens only at fit time: predict sees the rows as given
    assert fitted.predict(X).shape == (90,)


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


def test_dataframe_in_dataframe_out(blobs, augmenter):
    X, y = blobs
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    labels = pd.Series(np.array(["a", "b", "c"])[y], name="label")
    X_res, y_res = augmenter.fit_resample(frame, labels)
    assert augmenter.feature_names_in_.tolist() == list(frame.columns)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(frame.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    X_syn, y_syn = augmenter.sample({"b": 2})
    assert isinstance(X_syn, pd.DataFrame) and list(X_syn.columns) == list(frame.columns)
    assert y_syn.tolist() == ["b", "b"]
    clf = AugmentedClassifier(augmenter, LogisticRegression()).fit(frame, y)
    assert clf.feature_names_in_.tolist() == list(frame.columns)
    assert clf.predict(frame).shape == (90,)


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


@pytest.mark.parametrize("meta", ["AugmentedClassifier", "AugmentedClassifierCV"])
def test_meta_classifiers_pass_dataframes_through(fast_params, meta):
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder

    import sk_activegan

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 40)
    frame = pd.DataFrame({"amount": rng.normal(size=80) + y,
                          "colour": pd.Categorical(rng.choice(["red", "blue"], 80)),
                          "kind": rng.choice(["a", "b", "c"], 80)})
    estimator = make_pipeline(
        ColumnTransformer([("onehot", OneHotEncoder(), ["colour", "kind"])],
                          remainder="passthrough"), LogisticRegression())
    augmenter = ActiveGANAugmenter(**fast_params, categorical_features=["colour", "kind"],
                                   n_synthetic=0.5, random_state=0)
    extra = {"n_synthetic": (0.5,), "cv": 2} if meta == "AugmentedClassifierCV" else {}
    clf = getattr(sk_activegan, meta)(augmenter, estimator, **extra).fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["amount", "colour", "kind"]
    assert clf.augmenter_.feature_names_in_.tolist() == ["amount", "colour", "kind"]
    assert clf.predict(frame).shape == (80,) and clf.score(frame, y) > 0.5
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[["kind", "colour", "amount"]])
