"""The Table 1 benchmark's augmentation rows (benchmarks/table1.py) do what they say."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def table1():
    spec = importlib.util.spec_from_file_location("table1", BENCHMARKS / "table1.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def photos():
    rng = np.random.default_rng(0)
    return rng.integers(1, 256, (5, 3 * 8 * 8)).astype(np.uint8)


def _is_image_or_mirror(out, images):
    plain = np.isclose(out, images, atol=1e-3).all(1)
    mirror = np.isclose(out, images.reshape(-1, 3, 8, 8)[..., ::-1].reshape(len(images), -1),
                        atol=1e-3).all(1)
    return plain, mirror


def test_flip_crop_without_padding_is_the_image_or_its_mirror(table1, photos):
    out = table1.flip_crop(photos, (3, 8, 8), 40, np.random.default_rng(0), pad=0)
    assert out.shape == (200, 192) and out.dtype == np.uint8
    plain, mirror = _is_image_or_mirror(out, np.repeat(photos, 40, axis=0))
    assert (plain | mirror).all() and 0.3 < mirror.mean() < 0.7
    # with padding, each copy is a window of the padded (possibly mirrored) image
    padded = table1.flip_crop(photos, (3, 8, 8), 4, np.random.default_rng(0))
    assert padded.shape == (20, 192) and (padded == 0).any()


def test_shifts8_are_the_eight_one_pixel_translations(table1, photos):
    out = table1.shifts8(photos, (3, 8, 8)).reshape(8, 5, 3, 8, 8)
    images = photos.reshape(5, 3, 8, 8)
    np.testing.assert_array_equal(out[0][..., 1:], images[..., :-1])   # (0, +1): right
    np.testing.assert_array_equal(out[0][..., 0], 0)
    np.testing.assert_array_equal(out[7][..., :-1, :-1], images[..., 1:, 1:])  # (-1, -1)


def test_random_warps_flip_half_and_stay_in_bounds(table1, photos):
    X = photos.astype(np.float32)
    near_identity = table1.random_warps(X, (3, 8, 8), 40, np.random.default_rng(0),
                                        radius=1e-6, flip=True)
    plain, mirror = _is_image_or_mirror(near_identity, np.repeat(X, 40, axis=0))
    assert (plain | mirror).all() and 0.3 < mirror.mean() < 0.7
    warped = table1.random_warps(X, (3, 8, 8), 8, np.random.default_rng(0))
    assert warped.shape == (40, 192)
    assert warped.min() >= 0 and warped.max() <= 255 + 1e-3
    assert not np.isclose(warped, np.repeat(X, 8, axis=0), atol=1e-3).all(1).any()
