"""Colour images: the warp generator and the convolutional networks at 3 x 32 x 32,
on real CIFAR-10 photos where the shared data is present, the warp's optional
horizontal flip, and the default family of grey and colour images."""

import io

import numpy as np
import pytest
import torch

from sk_activegan import ActiveGANAugmenter
from sk_activegan._networks.conv import WarpNet

from conftest import SHARED_DATA

SMALL = dict(n_iter=30, generator__hidden_layer_sizes=(8, 16, 32), generator__policy_hidden_layer_sizes=(16,),
             generator__latent_dim=8, generator__batch_size=16, generator__buffer_size=64,
             reward_param_grid={"C": [10.0], "gamma": ["scale"]}, device="cpu", random_state=0)


@pytest.fixture(scope="module")
def cifar():
    """60 training photos of three classes (airplane, automobile, bird), 20 each:
    flat channel-first uint8 rows, as the image mode takes them."""
    path = SHARED_DATA / "cifar10_jpeg.npz"
    if not path.exists():
        pytest.skip(f"{path} is not available (only CI has ../shared beside the clone)")
    image_module = pytest.importorskip("PIL.Image")
    data = np.load(path)
    y_all = data["y_train"]
    rows = np.concatenate([np.flatnonzero(y_all == c)[:20] for c in range(3)])
    buffer, offsets = data["jpeg_train"], data["offsets_train"]
    X = np.stack([np.asarray(image_module.open(io.BytesIO(
        buffer[offsets[i]:offsets[i + 1]].tobytes())).convert("RGB")) for i in rows])
    return X.transpose(0, 3, 1, 2).reshape(len(X), -1), y_all[rows]


def _nearest_real(X_syn, X):
    d = ((X_syn[:, None, :].astype(np.float64) - X[None].astype(np.float64)) ** 2).sum(-1)
    return d.argmin(1), np.sqrt(d.min(1))


def test_warp_generator_on_cifar_keeps_colour_and_class(cifar):
    X, y = cifar
    aug = ActiveGANAugmenter(image_shape=(3, 32, 32), generator="warp", **SMALL).fit(X, y)
    X_syn, y_syn = aug.sample(n_per_class=10)
    assert X_syn.shape == (30, 3 * 32 * 32) and X_syn.dtype == np.uint8
    images = X_syn.reshape(-1, 3, 32, 32).astype(np.float64)
    # colour is kept: the channels differ (not grey), as in the photos
    assert np.abs(images[:, 0] - images[:, 2]).mean() > 5
    # each sample is a moved photo of its own class: its nearest real photo (pixel
    # distance) is mostly of its class (chance: a third), and it is not a copy
    nearest, distance = _nearest_real(X_syn, X)
    assert (y[nearest] == y_syn).mean() >= 0.8
    assert (distance > 0).all()
    # the warp moves pixels, it does not repaint: a sample's mean colour is close to
    # that of its nearest photo of the class
    own = np.array([np.flatnonzero(y == label)[_nearest_real(row[None], X[y == label])[0][0]]
                    for row, label in zip(X_syn, y_syn)])
    mean_colour = images.mean((2, 3))
    real_colour = X.reshape(-1, 3, 32 * 32).astype(np.float64).mean(2)[own]
    assert np.median(np.abs(mean_colour - real_colour)) < 15


def test_paper_generator_on_cifar_makes_colour_images(cifar):
    X, y = cifar
    aug = ActiveGANAugmenter(image_shape=(3, 32, 32), generator="paper", **SMALL).fit(X, y)
    X_syn, y_syn = aug.sample(n_per_class=4)
    assert X_syn.shape == (12, 3072) and X_syn.dtype == np.uint8
    assert np.isfinite(aug.history_["generator_loss"]).all()
    images = X_syn.reshape(-1, 3, 32, 32).astype(np.float64)
    assert np.abs(images[:, 0] - images[:, 1]).mean() > 0  # three distinct channels
    assert X_syn.min() >= X.min() and X_syn.max() <= X.max()


