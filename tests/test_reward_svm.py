import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from sk_activegan import make_reward_model
from sk_activegan._reward.svm import fit_default_reward_model, n_folds_for


@pytest.mark.parametrize("counts, folds", [([2, 7, 9], 2), ([3, 30], 3), ([10, 10], 5)])
def test_folds_adapt_to_the_smallest_class(counts, folds):
    y = np.repeat(np.arange(len(counts)), counts)
    assert n_folds_for(y) == folds


def test_too_few_samples_names_the_classes():
    with pytest.raises(ValueError, match=r"classes \['b'\] have fewer"):
        n_folds_for(np.array(["a", "a", "b"]))


def test_default_reward_model_is_a_grid_searched_calibrated_svm():
    X, y = load_digits(return_X_y=True)
    X, y = X[:150], y[:150]
    model, best = fit_default_reward_model(X, y, {"C": [0.01, 10.0], "gamma": [0.001, 0.02]})
    calibrated = model[-1]
    assert isinstance(calibrated, CalibratedClassifierCV) and not calibrated.ensemble
    svm = calibrated.calibrated_classifiers_[0].estimator
    assert isinstance(svm, SVC) and svm.probability in (False, "deprecated")
    # the tiny C underfits digits badly; the search must not pick it
    assert best["C"] == 10.0 and best["gamma"] in (0.001, 0.02)
    assert (svm.C, svm.gamma) == (best["C"], best["gamma"])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == y).mean() > 0.9


def test_single_point_grid_skips_the_search():
    X, y = load_digits(return_X_y=True)
    model, best = fit_default_reward_model(X[:100], y[:100], {"C": [3.0], "gamma": ["scale"]})
    assert best == {"C": 3.0, "gamma": "scale"}
    assert model[-1].calibrated_classifiers_[0].estimator.C == 3.0


def test_make_reward_model_fixed_parameters():
    model = make_reward_model(C=5.0, gamma=0.1)
    assert model[-1].estimator.C == 5.0 and model[-1].estimator.gamma == 0.1
    assert model[-1].method == "sigmoid"
