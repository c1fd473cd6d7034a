from pathlib import Path

import numpy as np
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: A configuration that trains in well under a second on a laptop CPU.
FAST = dict(
    n_iter=40,
    generator__hidden_layer_sizes=(16,),
    generator__policy_hidden_layer_sizes=(8,),
    generator__latent_dim=4,
    generator__batch_size=16,
    generator__buffer_size=64,
    reward_param_grid={"C": [1.0], "gamma": ["scale"]},
    device="cpu",
)

#: Small convolutional networks for image-mode tests (8x8 digits).
IMAGE_FAST = dict(n_iter=20, generator__hidden_layer_sizes=(4, 8, 16), generator__policy_hidden_layer_sizes=(8,),
                  generator__latent_dim=4, generator__batch_size=16, generator__buffer_size=64,
                  reward_param_grid={"C": [10.0], "gamma": ["scale"]}, device="cpu",
                  random_state=0)


@pytest.fixture
def fast_params():
    return dict(FAST)


@pytest.fixture
def blobs():
    """Three well-separated Gaussian classes in 5 dimensions, 30 rows each."""
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=4.0, size=(3, 5))
    X = np.concatenate([c + rng.normal(size=(30, 5)) for c in centers])
    y = np.repeat([0, 1, 2], 30)
    return X, y


def shared_dataset(name):
    path = SHARED_DATA / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"{path} is not available (only CI has ../shared beside the clone)")
    data = np.load(path)
    return data["X"], data["y"]