def test_warp_flip_mirrors_exactly():
    """The flip's hidden noise dimension mirrors the image and changes nothing else:
    with every other input equal, a flipped sample is the unflipped one mirrored."""
    net = WarpNet(8, 3, (3, 16, 16), (4, 8), radius=0.5, flip=True)
    anchor = torch.rand(2, 3 * 16 * 16) * 2 - 1
    z = torch.randn(2, 8)
    z[:, :4] = 0.0
    with torch.no_grad():
        net.head.bias.zero_()
        net.head.weight.zero_()  # the identity transform
        z[:, 4] = -1.0
        plain = net(z, torch.tensor([0, 1]), anchor).reshape(2, 3, 16, 16)
        z[:, 4] = 1.0
        mirrored = net(z, torch.tensor([0, 1]), anchor).reshape(2, 3, 16, 16)
    torch.testing.assert_close(plain, anchor.reshape(2, 3, 16, 16), atol=1e-5, rtol=0)
    torch.testing.assert_close(mirrored, plain.flip(-1), atol=1e-5, rtol=0)
    # the network does not see the flip's noise: 8 - 5 hidden dimensions + 3 classes
    assert net.body[0].in_features == 4 * 4 + (8 - 5) + 3
    # the family refuses a flip without its noise dimension, before any network
    from sk_activegan.generators import WarpGenerator
    from sk_activegan.spaces import ImageSpace

    with pytest.raises(ValueError, match="latent_dim of at least 5"):
        WarpGenerator(latent_dim=4, horizontal_flip=True).check(ImageSpace((3, 16, 16)),
                                                                 n_features=768)


def test_horizontal_flip_mirrors_half_the_samples(cifar):
    """With ``horizontal_flip``, about half the samples are mirrored photos: each
    sample is nearer its nearest photo's mirror than that photo itself about half
    the time; without it, almost never."""
    X, y = cifar
    images = X.reshape(-1, 3, 32, 32).astype(np.float64)
    mirrored = images[..., ::-1].reshape(len(X), -1)
    shares = {}
    for flip in (False, True):
        aug = ActiveGANAugmenter(image_shape=(3, 32, 32), generator="warp",
                                 generator__horizontal_flip=flip,
                                 **{**SMALL, "n_iter": 6}).fit(X, y)
        X_syn, _ = aug.sample(n_per_class=20)
        both = np.concatenate([X.astype(np.float64), mirrored])
        nearest, _ = _nearest_real(X_syn, both)
        shares[flip] = float((nearest >= len(X)).mean())
    assert shares[False] < 0.2
    assert 0.25 < shares[True] < 0.75


def test_horizontal_flip_needs_a_hidden_noise_dimension(cifar):
    X, y = cifar
    with pytest.raises(ValueError, match="latent_dim of at least 5"):
        ActiveGANAugmenter(image_shape=(3, 32, 32), generator="warp",
                           generator__horizontal_flip=True,
                           **{**SMALL, "generator__latent_dim": 4}).fit(X, y)


def test_auto_is_the_warp_on_grey_images_and_the_augmentation_policy_on_colour():
    from sk_activegan._spaces.image import ImageSpace

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 12)
    params = dict(n_iter=0, reward_param_grid={"C": [1.0], "gamma": ["scale"]},
                  device="cpu", random_state=0)
    for shape, family in (((8, 8), "warp"), ((1, 8, 8), "warp"), ((3, 8, 8), "augment")):
        X = rng.random((24, int(np.prod(shape))))
        aug = ActiveGANAugmenter(image_shape=shape, **params).fit(X, y)
        assert aug.generator_.name == family, shape
    assert ImageSpace((3, 8, 8)).defaults.n_synthetic == ImageSpace((1, 8, 8)).defaults.n_synthetic
