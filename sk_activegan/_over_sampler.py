"""ActiveGANOverSampler: balance imbalanced classes (a thin front door)."""

from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy

from ._base import BaseActiveGAN


class ActiveGANOverSampler(BaseActiveGAN, BaseOverSampler):
    """Over-sample imbalanced classes with ActiveGAN's informative samples.

    An imbalanced-learn over-sampler: ``sampling_strategy`` has imbalanced-learn's
    meaning (by default every class is brought up to the majority's size), and
    synthetic rows are generated only for the classes it names. They come from the
    same engine as :class:`ActiveGANAugmenter`: an AC-GAN trained on all classes,
    whose generator is pushed by the uncertainty reward of a calibrated SVM towards
    the decision boundary (the learned form of BorderlineSMOTE / SVMSMOTE), anchored
    by default on real rows of the class it generates.

    For classes with few rows (6 to 30 are common in imbalanced data):

    - every training batch draws its real rows **class-balanced** (each class equally
      often, rows uniform within it), so the generator of a rare class trains as
      often as the majority's;
    - the generator is conditioned on the label and, when anchored (the default),
      on a real row of that class: samples stay within ``anchor_radius`` class
      spacings of the minority's own rows, so a discriminator that memorises a dozen
      rows cannot pull them away, and its dropout (0.3) keeps it from fitting them
      exactly;
    - the reward model's grid search and Platt calibration use stratified folds, as
      many as the smallest class allows (at most 5): a class needs 2 rows, fewer
      than SMOTE's default ``k_neighbors=5`` asks for.

    Integer and boolean columns come back valid, in the caller's dtype(s); a
    DataFrame in gives DataFrames out. Pickles hold the training rows, standardized.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many rows to generate, with imbalanced-learn's meaning: a float (binary
        targets only) is the minority-to-majority ratio after resampling; "auto"
        (= "not majority"), "minority", "not minority", "not majority" and "all"
        equalize the named classes with the majority; a dict ``{label: n_rows}`` gives
        each named class its size after resampling; a callable maps ``y`` to such a
        dict. Only these classes get synthetic rows.
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
        After ``fit`` or ``fit_resample``: rows added per resampled class.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sk_activegan import ActiveGANOverSampler
    >>> X, y = make_classification(n_samples=120, weights=[0.85], random_state=0)
    >>> sampler = ActiveGANOverSampler(n_iter=50, hidden_layer_sizes=(32,),
    ...                                reward_param_grid={"C": [1.0], "gamma": ["scale"]},
    ...                                random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y).tolist(), np.bincount(y_res).tolist()
    ([102, 18], [102, 102])
    >>> sampler.sampling_strategy_
    {1: 84}
    """

    _sampling_type = "over-sampling"
    _balanced_batches = True

    _parameter_constraints = {
        **BaseActiveGAN._parameter_constraints,
        "sampling_strategy": BaseOverSampler._parameter_constraints["sampling_strategy"],
    }

    def __init__(self, *, sampling_strategy="auto", method="anchored", lambda_reward=0.1,
                 epsilon=0.2, alpha=0.5, reward_constant=0.0, n_iter=3000, warm_up=1 / 3,
                 discriminator_interval=1, buffer_size=1024, latent_dim=32,
                 hidden_layer_sizes=(256, 256), policy_hidden_layer_sizes=(128,), dropout=0.3,
                 learning_rate=2e-4, batch_size=64, margin_filter=None, anchor_radius=0.5,
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
        self.sampling_strategy = sampling_strategy

    def _counts_to_add(self, y):
        """imbalanced-learn's ``check_sampling_strategy``: rows to add per class."""
        strategy = check_sampling_strategy(self.sampling_strategy, y, self._sampling_type)
        return {label.item() if hasattr(label, "item") else label: int(count)
                for label, count in strategy.items()}
