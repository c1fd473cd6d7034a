"""Generator families as parts (``sk_activegan.generators``): every default trains
ActiveGAN, so λ, ε and α act; the baseline family trains nothing; a new family or
a new kind of data plugs in through its interface alone."""

import numbers
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.utils._param_validation import Interval

from sk_activegan import (ActiveGANAugmenter, AugmentedClassifier, GeneratorFamily, RandomWarp,
                          WarpGenerator)
from sk_activegan._networks import build_modules
from sk_activegan._parameters import Parameter, declare

from conftest import FAST, IMAGE_FAST


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    keep = y < 3
    return X[keep][:120].astype(np.uint8), y[keep][:120]


def _table():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 0.0, 0.0], [1.5, 0.0, 0.0], [0.0, 1.5, 0.0]])
    X = np.concatenate([c + rng.normal(size=(30, 3)) for c in centers])
    return X, np.repeat([0, 1, 2], 30)


# images as float pixels: uint8 samples would round small moves of the warp away
KINDS = {"table": (lambda digits: _table(), FAST),
         "images": (lambda digits: (digits[0] / 16.0, digits[1]),
                    {**IMAGE_FAST, "n_iter": 40, "image_shape": (8, 8)})}
GRID = [(lam, eps) for lam in (0.0, 0.1, 1.0) for eps in (0.1, 0.6)]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_lambda_epsilon_and_alpha_change_the_samples_of_every_default(kind, digits):
    load, params = KINDS[kind]
    X, y = load(digits)
    params = {**params, "random_state": 0, "warm_up": 0.25}
    samples = {}
    for lam, eps in GRID:
        aug = ActiveGANAugmenter(lambda_reward=lam, epsilon=eps, **params).fit(X, y)
        assert aug.n_iter_ > 0  # the default trains its generator
        samples[lam, eps] = aug.sample(5)[0]
    # (α = 1 is the margin reward alone, 0 wherever no sample is within ε of the
    # boundary (eq. 8 with C = 0): on these tiny fits it can vanish, as λ = 0)
    for alpha in (0.0, 0.25):
        samples["alpha", alpha] = ActiveGANAugmenter(alpha=alpha, **params).fit(X, y).sample(5)[0]
    keys = list(samples)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a[0] == b[0] == 0.0 and not isinstance(a[0], str):
                continue  # λ = 0: plain AC-GAN, ε has no say in training
            assert not np.array_equal(samples[a], samples[b]), (a, b)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_grid_search_over_lambda_and_epsilon_scores_each_cell_differently(kind, digits):
    load, params = KINDS[kind]
    X, y = load(digits)
    model = AugmentedClassifier(ActiveGANAugmenter(**{**params, "random_state": 0, "warm_up": 0.25}),
                                LogisticRegression(max_iter=300))
    search = GridSearchCV(model, {"augmenter__lambda_reward": [0.0, 0.1, 1.0],
                                  "augmenter__epsilon": [0.1, 0.6]},
                          scoring="neg_log_loss",
                          cv=StratifiedKFold(2, shuffle=True, random_state=0)).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    lam = np.asarray(search.cv_results_["param_augmenter__lambda_reward"], dtype=float)
    # λ > 0: every (λ, ε) cell its own score; λ = 0 trains plain AC-GAN whatever ε
    assert len(set(np.round(scores[lam > 0], 12))) == 4
    assert len(set(np.round(scores, 12))) >= 5


def test_the_random_warp_trains_and_keeps_nothing_but_its_draw(digits):
    X, y = digits
    baseline = ActiveGANAugmenter(image_shape=(8, 8), generator="random-warp", random_state=3,
                                  reward_param_grid={"C": [10.0], "gamma": ["scale"]})
    baseline.fit(X, y)
    assert baseline.modules_.discriminator is None and baseline.modules_.policy is None
    assert not list(baseline.modules_.parameters())  # nothing learned, nothing pickled
    assert baseline.n_iter_ == 0 and all(len(v) == 0 for v in baseline.history_.values())
    assert len(pickle.dumps(baseline.modules_)) < 2_000
    # its draw is exactly the warp generator's untrained draw
    untrained = ActiveGANAugmenter(image_shape=(8, 8), n_iter=0, n_candidates=1, random_state=3,
                                   reward_param_grid={"C": [10.0], "gamma": ["scale"]},
                                   generator__hidden_layer_sizes=(4, 8, 16)).fit(X, y)
    np.testing.assert_array_equal(baseline.sample(6)[0], untrained.sample(6)[0])
    # the reward still chooses among its candidates when asked
    chosen = baseline.sample(6, n_candidates=4, return_scores=True)[2]
    plain = baseline.sample(6, n_candidates=1, return_scores=True)[2]
    assert chosen["reward"].mean() > plain["reward"].mean()
    assert "realism" not in plain  # no discriminator to judge it


