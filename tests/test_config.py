"""resolve_config: the parameters resolved once, before any training."""

import dataclasses
import warnings

import numpy as np
import pytest

from sk_activegan import (ActiveGANAugmenter, ActiveGANOverSampler, AnchoredGenerator,
                          PaperGenerator, WarpGenerator)
from sk_activegan._config import resolve_config
from sk_activegan._spaces import ImageSpace, TabularSpace
from sk_activegan._validation import check_training_data


def _config(estimator, X, y):
    params = estimator.get_params(deep=False)
    data = check_training_data(params, X, y, type(estimator).__name__)
    defaults = {p.name: p.default for p in estimator._declared_parameters}
    return resolve_config(params, data, name=type(estimator).__name__, defaults=defaults,
                          generator_defaults=estimator._generator_defaults,
                          balanced_batches=estimator._balanced_batches), data


def test_auto_comes_from_the_data_space_and_the_family(blobs):
    X, y = blobs
    config, data = _config(ActiveGANAugmenter(), X, y)
    assert isinstance(data.space, TabularSpace) and not isinstance(data.space, ImageSpace)
    assert isinstance(config.generator, AnchoredGenerator)
    assert config.generator.hidden_layer_sizes == (256, 256)
    assert config.budget.lambda_reward == 0.1
    assert config.budget.n_iter == 3000 and config.n_candidates == 1
    images = np.random.default_rng(0).integers(0, 256, size=(30, 64)).astype(np.uint8)
    config, data = _config(ActiveGANAugmenter(image_shape=(8, 8)), images, np.repeat([0, 1], 15))
    assert isinstance(data.space, ImageSpace) and data.space.shape == (1, 8, 8)
    assert isinstance(config.generator, WarpGenerator)  # images train the warp by default
    assert config.budget.lambda_reward == 1.0 and config.budget.n_iter == 300
    assert config.n_candidates == 1
    config, _ = _config(ActiveGANAugmenter(lambda_reward=0.3,
                                           generator__hidden_layer_sizes=[4, 5]), X, y)
    assert config.budget.lambda_reward == 0.3 and config.generator.hidden_layer_sizes == [4, 5]
    config, _ = _config(ActiveGANAugmenter(generator="paper", image_shape=(8, 8)), images,
                        np.repeat([0, 1], 15))
    assert isinstance(config.generator, PaperGenerator) and config.budget.lambda_reward == 0.1
    config, _ = _config(ActiveGANAugmenter(generator="random-warp", image_shape=(8, 8)), images,
                        np.repeat([0, 1], 15))
    assert config.budget.n_iter == 0 and config.n_candidates == 1


def test_a_family_object_is_cloned_and_routed_settings_reach_it(blobs):
    family = AnchoredGenerator(anchor_radius=0.2)
    config, _ = _config(ActiveGANAugmenter(generator=family, generator__latent_dim=3), *blobs)
    assert config.generator is not family and family.latent_dim == 32  # not changed
    assert config.generator.anchor_radius == 0.2 and config.generator.latent_dim == 3
    with pytest.raises(ValueError, match="generator__horizontal_flip.*no setting"):
        _config(ActiveGANAugmenter(generator=family, generator__horizontal_flip=True), *blobs)


def test_families_refuse_data_they_cannot_take(blobs):
    images = np.random.default_rng(0).integers(0, 256, size=(30, 64)).astype(np.uint8)
    for name in ("warp", "random-warp"):
        with pytest.raises(ValueError, match=f"generator='{name}' transforms images"):
            _config(ActiveGANAugmenter(generator=name), *blobs)
    with pytest.raises(ValueError, match="generator='anchored' moves table rows"):
        _config(ActiveGANAugmenter(generator="anchored", image_shape=(8, 8)), images,
                np.repeat([0, 1], 15))


