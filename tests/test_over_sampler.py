"""ActiveGANOverSampler: imbalanced-learn's sampling_strategy, few minority rows."""

from collections import Counter

import numpy as np
import pytest
import torch
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification

from sk_activegan import ActiveGANOverSampler


@pytest.fixture
def three_classes():
    X, y = make_classification(n_samples=300, n_features=5, n_informative=3, n_classes=3,
                               weights=[0.6, 0.3, 0.1], random_state=0)
    return X, y


@pytest.fixture
def binary():
    X, y = make_classification(n_samples=200, n_features=4, weights=[0.85], random_state=1)
    return X, y


@pytest.mark.parametrize("strategy", ["auto", "minority", "not minority", "not majority", "all",
                                      {1: 120, 2: 60}, lambda y: {2: int(np.sum(y == 2)) * 3}])
def test_class_counts_are_smotes(three_classes, fast_params, strategy):
    X, y = three_classes
    smote = SMOTE(sampling_strategy=strategy, random_state=0)
    expected = Counter(smote.fit_resample(X, y)[1].tolist())
    sampler = ActiveGANOverSampler(**fast_params, sampling_strategy=strategy, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == expected
    assert sampler.sampling_strategy_ == dict(smote.sampling_strategy_)
    np.testing.assert_array_equal(X_res[:len(X)], X)
    assert np.isfinite(X_res).all()


@pytest.mark.parametrize("ratio", [0.5, 1.0])
def test_float_ratio_for_binary_targets(binary, fast_params, ratio):
    X, y = binary
    _, y_res = ActiveGANOverSampler(**fast_params, sampling_strategy=ratio,
                                    random_state=0).fit_resample(X, y)
    _, y_smote = SMOTE(sampling_strategy=ratio, random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == Counter(y_smote.tolist())


@pytest.mark.parametrize("strategy, message", [
    (0.5, "float only when the type of target is binary"),
    ({0: 10}, "greater or equal to the original number of samples"),
    ({9: 100}, "not present in the data"),
    ("everything", "sampling_strategy"),
    (-1.0, "sampling_strategy"),
])
def test_bad_sampling_strategy_fails_before_training(three_classes, fast_params, monkeypatch,
                                                     strategy, message):
    from sk_activegan import _fitting

    monkeypatch.setattr(_fitting, "train_model", lambda *a, **k: pytest.fail("training started"))
    sampler = ActiveGANOverSampler(**fast_params, sampling_strategy=strategy)
    with pytest.raises(ValueError, match=message):
        sampler.fit_resample(*three_classes)


def test_samples_only_the_classes_asked_for(three_classes, fast_params):
    X, y = three_classes
    sampler = ActiveGANOverSampler(**fast_params, sampling_strategy="minority", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert set(y_res[len(y):].tolist()) == {2}
    # the anchored generator keeps them by the minority's own rows
    scores = sampler.sample_diagnostics(X_res[len(y):], y_res[len(y):])
    assert scores["nn_distance_ratio"].max() <= 0.5 + 1e-4


@pytest.mark.parametrize("n_minority", [2, 6, 17])
def test_few_minority_rows(fast_params, n_minority):
    rng = np.random.default_rng(n_minority)
    X = np.concatenate([rng.normal(size=(300, 4)), rng.normal(size=(n_minority, 4)) + 1.5])
    y = np.repeat([0, 1], [300, n_minority])
    sampler = ActiveGANOverSampler(**fast_params, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [300, 300]
    assert np.isfinite(X_res).all()
    assert sampler.reward_estimator_.predict_proba(X_res[-5:]).shape == (5, 2)


def test_a_single_minority_row_is_refused_with_what_is_needed(fast_params):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(31, 3)), np.repeat([0, 1], [30, 1])
    with pytest.raises(ValueError, match=r"at least 2 samples.*\[1\]"):
        ActiveGANOverSampler(**fast_params).fit_resample(X, y)


def test_training_batches_are_class_balanced(fast_params, monkeypatch):
    from sk_activegan._networks import ActiveGANModules

    seen = []
    generate = ActiveGANModules.generate

    def spy(self, z, y, anchor=None):
        if torch.is_grad_enabled():  # training, not sampling
            seen.append(y.detach().cpu().numpy())
        return generate(self, z, y, anchor)

    monkeypatch.setattr(ActiveGANModules, "generate", spy)
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(size=(190, 3)), rng.normal(size=(10, 3)) + 2])
    y = np.repeat([0, 1], [190, 10])
    ActiveGANOverSampler(**{**fast_params, "n_iter": 60, "generator__batch_size": 32},
                         random_state=0).fit(X, y)
    share = np.concatenate(seen).mean()  # the minority's share of the real rows drawn
    assert 0.4 < share < 0.6  # 5 % of the data, half of every batch


def test_in_an_imblearn_pipeline(three_classes, fast_params):
    from imblearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    X, y = three_classes
    pipe = make_pipeline(ActiveGANOverSampler(**fast_params, random_state=0), SVC())
    assert pipe.fit(X, y).score(X, y) > 0.7
    assert pipe[0].sampling_strategy_ == {1: 90, 2: 150}
