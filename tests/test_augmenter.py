
import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sk_activegan import ActiveGANAugmenter
from sk_activegan._reward.uncertainty import top_two_margin


def test_sample_shapes_labels_and_counts(blobs, fast_params):
    X, y = blobs
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y)
    X_syn, y_syn = aug.sample(7)
    assert X_syn.shape == (21, 5)
    assert np.isfinite(X_syn).all()
    assert {label: int(np.sum(y_syn == label)) for label in (0, 1, 2)} == {0: 7, 1: 7, 2: 7}
    X_syn, y_syn = aug.sample({2: 4, 0: 1})
    assert y_syn.tolist() == [0, 2, 2, 2, 2]
    assert aug.sample(0)[0].shape == (0, 5)


def test_string_labels_come_back_as_given(blobs, fast_params):
    X, y = blobs
    names = np.array(["cat", "dog", "owl"])[y]
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, names)
    assert aug.classes_.tolist() == ["cat", "dog", "owl"]
    _, y_syn = aug.sample({"owl": 3})
    assert y_syn.tolist() == ["owl"] * 3
    X_res, y_res = aug.fit_resample(X, names)
    assert set(y_res.tolist()) == {"cat", "dog", "owl"}


def test_samples_come_back_in_the_callers_scale(blobs, fast_params):
    X, y = blobs
    X_big = 1e4 + 500.0 * X
    aug = ActiveGANAugmenter(**{**fast_params, "n_iter": 150}, random_state=0).fit(X_big, y)
    X_syn, _ = aug.sample(50)
    # the standardized networks would give values of order 1 without the inverse scaling
    assert np.abs(X_syn.mean(axis=0) - X_big.mean(axis=0)).max() < 2 * X_big.std(axis=0).max()
    assert X_syn.std() > 100


def test_dtype_is_preserved(blobs, fast_params):
    X, y = blobs
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    X_res, y_res = aug.fit_resample(X.astype(np.float32), y.astype(np.int32))
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    assert aug.sample(2)[0].dtype == np.float32


def test_fit_resample_appends_n_synthetic(blobs, fast_params):
    X, y = blobs
    X, y = X[:75], y[:75]  # classes of 30, 30, 15
    aug = ActiveGANAugmenter(**fast_params, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert aug.sampling_strategy_ == {0: 15, 1: 15, 2: 8}  # +50 % of each class
    np.testing.assert_array_equal(X_res[:75], X)
    np.testing.assert_array_equal(y_res[:75], y)
    assert len(X_res) == 75 + 38
    aug.set_params(n_synthetic=4)
    assert np.bincount(aug.fit_resample(X, y)[1]).tolist() == [34, 34, 19]
    aug.set_params(n_synthetic={1: 5})
    assert np.bincount(aug.fit_resample(X, y)[1]).tolist() == [30, 35, 15]
    aug.set_params(n_synthetic=0.0)
    assert len(aug.fit_resample(X, y)[0]) == 75


def test_same_seed_same_samples_and_a_stream(blobs, fast_params):
    X, y = blobs
    first = ActiveGANAugmenter(**fast_params, random_state=7).fit(X, y)
    second = ActiveGANAugmenter(**fast_params, random_state=7).fit(X, y)
    a1, a2 = first.sample(4)[0], first.sample(4)[0]
    b1, b2 = second.sample(4)[0], second.sample(4)[0]
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.allclose(a1, a2)  # successive calls give new rows
    # a refit restarts the same sequence
    np.testing.assert_array_equal(first.fit(X, y).sample(4)[0], a1)
    other = ActiveGANAugmenter(**fast_params, random_state=8).fit(X, y)
    assert not np.allclose(other.sample(4)[0], a1)


def test_fit_does_not_touch_the_global_torch_seed(blobs, fast_params):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    torch.testing.assert_close(torch.rand(3), expected)


def test_sample_before_fit_raises():
    with pytest.raises(NotFittedError):
        ActiveGANAugmenter().sample(3)


def test_history_and_fitted_attributes(blobs, fast_params):
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    assert set(aug.history_) == {"discriminator_loss", "generator_loss", "uncertainty_loss",
                                 "policy_loss", "mean_reward", "realism", "conditioned_margin",
                                 "conditioned_share", "nn_distance_ratio"}
    assert aug.reward_params_ == {"C": 1.0, "gamma": "scale"}
    assert aug.device_.type == "cpu"
    assert aug.n_features_in_ == 5


def test_user_reward_estimator_is_cloned_and_fitted(blobs, fast_params):
    estimator = LogisticRegression()
    aug = ActiveGANAugmenter(**fast_params, reward_estimator=estimator, random_state=0)
    aug.fit(*blobs)
    assert isinstance(aug.reward_estimator_, LogisticRegression)
    assert aug.reward_estimator_ is not estimator
    assert not hasattr(estimator, "coef_")
    assert aug.reward_params_ == {}


def test_plot_history_draws_losses_and_reward(blobs, fast_params):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sk_activegan import plot_history

    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    axes = plot_history(aug, window=5)
    assert len(axes) == 3
    drawn = {line.get_label().split(" ")[0] for ax in axes for line in ax.get_lines()}
    assert drawn == set(aug.history_)  # all nine series
    reward_line = axes[1].get_lines()[0]
    assert len(reward_line.get_xdata()) == np.isfinite(aug.history_["mean_reward"]).sum()
    margin_line = next(line for line in axes[2].get_lines()
                       if line.get_label() == "conditioned_margin")
    assert len(margin_line.get_xdata()) == np.isfinite(aug.history_["conditioned_margin"]).sum()


def test_plot_history_of_an_untrained_generator_says_so(blobs, fast_params):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from sk_activegan import plot_history

    aug = ActiveGANAugmenter(**{**fast_params, "n_iter": 0}, random_state=0).fit(*blobs)
    assert all(len(v) == 0 for v in aug.history_.values())
    with pytest.raises(ValueError, match="n_iter=0"):
        plot_history(aug)


def test_verbose_shows_a_progress_bar(blobs, fast_params, capsys):
    ActiveGANAugmenter(**fast_params, verbose=1, random_state=0).fit(*blobs)
    err = capsys.readouterr().err
    assert "ActiveGAN" in err and "reward=" in err and "40/40" in err


def test_sample_with_scores(blobs, fast_params):
    X, y = blobs
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y)
    X_syn, y_syn, scores = aug.sample(6, return_scores=True)
    assert set(scores) == {"reward", "margin", "conditioned_margin", "realism",
                           "nn_distance_ratio"}
    assert all(v.shape == (18,) and np.isfinite(v).all() for v in scores.values())
    assert ((scores["realism"] > 0) & (scores["realism"] < 1)).all()
    assert ((scores["margin"] >= 0) & (scores["margin"] <= 1)).all()
    assert (scores["conditioned_margin"] <= scores["margin"] + 1e-9).all()
    # the margins are the reward model's
    proba = torch.as_tensor(aug.reward_estimator_.predict_proba(X_syn))
    np.testing.assert_allclose(scores["margin"], top_two_margin(proba).numpy(), atol=1e-5)
    # real training rows lie at their own class's spacing: median ratio about 1 or less
    real = aug.sample_diagnostics(X, y)
    assert np.median(real["nn_distance_ratio"]) == 0.0  # each row is its own nearest
    shifted = aug.sample_diagnostics(X + 100.0, y)
    assert shifted["nn_distance_ratio"].min() > 10 * np.median(scores["nn_distance_ratio"])
    with pytest.raises(ValueError, match="not among the fitted classes"):
        aug.sample_diagnostics(X[:2], ["zebra", 0])