def test_settings_route_to_the_family_and_survive_clone(digits):
    aug = ActiveGANAugmenter(generator="warp", generator__anchor_radius=0.3)
    assert aug.get_params()["generator__anchor_radius"] == 0.3
    copy = clone(aug).set_params(generator__anchor_radius=0.7, lambda_reward=0.5)
    assert copy.get_params()["generator__anchor_radius"] == 0.7 and aug.generator__anchor_radius == 0.3
    X, y = digits
    fitted = ActiveGANAugmenter(image_shape=(8, 8), **{**IMAGE_FAST, "n_iter": 2},
                                generator__anchor_radius=0.3).fit(X, y)
    assert isinstance(fitted.generator_, WarpGenerator) and fitted.generator_.anchor_radius == 0.3
    assert fitted.modules_.generator.radius == 0.3
    family = WarpGenerator(latent_dim=6)
    nested = ActiveGANAugmenter(generator=family)
    assert nested.get_params(deep=True)["generator__latent_dim"] == 6
    nested.set_params(generator__latent_dim=7)
    assert family.latent_dim == 6 and nested.get_params()["generator__latent_dim"] == 7


@declare([Parameter("scale", 0.1, [Interval(numbers.Real, 0, None, closed="left")], "float, default=0.1\nNoise scale, model units.")])
class GaussianJitter(GeneratorFamily):
    """A family defined outside the package: real rows plus Gaussian noise.

    Parameters
    ----------
    {parameters}
    """

    name = "jitter"
    anchored = True
    reads = frozenset()
    latent_dim = 3

    def build(self, space, n_classes, rng):
        scale = float(self.scale)

        class Jitter(torch.nn.Module):
            def forward(self, z, y, anchor):
                return anchor + scale * torch.nn.functional.pad(
                    z, (0, anchor.shape[1] - z.shape[1]))

        return build_modules(lambda: (Jitter(), None, None), latent_dim=3, anchored=True,
                             rng=rng)


def test_a_new_family_plugs_in_through_its_interface():
    X, y = _table()
    aug = ActiveGANAugmenter(generator=GaussianJitter(scale=0.01), random_state=0,
                             reward_param_grid={"C": [1.0], "gamma": ["scale"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing it does not read is set
        X_syn, y_syn = aug.fit(X, y).sample(4)
    assert aug.n_iter_ == 0 and X_syn.shape == (12, 3)
    nearest = np.abs(X_syn[:, None, :] - X[None]).sum(axis=2).min(axis=1)
    assert 0 < nearest.max() < 0.2  # near a real row, not on it
    wide = clone(aug).set_params(generator__scale=2.0).fit(X, y).sample(4)[0]
    assert np.abs(wide[:, None, :] - X[None]).sum(axis=2).min(axis=1).max() > nearest.max()


def test_a_new_kind_of_data_needs_only_a_data_space(monkeypatch):
    """The engine reads the kind of data only through the DataSpace interface: a
    space defined here (a table whose model space is scaled to [-1, 1]) fits,
    trains ActiveGAN and samples without any other module knowing it."""
    from sk_activegan import _validation
    from sk_activegan._networks import Discriminator, FreeMLP
    from sk_activegan._spaces import DataSpace, SpaceDefaults

    class RangeTable(DataSpace):
        defaults = SpaceDefaults(generator="paper", n_synthetic=0.5)
        default_widths = (16,)

        def check_settings(self, *, categorical, feature_extractor):
            pass

        def free_generator(self, latent_dim, n_classes, widths):
            return FreeMLP(latent_dim, n_classes, self.n_model, widths)

        def discriminator(self, n_classes, widths, dropout):
            return Discriminator(self.n_model, n_classes, widths, dropout)

        def reward_standardized(self, feature_extractor):
            return True

        @staticmethod
        def _scaling(cont):
            low, high = cont.min(axis=0), cont.max(axis=0)
            return (high + low) / 2, (high - low) / 2, low, high

    monkeypatch.setattr(_validation, "make_space", lambda image_shape, n: RangeTable())
    X, y = _table()
    aug = ActiveGANAugmenter(n_iter=20, random_state=0, generator__latent_dim=4,
                             reward_param_grid={"C": [1.0], "gamma": ["scale"]})
    X_res, y_res = aug.fit_resample(X, y)
    assert isinstance(aug._model.space, RangeTable) and aug.n_iter_ == 20
    assert len(X_res) == 135 and np.abs(aug._model.space.real).max() <= 1.0 + 1e-6
    assert (X_res[90:] >= X.min(axis=0) - 1e-9).all() and (X_res[90:] <= X.max(axis=0) + 1e-9).all()
