"""Generator families as parts (``sk_activegan.generators``): every default trains
ActiveGAN, so λ, ε and α act; the baseline family trains nothing; a new family or
a new kind of data plugs in through its interface alone."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier, plot_history
from sk_activegan.generators import (FamilyModules, GeneratorFamily, Parameter, WarpGenerator,
                                     declare)
from sk_activegan.spaces import (CallerMap, DataSpace, SpaceDefaults, register_space,
                                 unregister_space)

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


class GaussianJitter(GeneratorFamily):
    """A family written outside the package, the scikit-learn way: its own
    ``__init__``, no ``_parameter_constraints``; real rows plus Gaussian noise."""

    name = "jitter"

    def __init__(self, scale=0.1):
        self.scale = scale

    def check(self, space, *, n_features, categorical=()):
        super().check(space, n_features=n_features, categorical=categorical)
        if space.kind != "table":
            raise ValueError("generator='jitter' moves table rows.")

    def build(self, space, n_classes, rng):
        return Jitter(float(self.scale))


class Jitter(FamilyModules):
    def __init__(self, scale):
        super().__init__(latent_dim=3, anchored=True)
        self.scale = scale

    def generate(self, z, y, anchor=None):
        return anchor + self.scale * torch.nn.functional.pad(z, (0, anchor.shape[1] - 3))


def test_a_new_family_plugs_in_through_its_interface():
    X, y = _table()
    aug = ActiveGANAugmenter(generator=GaussianJitter(scale=0.01), random_state=0,
                             reward_param_grid={"C": [1.0], "gamma": ["scale"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing it does not read is set
        X_syn, y_syn = aug.fit(X, y).sample(4)
    assert aug.n_iter_ == 0 and X_syn.shape == (12, 3) and aug.history_ == {}
    nearest = np.abs(X_syn[:, None, :] - X[None]).sum(axis=2).min(axis=1)
    assert 0 < nearest.max() < 0.2  # near a real row, not on it
    wide = clone(aug).set_params(generator__scale=2.0).fit(X, y).sample(4)[0]
    assert np.abs(wide[:, None, :] - X[None]).sum(axis=2).min(axis=1).max() > nearest.max()
    with pytest.raises(ValueError, match="moves table rows"):
        ActiveGANAugmenter(generator=GaussianJitter(), image_shape=(3,  1)).fit(X, y)


class PretrainedShift(FamilyModules):
    """A given (pretrained, frozen) network of the noise plus a learned per-class
    offset: ``generate = net(z) + offset[y]``."""

    def __init__(self, net, latent_dim, n_classes, n_model):
        super().__init__(latent_dim)
        self.net = net.requires_grad_(False)
        self.offset = torch.nn.Parameter(torch.zeros(n_classes, n_model))

    def generate(self, z, y, anchor=None):
        return self.net(z) + self.offset[y]


@declare([Parameter("network", None, [torch.nn.Module], "torch.nn.Module\nlatent -> row."),
          Parameter("steps_lr", 0.1, [float], "float, default=0.1\nStep size.")])
class MeanMatcher(GeneratorFamily):
    """Trains with its own step (not the GAN loop): the offsets move the given
    network's output onto each class's rows. Records its own history columns.

    Parameters
    ----------
    {parameters}
    """

    name = "mean-matcher"
    reads = frozenset({"n_iter"})
    history_columns = ("fit_loss", "mean_reward")
    n_iter_default = 30

    def build(self, space, n_classes, rng):
        net = copy.deepcopy(self.network)  # the caller's module stays as it is
        return PretrainedShift(net, net[0].in_features, n_classes, space.n_model)

    def train(self, modules, X, y, budget, *, rng, reward, diagnostics, progress):
        optimizer = torch.optim.SGD([modules.offset], lr=self.steps_lr)
        history = {name: np.full(budget.n_iter, np.nan) for name in self.history_columns}
        for it in range(budget.n_iter):
            index = torch.randint(len(X), (32,), generator=rng)
            z = torch.randn(32, modules.latent_dim, generator=rng)
            x = modules.generate(z, y[index])
            loss = ((x - X[index]) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            history["fit_loss"][it] = float(loss.detach())
            history["mean_reward"][it] = float(reward(x.detach()).mean())
        return history


def test_a_family_keeps_the_weights_of_a_network_it_is_given_and_trains_its_own_way():
    X, y = _table()
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3))
    given = {k: v.clone() for k, v in net.state_dict().items()}
    aug = ActiveGANAugmenter(generator=MeanMatcher(network=net), random_state=0,
                             reward_param_grid={"C": [1.0], "gamma": ["scale"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aug.fit(X, y)
    fitted = aug.modules_.net.state_dict()
    for name, tensor in given.items():  # the pretrained weights as given, not redrawn
        torch.testing.assert_close(fitted[name], tensor, rtol=0, atol=0)
        torch.testing.assert_close(net.state_dict()[name], tensor, rtol=0, atol=0)
    assert aug.modules_.net is not net
    offsets = aug.modules_.offset.detach().numpy()
    assert np.abs(offsets).max() > 0.1  # trained by its own step
    assert aug.n_iter_ == 30 and set(aug.history_) == {"fit_loss", "mean_reward"}
    assert aug.history_["fit_loss"][-5:].mean() < aug.history_["fit_loss"][:5].mean()
    X_syn, y_syn = aug.sample(50)
    centre = X_syn[y_syn == 1].mean(axis=0)
    assert np.linalg.norm(centre - X[y == 1].mean(axis=0)) < 1.0  # near its class
    # plot_history draws whatever columns the family records
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    axes = plot_history(aug, window=5)
    drawn = {line.get_label().split(" ")[0] for ax in axes for line in ax.get_lines()}
    assert drawn == {"fit_loss", "mean_reward"}
    assert "realism" not in aug.sample(3, return_scores=True)[2]  # no discriminator


class RangeArray(np.ndarray):
    """A table the caller marks as "scale me to [-1, 1]" (the new kind's data)."""


class Generator(torch.nn.Module):
    def __init__(self, latent_dim, n_classes, n_model, width):
        super().__init__()
        self.n_classes = n_classes
        self.body = torch.nn.Sequential(torch.nn.Linear(latent_dim + n_classes, width),
                                        torch.nn.ReLU(), torch.nn.Linear(width, n_model),
                                        torch.nn.Tanh())

    def forward(self, z, y, anchor=None):
        return self.body(torch.cat([z, torch.nn.functional.one_hot(y, self.n_classes)], 1))


class Critic(torch.nn.Module):
    def __init__(self, n_model, n_classes, width):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(n_model, width), torch.nn.LeakyReLU())
        self.source, self.classes = torch.nn.Linear(width, 1), torch.nn.Linear(width, n_classes)

    def forward(self, x):
        hidden = self.body(x)
        return self.source(hidden).squeeze(1), self.classes(hidden)


