"""The Table 1 benchmark's augmentation rows (``python -m benchmarks.table1``) do what they say."""

import importlib

import numpy as np
import pytest

from benchmarks.protocols import features


@pytest.fixture(scope="module")
def table1():
    return importlib.import_module("benchmarks.table1")


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


def test_classical_rows_copy_distinct_images_of_every_class(table1, photos):
    X = np.random.default_rng(2).integers(1, 256, (10, 3 * 32 * 32)).astype(np.uint8)
    y = np.repeat([0, 1], 5)
    out, labels = table1.classical("cifar10", X, y, 3, np.random.default_rng(0))
    assert out.shape == (6, 3072) and out.dtype == np.uint8
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1])
    grey = np.random.default_rng(1).integers(1, 256, (10, 28 * 28)).astype(np.uint8)
    out, labels = table1.classical("mnist70k", grey, y, 2, np.random.default_rng(0))
    assert out.shape == (4, 784) and (out.reshape(4, 28, 28) == 0).any()  # a shifted edge


def test_cached_features_answer_known_images_and_compute_the_rest(table1, photos):
    import torch

    calls = []

    class Sum(torch.nn.Module):
        def forward(self, x):
            calls.append(len(x))
            return x.flatten(1).sum(1, keepdim=True).repeat(1, 2)

    cached = features.CachedFeatures(Sum(), photos[:3], np.full((3, 2), -1.0, np.float32))
    images = torch.as_tensor(photos.astype(np.float32)).reshape(5, 3, 8, 8)
    out = cached(images).numpy()
    assert (out[:3] == -1).all()  # from the cache, not computed
    np.testing.assert_allclose(out[3:, 0], photos[3:].astype(np.float32).sum(1))
    assert calls == [2]  # only the two unknown images reach the extractor
    cached.remember(photos[3:], np.zeros((2, 2), np.float32))
    assert (cached(images).numpy()[3:] == 0).all() and calls == [2]


def test_the_filter_keeps_low_margin_candidates_and_fills_up_with_the_lowest(table1):
    class Fake:
        def sample_diagnostics(self, X, y):
            return {"margin": X[:, 0]}

    margins = np.array([0.05, 0.5, 0.15, 0.9, 0.3, 0.6, 0.8, 0.7])
    X, y = margins[:, None], np.array([0, 0, 0, 0, 1, 1, 1, 1])
    rows = table1.filtered(Fake(), (X, y), 0.2, 2)
    # class 0: both passing (0.05, 0.15); class 1: none pass, the two lowest (0.3, 0.6)
    assert sorted(rows.tolist()) == [0, 2, 4, 5]


def test_a_cell_resumes_from_its_result_cache(table1, tmp_path):
    """Rows already in the result cache are not run again: an interrupted run goes
    on with the rows it had not stored (row by row)."""
    import argparse

    from benchmarks.harness import ResultCache

    class FakeCell:
        dataset, n, seed, C, gamma = "mnist70k", 20, 0, 1.0, 0.1
        X, y = np.zeros((20, 784)), np.repeat(np.arange(2), 10)
        scored = 0

        def per_class(self, budget):
            return 2

        def synthetic_features(self, X_syn):
            return np.zeros((len(X_syn), 3)), 0.0

        def score(self, F_syn, y_syn):
            FakeCell.scored += 1
            return 50.0, [50.0, 50.0]

        def augmenter(self, settings, args):
            raise AssertionError("a cached GAN row was trained again")

    args = argparse.Namespace(budget=0.5, n_iter=None, reward_batch_size="auto")
    cache = ResultCache(tmp_path)
    settings = table1.harness.settings_hash({"tag": table1.TAG, "budget": 0.5, "n_iter": None,
                                             "reward_batch_size": "auto"})
    cache.put({"method": "ActiveGAN[paper]", "f1": 1.0}, "mnist70k", 20, 0,
              "ActiveGAN[paper]", settings=settings)
    cell = FakeCell()
    table1.run_cell(cell, ["baseline", "ActiveGAN[paper]", "classical"], args, cache)
    assert FakeCell.scored == 2 and len(cache.rows()) == 3
    table1.run_cell(cell, ["baseline", "ActiveGAN[paper]", "classical"], args, cache)
    assert FakeCell.scored == 2  # nothing run again



def test_the_cost_estimate_divides_only_the_extractors_share(table1):
    """Each missing row: fixed seconds plus its images at the measured cost per image,
    the images' share divided by the speed-up on the fast path; the committed results
    give every part."""
    rows = table1.harness.load_results("table1_native")["rows"]
    parts = table1.cost_parts(rows)
    assert parts["reward"] > 0 and parts["gan"] > 0 and parts["per_image"]["cifar10"] > 0
    fixed, images = table1.row_cost(parts, "mnist70k", 1000, "ActiveGAN[paper]", 5.0)
    assert fixed == parts["gan"] and images > 500
    assert table1.row_cost(parts, "cifar10", 5000, "baseline", 5.0) == (
        table1.SVM_SEARCH_5000, 0)
    slow = table1.cost_table(rows, 1.0)
    fast = table1.cost_table(rows, 4.0)
    totals = [[line.split("|")[-2] for line in table.splitlines() if "in all" in line]
              for table in (slow, fast)]
    assert len(totals[0]) == 3
    # speed-up 1: both columns agree; speed-up 4: the fast path is cheaper
    assert all(line.split("|")[-3] == line.split("|")[-2] for line in slow.splitlines()
               if "in all" in line)
    assert all(float(f.strip(" *min").replace(",", "")) < float(s.strip(" *min").replace(",", ""))
               for f, s in zip(totals[1], totals[0]))
