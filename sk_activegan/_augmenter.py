"""ActiveGANAugmenter: augment every class of a labeled set (a thin front door)."""

import numbers

from sklearn.utils._param_validation import Interval

from ._base import BaseActiveGAN
from ._counts import synthetic_counts


class ActiveGANAugmenter(BaseActiveGAN):
    """Generate informative labeled samples with ActiveGAN (Kong et al., AAAI 2019).

    A conditional GAN (AC-GAN) is trained on ``(X, y)``; after a warm-up, its
    generator is also pushed by a policy-gradient uncertainty loss whose reward
    comes from a classifier trained on the real data (by default a grid-searched,
    calibrated RBF SVM), so that it generates labeled samples near that
    classifier's decision boundary. ``fit_resample`` returns the real samples
    followed by the synthetic ones, as a step of :class:`imblearn.pipeline.Pipeline`.

    Unlike imbalanced-learn's over-samplers, which *balance* classes through
    ``sampling_strategy``, this sampler *augments* every class: how many rows it adds
    per class is ``n_synthetic``. After ``fit_resample``, ``sampling_strategy_``
    holds the number of rows added per class, as imbalanced-learn's samplers do.

    By default the generator is *anchored* (``method="anchored"``): each sample is a
    real row of its class moved by a learned, bounded shift, which the benchmark
    found to lose far less than the paper's free generator on small tabular data
    (see the method page of the documentation). ``method="paper"`` is the paper's
    method exactly.

    Integer and boolean columns come back valid (integers rounded within their
    observed range, booleans both ways), in the caller's dtype(s); a DataFrame in
    gives DataFrames out. Pickles hold the training rows, standardized: the anchored
    generator draws its anchors from them.

    Parameters
    ----------
    method : {"anchored", "paper"}, default="anchored"
        ``"paper"``: the generator maps noise and a label to a sample, ``G(z, y)``,
        as in the paper. ``"anchored"``: ``G(z, y, a)`` is a real row ``a`` of class
        ``y`` plus a learned shift no longer than ``anchor_radius`` (a departure
        from the paper).
    lambda_reward : float, default=0.1
        Weight λ of the uncertainty loss in the generator loss (eq. 11).
        0 trains plain AC-GAN (with the generator ``method`` names).
    epsilon : float, default=0.2
        Margin threshold ε of the margin reward (eq. 8), in [0, 1].
    alpha : float, default=0.5
        Mix α between the margin and the entropy rewards (eq. 9), in [0, 1].
    reward_constant : float, default=0.0
        Margin reward C given beyond ε (eq. 8); 0 in the paper.
    n_iter : int, default=3000
        Generator updates in all, warm-up included.
    warm_up : float or int, default=1/3
        Plain AC-GAN iterations before the uncertainty loss is switched on
        (Algorithm 1, step 4): a share of ``n_iter`` when a float in [0, 1),
        a count clipped to ``n_iter`` when an int.
    discriminator_interval : int, default=1
        The discriminator is updated once every this many generator updates.
    buffer_size : int, default=1024
        Capacity M of the buffer of recent generated samples the policy is fitted on.
    latent_dim : int, default=32
        Dimension of the generator's noise z.
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Hidden layers of the generator and of the discriminator.
    policy_hidden_layer_sizes : tuple of int, default=(128,)
        Hidden layers of the Gaussian policy.
    dropout : float, default=0.3
        Dropout in the discriminator.
    learning_rate : float, default=2e-4
        Adam learning rate of all networks.
    batch_size : int, default=64
        Real and generated samples per iteration.
    n_synthetic : float, int or dict, default=0.5
        Rows ``fit_resample`` adds: a float is a share of each class's size
        (0.5 adds 50 % of every class), an int a count per class, a dict
        ``{label: count}``.
    margin_filter : float or None, default=None
        When set, ``sample`` and ``fit_resample`` keep only rows whose top-two
        margin (eq. 6) under the reward model is at most this value (the paper's
        AC-GAN+F baseline with ``lambda_reward=0``), drawing until the requested
        count is reached. ``sample(..., margin_filter=m)`` overrides it per call.
    anchor_radius : float, default=0.5
        With ``method="anchored"``, the longest shift from the anchor row, in units
        of that class's median nearest-neighbour distance among its distinct rows
        (standardized features). Only used when ``method="anchored"``.
    reward_estimator : classifier with ``predict_proba`` or None, default=None
        Classifier the reward is computed from. It is cloned and fitted on ``(X, y)``
        as given. None builds the paper's grid-searched, sigmoid-calibrated RBF SVM.
    reward_param_grid : dict or None, default=None
        Grid over ``C`` and ``gamma`` for the default reward model.
    categorical_features : "auto", array-like or None, default="auto"
        Columns holding categories, as imbalanced-learn's ``SMOTENC``: column
        indices, a boolean mask, or column names (DataFrames); "auto" takes the
        columns of pandas ``category`` dtype (none for arrays). Each becomes a one-hot
        block for the networks; synthetic rows always carry a category seen in fit
        (the anchor's with ``method="anchored"``, a generated exact one-hot vector with
        ``method="paper"``), given back as the caller gave it (pandas dtypes kept). The
        reward model sees such columns as numbers: numeric categories as they are,
        other categories as their index among the sorted categories. Missing values in
        them are refused.
    device : str or torch.device, default="auto"
        Where the networks train: ``"auto"`` picks CUDA when present; a device
        this machine lacks is a ``ValueError`` before any training.
    random_state : int, RandomState instance or None, default=None
        Seeds network initialisation, training and the sampling stream, through
        random generators the augmenter owns (fits in threads do not disturb each
        other). The same seed gives the same samples on the same machine, torch
        version and torch thread count (floating-point sums depend on the thread
        count: see the FAQ).
    verbose : int, default=0
        Above 0, a progress bar shows the losses and the mean reward.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, as given.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    reward_estimator_ : classifier
        The fitted reward model.
    reward_params_ : dict
        ``C`` and ``gamma`` chosen by the default reward model's grid search
        (empty for a user-given ``reward_estimator``).
    modules_ : torch.nn.Module
        The trained generator, discriminator and policy (``.generator``,
        ``.discriminator``, ``.policy``).
    warm_up_iter_ : int
        Warm-up iterations actually run.
    history_ : dict of ndarray of shape (n_iter,)
        One value per generator update, NaN where not computed at that update:

        - ``discriminator_loss``: eq. 4's losses (only where D was updated);
        - ``generator_loss``: eq. 5's AC-GAN generator loss;
        - ``uncertainty_loss``: eq. 12's policy-gradient loss (after the warm-up);
        - ``policy_loss``: the policy's negative log-likelihood on the buffer;
        - ``mean_reward``: the batch's mean reward, eq. 9 (in the ActiveGAN phase
          and at logging points);
        - ``realism``: the discriminator's mean probability that the batch is real;
        - ``conditioned_margin``: the batch's mean p(y|x) - max p(other|x)
          (logging points);
        - ``conditioned_share``: the share of the batch the reward model puts in
          its own class (logging points);
        - ``nn_distance_ratio``: the batch's median distance to the nearest real
          row of its class over that class's spacing (logging points).
    device_ : torch.device
        Where the networks live.
    sampling_strategy_ : dict
        After ``fit_resample``: rows added per class.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_activegan import ActiveGANAugmenter
    >>> X, y = load_iris(return_X_y=True)
    >>> aug = ActiveGANAugmenter(n_iter=50, hidden_layer_sizes=(32,),
    ...                          reward_param_grid={"C": [1.0], "gamma": ["scale"]},
    ...                          random_state=0)
    >>> X_syn, y_syn = aug.fit(X, y).sample(n_per_class=5)
    >>> X_syn.shape, sorted(set(y_syn.tolist()))
    ((15, 4), [0, 1, 2])
    >>> X_res, y_res = aug.fit_resample(X, y)
    >>> X_res.shape
    (225, 4)
    """

    _sampling_type = "bypass"

    _parameter_constraints = {
        **BaseActiveGAN._parameter_constraints,
        "n_synthetic": [Interval(numbers.Real, 0, None, closed="left"),
                        Interval(numbers.Integral, 0, None, closed="left"), dict],
    }

    def __init__(self, *, method="anchored", lambda_reward=0.1, epsilon=0.2, alpha=0.5,
                 reward_constant=0.0, n_iter=3000, warm_up=1 / 3, discriminator_interval=1,
                 buffer_size=1024, latent_dim=32, hidden_layer_sizes=(256, 256),
                 policy_hidden_layer_sizes=(128,), dropout=0.3, learning_rate=2e-4,
                 batch_size=64, n_synthetic=0.5, margin_filter=None, anchor_radius=0.5,
                 reward_estimator=None, reward_param_grid=None, categorical_features="auto",
                 device="auto", random_state=None, verbose=0):
        super().__init__(
            method=method, lambda_reward=lambda_reward, epsilon=epsilon, alpha=alpha,
            reward_constant=reward_constant, n_iter=n_iter, warm_up=warm_up,
            discriminator_interval=discriminator_interval, buffer_size=buffer_size,
            latent_dim=latent_dim, hidden_layer_sizes=hidden_layer_sizes,
            policy_hidden_layer_sizes=policy_hidden_layer_sizes, dropout=dropout,
            learning_rate=learning_rate, batch_size=batch_size, margin_filter=margin_filter,
            anchor_radius=anchor_radius, reward_estimator=reward_estimator,
            reward_param_grid=reward_param_grid, categorical_features=categorical_features,
            device=device, random_state=random_state, verbose=verbose)
        self.n_synthetic = n_synthetic

    def _counts_to_add(self, y):
        """``n_synthetic`` per class: a share of each class's size, a count, or a dict."""
        return synthetic_counts(y, self.n_synthetic)