class RangeTable(DataSpace):
    """A kind of data written outside the package: each column's range to [-1, 1]."""

    kind = "range-table"
    defaults = SpaceDefaults(generator="paper", n_synthetic=0.5)
    default_widths = (16,)

    @classmethod
    def from_data(cls, X, *, image_shape, n_features):
        return cls() if isinstance(X, RangeArray) else None

    def check_settings(self, *, categorical, feature_extractor):
        if categorical or feature_extractor is not None:
            raise ValueError("a range table has numeric columns only")

    def fit(self, X_caller, X, labels, n_classes, categorical=(), categories=()):
        self.n_features = self.n_model = X.shape[1]
        self.dtype = X.dtype
        self.low, self.high = X.min(axis=0), X.max(axis=0)
        self.set_training_rows(self.to_model(X), labels, n_classes)
        return self

    def to_model(self, X):
        return ((X - (self.high + self.low) / 2) / ((self.high - self.low) / 2)).astype(
            np.float32)

    def caller_map(self):
        return CallerMap((self.high - self.low) / 2, (self.high + self.low) / 2, True)

    def to_caller(self, x, out):
        weight, offset, _ = self.caller_map()
        out[...] = np.clip(x.double().cpu().numpy() * weight + offset, self.low, self.high)
        return out

    def free_generator(self, latent_dim, n_classes, widths):
        return Generator(latent_dim, n_classes, self.n_model, widths[0])

    def discriminator(self, n_classes, widths, dropout):
        return Critic(self.n_model, n_classes, widths[0])

    def reward_standardized(self, feature_extractor):
        return True


@pytest.fixture
def range_tables():
    register_space(RangeTable)
    yield
    unregister_space(RangeTable)


def test_a_new_kind_of_data_is_one_class_and_a_registration(range_tables):
    """The engine reads the kind of data only through the DataSpace interface: a
    space defined here fits, trains ActiveGAN and samples, no private name used."""
    X, y = _table()
    aug = ActiveGANAugmenter(n_iter=20, random_state=0, generator__latent_dim=4,
                             reward_param_grid={"C": [1.0], "gamma": ["scale"]})
    X_res, y_res = aug.fit_resample(X.view(RangeArray), y)
    assert aug.generator_.name == "paper" and aug.n_iter_ == 20  # the kind's default
    assert aug.modules_.generator.body[0].in_features == 4 + 3
    assert len(X_res) == 135
    assert (X_res[90:] >= X.min(axis=0) - 1e-9).all() and (X_res[90:] <= X.max(axis=0) + 1e-9).all()
    scores = aug.sample_diagnostics(*aug.sample(5))
    assert np.isfinite(scores["realism"]).all()
    # a plain array is still a table
    plain = ActiveGANAugmenter(n_iter=2, random_state=0, generator__latent_dim=4,
                               reward_param_grid={"C": [1.0], "gamma": ["scale"]}).fit(X, y)
    assert plain.generator_.name == "anchored"


def test_the_extension_pages_example_runs(capsys):
    """docs/extending.md's code blocks, in order, as a family author would run them."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "extending.md").read_text()
    namespace = {"__name__": "extending"}
    for block in re.findall(r"```python\n(.*?)```", page, flags=re.S):
        exec(compile(block, "docs/extending.md", "exec"), namespace)
    assert "['fit_loss', 'mean_reward'] 50" in capsys.readouterr().out
