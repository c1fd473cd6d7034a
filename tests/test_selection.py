"""Choosing each synthetic row among candidates by the reward model (``n_candidates``)."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from sk_activegan import ActiveGANAugmenter, ActiveGANOverSampler
from sk_activegan._reward import uncertainty_reward
from sk_activegan._sampling import selection_scores
from sk_activegan._spaces import ImageSpace, TabularSpace

from conftest import IMAGE_FAST


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    keep = y < 4
    return X[keep][:160].astype(np.uint8), y[keep][:160]


@pytest.fixture(scope="module")
def image_model(digits):
    return ActiveGANAugmenter(image_shape=(8, 8), anchor_radius=1.5, **IMAGE_FAST).fit(*digits)


def _own_in_top_two(model, X, y):
    x = torch.as_tensor(model._model.space.to_model(X.astype(np.float64)))
    proba = model._model.reward.proba(x)
    top_two = torch.topk(proba, 2, dim=1).indices.numpy()
    return (top_two == np.searchsorted(model.classes_, y)[:, None]).any(axis=1)


def test_auto_resolves_by_kind_of_data(digits, blobs, fast_params):
    X, y = digits
    assert ActiveGANAugmenter(image_shape=(8, 8), **IMAGE_FAST).fit(X, y).n_candidates_ \
        == ImageSpace.defaults.n_candidates_anchored > 1
    assert ActiveGANAugmenter(image_shape=(8, 8), method="paper",
                              **IMAGE_FAST).fit(X, y).n_candidates_ == 1
    tabular = ActiveGANAugmenter(**fast_params).fit(*blobs)
    assert tabular.n_candidates_ == 1 and tabular.n_iter_ == fast_params["n_iter"]


def test_auto_iterations_by_kind_of_data(digits, blobs, fast_params, monkeypatch):
    from sk_activegan import _fitting

    seen = []
    monkeypatch.setattr(_fitting, "train", lambda modules, X, y, schedule, **kw:
                        seen.append(schedule.n_iter) or {})
    params = {k: v for k, v in IMAGE_FAST.items() if k != "n_iter"}
    model = ActiveGANAugmenter(image_shape=(8, 8), **params).fit(*digits)
    assert model.n_iter_ == seen[-1] == ImageSpace.defaults.n_iter_anchored
    params = {k: v for k, v in fast_params.items() if k != "n_iter"}
    model = ActiveGANAugmenter(**params).fit(*blobs)
    assert model.n_iter_ == seen[-1] == TabularSpace.defaults.n_iter_anchored == 3000


def test_selection_lowers_the_reward_models_margin(image_model):
    _, _, plain = image_model.sample(60, n_candidates=1, return_scores=True)
    _, _, chosen = image_model.sample(60, n_candidates=8, return_scores=True)
    assert chosen["margin"].mean() < plain["margin"].mean() - 0.02
    assert chosen["reward"].mean() > plain["reward"].mean()


def test_selection_keeps_the_label_among_the_top_two(image_model):
    X_plain, y_plain = image_model.sample(60, n_candidates=1)
    X_chosen, y_chosen = image_model.sample(60, n_candidates=8)
    kept = _own_in_top_two(image_model, X_chosen, y_chosen)
    assert kept.mean() >= _own_in_top_two(image_model, X_plain, y_plain).mean()
    assert kept.mean() > 0.95


def test_selection_scores_guard_the_label():
    # class 0: the smallest margin belongs to a row where class 0 is third
    proba = torch.tensor([[0.50, 0.45, 0.05],    # own first, margin 0.05
                          [0.05, 0.48, 0.47],    # own third: margin 0.01, but refused
                          [0.30, 0.60, 0.10],    # own second, margin 0.30
                          [0.10, 0.80, 0.10]])   # own tied second, margin 0.70
    reward = uncertainty_reward(proba, alpha=0.5, epsilon=0.2)
    scores = selection_scores(proba, reward, 0)
    assert torch.argmin(scores) == 0  # the highest reward among the guarded rows
    assert scores[1] > scores[[0, 2, 3]].max()  # the refused row ranks last
    assert scores[0] < scores[2] and scores[0] < scores[3]
    # the ranking is the reward's: epsilon and alpha change it
    near = torch.tensor([[0.40, 0.35, 0.25],     # margin 0.05, high entropy
                         [0.52, 0.48, 0.00]])    # margin 0.04, low entropy
    by_margin = uncertainty_reward(near, alpha=1.0, epsilon=0.2)
    by_entropy = uncertainty_reward(near, alpha=0.0, epsilon=0.2)
    assert torch.argmin(selection_scores(near, by_margin, 0)) == 1
    assert torch.argmin(selection_scores(near, by_entropy, 0)) == 0
    # none keeps the label: the one most probable in it
    refused = torch.tensor([[0.05, 0.50, 0.45], [0.08, 0.50, 0.42]])
    reward = uncertainty_reward(refused, alpha=0.5, epsilon=0.2)
    assert torch.argmin(selection_scores(refused, reward, 0)) == 1


def test_tables_draw_exactly_as_without_selection(blobs, fast_params):
    default = ActiveGANAugmenter(random_state=0, **fast_params).fit_resample(*blobs)
    plain = ActiveGANAugmenter(n_candidates=1, random_state=0, **fast_params).fit_resample(*blobs)
    for a, b in zip(default, plain):
        np.testing.assert_array_equal(a, b)
    sampler = ActiveGANOverSampler(random_state=0, **fast_params).fit(*blobs)
    assert sampler.n_candidates_ == 1


def test_one_candidate_on_images_is_the_plain_stream(digits):
    params = dict(IMAGE_FAST, random_state=3)
    a = ActiveGANAugmenter(image_shape=(8, 8), n_candidates=1, **params).fit(*digits)
    b = ActiveGANAugmenter(image_shape=(8, 8), **params).fit(*digits)
    np.testing.assert_array_equal(a.sample(7)[0], b.sample(7, n_candidates=1)[0])


def test_selection_composes_with_the_margin_filter(image_model):
    X, y, scores = image_model.sample(20, margin_filter=0.9, n_candidates=4, return_scores=True)
    assert X.shape == (80, 64) and X.dtype == np.uint8
    assert (scores["margin"] <= 0.9 + 1e-6).mean() > 0.9


@pytest.mark.parametrize("value", [0, -2, 1.5, "many"])
def test_bad_n_candidates(blobs, fast_params, value):
    with pytest.raises(ValueError, match="'n_candidates' parameter"):
        ActiveGANAugmenter(n_candidates=value, **fast_params).fit(*blobs)
    with pytest.raises(ValueError, match="'n_candidates' parameter"):
        ActiveGANOverSampler(n_candidates=value, **fast_params).fit(*blobs)


@pytest.mark.parametrize("value", [0, 2.5, "auto", True])
def test_bad_n_candidates_per_call(image_model, value):
    with pytest.raises(ValueError, match="n_candidates must be"):
        image_model.sample(3, n_candidates=value)