def test_what_does_not_apply_is_said_once(blobs):
    images = np.random.default_rng(0).integers(0, 256, size=(30, 64)).astype(np.uint8)
    y = np.repeat([0, 1], 15)
    with pytest.warns(UserWarning) as record:
        _config(ActiveGANAugmenter(image_shape=(8, 8), generator="random-warp",
                                   lambda_reward=0.5, n_iter=10), images, y)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1 and "lambda_reward, n_iter do not apply" in messages[0]
    with pytest.warns(UserWarning, match="generator__horizontal_flip: the generator 'anchored' "
                                         "has no such setting"):
        _config(ActiveGANAugmenter(generator__horizontal_flip=True), *blobs)
    with pytest.warns(UserWarning, match="generator__anchor_radius: the generator 'paper'"):
        _config(ActiveGANAugmenter(generator="paper", generator__anchor_radius=0.3), *blobs)
    # eq. 8-9's settings choose the candidates of the random warp: they apply there
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _config(ActiveGANAugmenter(image_shape=(8, 8), generator="random-warp", n_candidates=4,
                                   epsilon=0.5), images, y)


def test_method_is_deprecated_onto_generator(blobs):
    with pytest.warns(FutureWarning, match="use generator='paper'"):
        config, _ = _config(ActiveGANAugmenter(method="paper"), *blobs)
    assert isinstance(config.generator, PaperGenerator)
    with pytest.raises(ValueError, match="not both"):
        _config(ActiveGANAugmenter(method="paper", generator="anchored"), *blobs)


@pytest.mark.parametrize("warm_up, expected", [(0.25, 25), (1 / 3, 33), (40, 40), (500, 100),
                                               (0, 0)])
def test_warm_up_becomes_iterations(blobs, warm_up, expected):
    config, _ = _config(ActiveGANAugmenter(n_iter=100, warm_up=warm_up), *blobs)
    assert config.budget.warm_up_iter == expected and config.budget.n_iter == 100


def test_the_config_is_frozen_and_names_the_front_door(blobs):
    config, _ = _config(ActiveGANOverSampler(generator="paper"), *blobs)
    assert config.name == "ActiveGANOverSampler" and config.budget.balanced_batches
    assert isinstance(config.generator, PaperGenerator)  # the paper's free generator
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.budget = None


def test_seeds_are_drawn_once_from_random_state(blobs):
    first, _ = _config(ActiveGANAugmenter(random_state=7), *blobs)
    again, _ = _config(ActiveGANAugmenter(random_state=7), *blobs)
    assert first.seeds == again.seeds and len(set(first.seeds)) == 3
    stream = np.random.RandomState(7)
    shared = ActiveGANAugmenter(random_state=stream)
    one, _ = _config(shared, *blobs)
    two, _ = _config(shared, *blobs)
    assert one.seeds == first.seeds and two.seeds != one.seeds  # the stream moved on


def test_reward_grid_and_settings_are_resolved(blobs):
    config, _ = _config(ActiveGANAugmenter(reward_param_grid={"C": 2.0}, alpha=0.3,
                                           epsilon=0.1, reward_constant=0.5), *blobs)
    assert config.reward_param_grid == {"C": [2.0]}
    assert config.reward_settings._asdict() == {"alpha": 0.3, "epsilon": 0.1, "constant": 0.5}


def test_the_over_samplers_compact_widths_apply_to_tables_only(blobs):
    """The over-sampler's (64, 64) is a default for tables; an image family keeps
    its own widths (its convolutions' channels)."""
    config, _ = _config(ActiveGANOverSampler(), *blobs)
    assert config.generator.hidden_layer_sizes == (64, 64)
    images = np.random.default_rng(0).integers(0, 256, size=(30, 64)).astype(np.uint8)
    config, _ = _config(ActiveGANOverSampler(image_shape=(8, 8)), images, np.repeat([0, 1], 15))
    assert isinstance(config.generator, WarpGenerator)
    assert config.generator.hidden_layer_sizes == WarpGenerator().hidden_layer_sizes
    config, _ = _config(ActiveGANOverSampler(image_shape=(8, 8), generator="paper"), images,
                        np.repeat([0, 1], 15))
    assert config.generator.hidden_layer_sizes == "auto"
