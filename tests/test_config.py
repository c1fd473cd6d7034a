"""resolve_config: the parameters resolved once, before any training."""

import dataclasses

import numpy as np
import pytest

from sk_activegan import ActiveGANAugmenter, ActiveGANOverSampler
from sk_activegan._config import resolve_config
from sk_activegan._spaces import ImageSpace, TabularSpace
from sk_activegan._validation import check_training_data


def _config(estimator, X, y):
    params = estimator.get_params(deep=False)
    data = check_training_data(params, X, y, type(estimator).__name__)
    return resolve_config(params, data, name=type(estimator).__name__,
                          balanced_batches=estimator._balanced_batches), data


def test_auto_comes_from_the_data_spaces_defaults(blobs):
    X, y = blobs
    config, data = _config(ActiveGANAugmenter(), X, y)
    assert isinstance(data.space, TabularSpace) and not isinstance(data.space, ImageSpace)
    assert config.hidden_layer_sizes == TabularSpace.defaults.hidden_layer_sizes == (256, 256)
    assert config.lambda_reward == config.schedule.lambda_reward == 0.1
    images = np.random.default_rng(0).integers(0, 256, size=(30, 64)).astype(np.uint8)
    config, data = _config(ActiveGANAugmenter(image_shape=(8, 8)), images, np.repeat([0, 1], 15))
    assert isinstance(data.space, ImageSpace) and data.space.shape == (1, 8, 8)
    assert config.hidden_layer_sizes == ImageSpace.defaults.hidden_layer_sizes
    assert config.lambda_reward == 1.0
    config, _ = _config(ActiveGANAugmenter(lambda_reward=0.3, hidden_layer_sizes=[4, 5]), X, y)
    assert config.lambda_reward == 0.3 and config.hidden_layer_sizes == (4, 5)


@pytest.mark.parametrize("warm_up, expected", [(0.25, 25), (1 / 3, 33), (40, 40), (500, 100),
                                               (0, 0)])
def test_warm_up_becomes_iterations(blobs, warm_up, expected):
    config, _ = _config(ActiveGANAugmenter(n_iter=100, warm_up=warm_up), *blobs)
    assert config.schedule.warm_up_iter == expected and config.schedule.n_iter == 100


def test_the_config_is_frozen_and_names_the_front_door(blobs):
    config, _ = _config(ActiveGANOverSampler(method="paper"), *blobs)
    assert config.name == "ActiveGANOverSampler" and config.schedule.balanced_batches
    assert config.anchor_radius is None  # the paper's free generator
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.lambda_reward = 5.0


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
