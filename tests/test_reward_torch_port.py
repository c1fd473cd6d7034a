"""The torch reward model reproduces scikit-learn's predict_proba."""

import numpy as np
import pytest
import torch
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_digits, load_iris, load_wine, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from sk_activegan import make_reward_model
from sk_activegan._reward.torch_port import (
    NumpyProba,
    TorchCalibratedSVC,
    reward_proba_module,
)
from conftest import shared_dataset


def _datasets():
    X, y = load_digits(return_X_y=True)
    yield "digits", X[:300], y[:300]
    yield "iris", *load_iris(return_X_y=True)
    yield "wine", *load_wine(return_X_y=True)
    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    yield "binary", X, y


DATASETS = list(_datasets())


@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly", "sigmoid"])
@pytest.mark.parametrize("name, X, y", DATASETS, ids=[d[0] for d in DATASETS])
def test_matches_predict_proba(name, X, y, kernel):
    model = make_reward_model(C=3.0, gamma="scale", cv=3)
    model[-1].estimator.set_params(kernel=kernel)
    model.fit(X, y)
    module = reward_proba_module(model, "cpu")
    assert isinstance(module, TorchCalibratedSVC)
    rng = np.random.default_rng(0)
    # real rows and off-data rows (noise around the data)
    X_eval = np.concatenate([X[:50], X[:50] + rng.normal(scale=X.std(0) + 1e-3, size=(50, X.shape[1]))])
    expected = model.predict_proba(X_eval)
    actual = module(torch.as_tensor(X_eval, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(actual, expected, atol=1e-5, rtol=0)
    svc = model[-1].calibrated_classifiers_[0].estimator
    decision = module.decision_function(torch.as_tensor(X_eval)).detach().numpy()
    np.testing.assert_allclose(decision, svc.decision_function(model[0].transform(X_eval)),
                               atol=1e-8)


def test_bare_calibrated_svc_without_scaler():
    X, y = load_iris(return_X_y=True)
    model = CalibratedClassifierCV(SVC(C=10.0), ensemble=False, cv=3).fit(X, y)
    module = reward_proba_module(model, "cpu")
    np.testing.assert_allclose(module(torch.as_tensor(X)).numpy(), model.predict_proba(X),
                               atol=1e-5)


@pytest.mark.parametrize("name", ["optdigits", "penbased", "satimage", "segment"])
def test_matches_predict_proba_on_shared_data(name):
    X, y = shared_dataset(name)
    rng = np.random.default_rng(0)
    index = rng.choice(len(X), 400, replace=False)
    model = make_reward_model(C=10.0, cv=3).fit(X[index], y[index])
    module = reward_proba_module(model, "cpu")
    np.testing.assert_allclose(module(torch.as_tensor(X[:500])).numpy(),
                               model.predict_proba(X[:500]), atol=1e-5, rtol=0)


def test_computes_values_without_autograd():
    # the reward only weighs the policy gradient (eq. 12): the port builds no graph
    X, y = load_iris(return_X_y=True)
    model = make_reward_model(C=10.0, cv=3).fit(X, y)
    module = reward_proba_module(model, "cpu")
    x = torch.as_tensor(X[60:70], dtype=torch.float64).requires_grad_(True)
    proba = module(x)
    assert proba.grad_fn is None and not proba.requires_grad
    np.testing.assert_allclose(proba.numpy(), model.predict_proba(X[60:70]), atol=1e-9)


def test_other_estimators_use_their_own_predict_proba():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=500).fit(X, y)
    module = reward_proba_module(model, "cpu")
    assert isinstance(module, NumpyProba)
    np.testing.assert_allclose(module(torch.as_tensor(X)).numpy(), model.predict_proba(X))


def test_skorch_net_module_is_called_directly():
    from skorch import NeuralNetClassifier

    X, y = load_iris(return_X_y=True)
    X = X.astype(np.float32)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(4, 3)

        def forward(self, x):
            return self.layer(x)  # logits

    net = NeuralNetClassifier(Net, criterion=torch.nn.CrossEntropyLoss, max_epochs=5,
                              lr=0.1, train_split=None, verbose=0).fit(X, y)
    module = reward_proba_module(net, "cpu")
    proba = module(torch.as_tensor(X)).detach().numpy()
    np.testing.assert_allclose(proba, net.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