def test_history_has_per_iteration_diagnostics(blobs, fast_params):
    from sk_activegan._training import LOG_INTERVAL

    fast_params["n_iter"] = 2 * LOG_INTERVAL + 7
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(*blobs)
    history = aug.history_
    assert np.isfinite(history["realism"]).all()
    logged = np.isfinite(history["conditioned_share"])
    # every LOG_INTERVAL iterations, and the last
    assert np.flatnonzero(logged).tolist() == [LOG_INTERVAL - 1, 2 * LOG_INTERVAL - 1,
                                               2 * LOG_INTERVAL + 6]
    assert ((history["conditioned_share"][logged] >= 0)
            & (history["conditioned_share"][logged] <= 1)).all()
    assert (history["nn_distance_ratio"][logged] > 0).all()


def test_anchored_generator_stays_within_the_radius(blobs, fast_params):
    X, y = blobs
    aug = ActiveGANAugmenter(**fast_params, random_state=0).fit(X, y)  # the default
    assert aug.modules_.anchored
    X_syn, y_syn, scores = aug.sample(20, return_scores=True)
    # every sample lies within 0.5 class spacings of some real row of its class
    assert scores["nn_distance_ratio"].max() <= 0.5 + 1e-4
    assert scores["nn_distance_ratio"].max() > 0  # and is not a copy
    np.testing.assert_array_equal(
        ActiveGANAugmenter(**fast_params, generator__anchor_radius=0.5, random_state=0).fit(X, y)
        .sample(20)[0], X_syn)
    tight = ActiveGANAugmenter(**fast_params, generator__anchor_radius=0.1, random_state=0).fit(X, y)
    assert tight.sample(20, return_scores=True)[2]["nn_distance_ratio"].max() <= 0.1 + 1e-4


def test_paper_method_has_a_free_generator(blobs, fast_params):
    X, y = blobs
    paper = ActiveGANAugmenter(**fast_params, generator="paper", random_state=0).fit(X, y)
    assert not paper.modules_.anchored
    X_syn, _, scores = paper.sample(50, return_scores=True)
    assert scores["nn_distance_ratio"].max() > 0.5  # not held near the real rows
    # anchor_radius plays no part in the paper's method
    other = ActiveGANAugmenter(**fast_params, generator="paper", generator__anchor_radius=3.0,
                               random_state=0).fit(X, y)
    np.testing.assert_array_equal(other.sample(50)[0], X_syn)
