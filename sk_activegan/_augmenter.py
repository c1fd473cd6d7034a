"""ActiveGANAugmenter: the scikit-learn / imbalanced-learn surface of the method."""

import copy
import numbers
import warnings

import numpy as np
import torch
from imblearn.base import BaseSampler
from imblearn.utils import check_target_type
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import LabelEncoder, StandardScaler, label_binarize
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._reward_model import fit_default_reward_model, n_folds_for
from ._rewards import conditioned_margin, top_two_margin, uncertainty_reward
from ._torch_reward import NumpyProba, reward_proba_module
from ._training import ActiveGANModules, TrainingSchedule, train

#: Rows generated per forward pass in :meth:`ActiveGANAugmenter.sample`.
SAMPLE_CHUNK_ROWS = 65_536
#: Same-class neighbours an interpolating generator draws its segment ends from (as SMOTE).
INTERPOLATION_NEIGHBOURS = 5
#: Candidate rounds the margin filter draws before it fills up with the closest rejects.
MAX_FILTER_ROUNDS = 20


def resolve_device(device):
    """``"auto"`` is CUDA when available, else the CPU; anything else as torch reads it."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"Unknown device {device!r}: use 'auto', 'cpu' or 'cuda[:N]'.") from exc


class ActiveGANAugmenter(BaseSampler):
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
    method exactly, as long as the options marked "a departure from the paper" keep
    their defaults.

    Parameters
    ----------
    method : {"anchored", "interpolated", "paper"}, default="anchored"
        ``"paper"``: the generator maps noise and a label to a sample, ``G(z, y)``,
        as in the paper. ``"anchored"``: ``G(z, y, a)`` is a real row ``a`` of class
        ``y`` plus a learned shift no longer than ``anchor_radius``.
        ``"interpolated"``: ``G(z, y, a, b)`` is a learned point on the segment from
        ``a`` to ``b``, one of its 5 nearest neighbours in its class (SMOTE's
        interpolation, its position chosen by the GAN and the reward). Both are
        departures from the paper.
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
        When set, ``sample`` keeps only rows whose top-two margin (eq. 6) under the
        reward model is at most this value (the paper's AC-GAN+F baseline with
        ``lambda_reward=0``), drawing until the requested count is reached.
    reward_margin : {"top_two", "conditioned"}, default="top_two"
        ``"top_two"`` is eq. 8's margin between the two most probable classes;
        ``"conditioned"`` rewards only samples near the boundary on the side of
        their own label (a departure from the paper).
    realism_gate : bool, default=False
        Multiply the reward by the discriminator's probability that the sample is
        real, so that leaving the data earns nothing (a departure from the paper).
    reward_gradient : {"policy", "pathwise"}, default="policy"
        ``"policy"`` is eq. 12's policy gradient through the Gaussian policy;
        ``"pathwise"`` follows the exact gradient of the reward through the torch
        port of the reward model (default SVM or skorch net; a departure from the
        paper).
    anchor_radius : float, default=0.5
        With ``method="anchored"``, the longest shift from the anchor row, in units
        of that class's median nearest-neighbour distance (standardized features).
        Ignored with ``method="paper"``.
    scale_lambda : bool, default=False
        Scale λ by ``|L_AC-GAN| / |L_u|`` at every step, so that λ weighs the two
        losses' sizes rather than their raw values.
    reward_estimator : classifier with ``predict_proba`` or None, default=None
        Classifier the reward is computed from. It is cloned and fitted on ``(X, y)``
        as given. None builds the paper's grid-searched, sigmoid-calibrated RBF SVM.
    reward_param_grid : dict or None, default=None
        Grid over ``C`` and ``gamma`` for the default reward model.
    device : str or torch.device, default="auto"
        Where the networks train: ``"auto"`` picks CUDA when present.
    random_state : int, RandomState instance or None, default=None
        Seeds network initialisation, training and the sampling stream.
    verbose : int, default=0
        Above 0, a progress bar shows the losses and the mean reward.
    log_interval : int, default=50
        Iterations between host synchronisations (divergence check, progress bar).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, as given.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    reward_estimator_ : classifier
        The fitted reward model.
    reward_params_ : dict
        ``C`` and ``gamma`` chosen by the default reward model's grid search
        (empty for a user-given ``reward_estimator``).
    modules_ : ActiveGANModules
        The trained generator, discriminator and policy.
    scaler_ : StandardScaler
        The internal standardization; samples come back in the caller's scale.
    warm_up_iter_ : int
        Warm-up iterations actually run.
    history_ : dict of ndarray
        Per-iteration ``discriminator_loss``, ``generator_loss``,
        ``uncertainty_loss``, ``policy_loss`` and ``mean_reward`` (NaN where not
        computed at that iteration).
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
        "method": [StrOptions({"anchored", "interpolated", "paper"})],
        "lambda_reward": [Interval(numbers.Real, 0, None, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="both")],
        "alpha": [Interval(numbers.Real, 0, 1, closed="both")],
        "reward_constant": [Interval(numbers.Real, None, None, closed="neither")],
        "n_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_up": [
            Interval(numbers.Real, 0, 1, closed="left"),
            Interval(numbers.Integral, 0, None, closed="left"),
        ],
        "discriminator_interval": [Interval(numbers.Integral, 1, None, closed="left")],
        "buffer_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like"],
        "policy_hidden_layer_sizes": ["array-like"],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_synthetic": [
            Interval(numbers.Real, 0, None, closed="left"),
            Interval(numbers.Integral, 0, None, closed="left"),
            dict,
        ],
        "margin_filter": [Interval(numbers.Real, 0, 1, closed="both"), None],
        "reward_margin": [StrOptions({"top_two", "conditioned"})],
        "realism_gate": ["boolean"],
        "reward_gradient": [StrOptions({"policy", "pathwise"})],
        "scale_lambda": ["boolean"],
        "anchor_radius": [Interval(numbers.Real, 0, None, closed="neither")],
        "reward_estimator": [HasMethods(["fit", "predict_proba"]), None],
        "reward_param_grid": [dict, None],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "log_interval": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        method="anchored",
        lambda_reward=0.1,
        epsilon=0.2,
        alpha=0.5,
        reward_constant=0.0,
        n_iter=3000,
        warm_up=1 / 3,
        discriminator_interval=1,
        buffer_size=1024,
        latent_dim=32,
        hidden_layer_sizes=(256, 256),
        policy_hidden_layer_sizes=(128,),
        dropout=0.3,
        learning_rate=2e-4,
        batch_size=64,
        n_synthetic=0.5,
        margin_filter=None,
        reward_margin="top_two",
        realism_gate=False,
        reward_gradient="policy",
        scale_lambda=False,
        anchor_radius=0.5,
        reward_estimator=None,
        reward_param_grid=None,
        device="auto",
        random_state=None,
        verbose=0,
        log_interval=50,
    ):
        self.method = method
        self.lambda_reward = lambda_reward
        self.epsilon = epsilon
        self.alpha = alpha
        self.reward_constant = reward_constant
        self.n_iter = n_iter
        self.warm_up = warm_up
        self.discriminator_interval = discriminator_interval
        self.buffer_size = buffer_size
        self.latent_dim = latent_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.policy_hidden_layer_sizes = policy_hidden_layer_sizes
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_synthetic = n_synthetic
        self.margin_filter = margin_filter
        self.reward_margin = reward_margin
        self.realism_gate = realism_gate
        self.reward_gradient = reward_gradient
        self.scale_lambda = scale_lambda
        self.anchor_radius = anchor_radius
        self.reward_estimator = reward_estimator
        self.reward_param_grid = reward_param_grid
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.log_interval = log_interval

    # ------------------------------------------------------------------ fitting

    def fit(self, X, y):
        """Fit the reward model, then train the AC-GAN and the ActiveGAN phase.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Dense, finite, numeric features.
        y : array-like of shape (n_samples,)
            Class labels (at least two classes, two samples each).

        Returns
        -------
        self : ActiveGANAugmenter
        """
        self._validate_params()
        X, y = self._check_X_y(X, y)
        return self._fit(X, y)

    def fit_resample(self, X, y):
        """Fit, then return the real samples followed by ``n_synthetic`` new ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            A one-vs-all binarized target comes back binarized.

        Returns
        -------
        X_resampled : same container as X, of shape (n_samples + n_new, n_features)
        y_resampled : same container as y
        """
        self._validate_params()
        arrays_transformer = ArraysTransformer(X, y)
        X, y = self._check_X_y(X, y)
        X_res, y_res = self._fit_resample(X, y)
        if self._binarized_target:
            y_res = label_binarize(y_res, classes=self.classes_)
        return arrays_transformer.transform(X_res, y_res)

    def _fit_resample(self, X, y):
        self._fit(X, y)
        counts = self._synthetic_counts(y)
        X_new, y_new = self._generate(counts)
        self.sampling_strategy_ = dict(zip(self.classes_.tolist(), counts.tolist()))
        return np.concatenate([X, X_new]), np.concatenate([y, y_new])

    def _check_X_y(self, X, y):
        """Validate X and y; labels of a one-vs-all binarized y are decoded."""
        if y is None:
            raise ValueError(
                "ActiveGANAugmenter requires y to be passed, but the target y is None."
            )
        check_classification_targets(y)
        y, self._binarized_target = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(
            self, X, y, reset=True, accept_sparse=False, dtype=[np.float64, np.float32],
            ensure_all_finite=True, ensure_min_samples=2,
        )
        if type_of_target(y) not in ("binary", "multiclass"):
            raise ValueError(f"Unknown label type: {type_of_target(y)!r}.")
        return X, y

    def _fit(self, X, y):
        """Fit on validated arrays; on any error the previous fitted state is kept."""
        previous_state = self.__dict__.copy()
        try:
            return self._fit_unchecked(X, y)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise

    def _fit_unchecked(self, X, y):
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                "ActiveGANAugmenter needs at least 2 classes in y; got 1 class "
                f"({encoder.classes_[0]!r})."
            )
        if self.reward_estimator is None:
            n_folds_for(y)  # fail early, naming the caller's labels
        y_encoded = encoder.transform(y)
        reward_model, reward_params = self._fit_reward_model(X, y_encoded)
        scaler = StandardScaler().fit(X)
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        train_seed, sample_seed = rng.randint(np.iinfo(np.int32).max, size=2)

        self._output_dtype = X.dtype
        self.classes_ = encoder.classes_
        self.scaler_ = scaler
        self.reward_estimator_ = reward_model
        self._reward_proba_module = self._caller_affine = None  # derived, built on first use
        self.reward_params_ = reward_params
        self.device_ = device
        self.warm_up_iter_ = self._warm_up_iterations()
        X_std = scaler.transform(X)
        self._remember_real_data(X_std, y_encoded)
        if self.reward_gradient == "pathwise" and isinstance(self._reward_proba, NumpyProba):
            raise ValueError(
                "reward_gradient='pathwise' needs a reward model torch can differentiate: "
                "the default calibrated SVM (make_reward_model) or a skorch classifier; "
                f"got {type(reward_model).__name__}."
            )
        history, modules = self._train(X_std, y_encoded, int(train_seed))
        self.modules_ = modules
        self.history_ = history
        self._sample_rng = np.random.default_rng(int(sample_seed))
        return self

    def _fit_reward_model(self, X, y_encoded):
        if self.reward_estimator is None:
            return fit_default_reward_model(X, y_encoded, self.reward_param_grid)
        return clone(self.reward_estimator).fit(X, y_encoded), {}

    def _warm_up_iterations(self):
        if isinstance(self.warm_up, numbers.Integral):
            return int(min(self.warm_up, self.n_iter))
        return int(self.warm_up * self.n_iter)

    def _train(self, X_std, y_encoded, seed):
        device = self.device_
        fork_devices = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=fork_devices, device_type=device.type):
            torch.manual_seed(seed)
            modules = ActiveGANModules(
                n_features=X_std.shape[1],
                n_classes=len(self.classes_),
                latent_dim=self.latent_dim,
                hidden_layer_sizes=tuple(self.hidden_layer_sizes),
                policy_hidden_layer_sizes=tuple(self.policy_hidden_layer_sizes),
                dropout=self.dropout,
                anchor_radius=None if self.method != "anchored"
                else self.anchor_radius * self._real_spacing,
                interpolate=self.method == "interpolated",
            ).to(device)
            X_tensor = torch.as_tensor(X_std, dtype=torch.float32, device=device)
            y_tensor = torch.as_tensor(y_encoded, dtype=torch.long, device=device)
            schedule = TrainingSchedule(
                n_iter=self.n_iter,
                warm_up_iter=self.warm_up_iter_,
                lambda_reward=float(self.lambda_reward),
                batch_size=self.batch_size,
                learning_rate=float(self.learning_rate),
                discriminator_interval=self.discriminator_interval,
                buffer_size=self.buffer_size,
                log_interval=self.log_interval,
                reward_gradient=self.reward_gradient,
                realism_gate=self.realism_gate,
                scale_lambda=self.scale_lambda,
            )
            progress = self._progress_bar()
            try:
                partners = (None if self._real_partners is None
                            else torch.as_tensor(self._real_partners, device=device))
                history = train(modules, X_tensor, y_tensor, self._reward, schedule, progress,
                                diagnostics_fn=self._batch_diagnostics, partners=partners)
            finally:
                if progress is not None:
                    progress.close()
        return history, modules

    def _progress_bar(self):
        if not self.verbose:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=self.n_iter, desc="ActiveGAN", unit="it")

    # ----------------------------------------------------------------- rewards

    @property
    def _reward_proba(self):
        """Reward-model probabilities as a torch module on the device (derived state).

        Built from ``reward_estimator_`` on first use after fit or unpickling: a
        torch port for the default calibrated SVC, the module for a skorch net,
        ``predict_proba`` on the host otherwise.
        """
        module = self.__dict__.get("_reward_proba_module")
        if module is None:
            module = reward_proba_module(self.reward_estimator_, self.device_)
            self._reward_proba_module = module
        return module

    def _proba(self, x_std):
        """Reward-model class probabilities of standardized samples, as a tensor."""
        affine = self.__dict__.get("_caller_affine")
        if affine is None:  # copied to the device once, not at every iteration
            affine = tuple(torch.as_tensor(v, dtype=torch.float64, device=self.device_)
                           for v in (self.scaler_.scale_, self.scaler_.mean_))
            self._caller_affine = affine
        scale, mean = affine
        return self._reward_proba(x_std.to(torch.float64) * scale + mean)

    def _reward_from_proba(self, proba, y_encoded):
        """Uncertainty reward (eq. 9) with this augmenter's settings."""
        return uncertainty_reward(
            proba, alpha=self.alpha, epsilon=self.epsilon, constant=self.reward_constant,
            y=y_encoded if self.reward_margin == "conditioned" else None,
        )

    def _reward(self, x_std, y_encoded):
        """Uncertainty reward (eq. 9) of generated standardized samples.

        Differentiable in ``x_std`` when it requires grad (``reward_gradient="pathwise"``).
        """
        with torch.set_grad_enabled(x_std.requires_grad):
            return self._reward_from_proba(self._proba(x_std).to(x_std.dtype), y_encoded)

    # -------------------------------------------------------------- diagnostics

    def _remember_real_data(self, X_std, y_encoded):
        """Keep the standardized real rows per class, and their own NN spacing."""
        self._real_std = X_std.astype(np.float32)
        self._real_labels = y_encoded
        spacing = np.ones(len(self.classes_))
        for c in range(len(self.classes_)):
            rows = self._real_std[y_encoded == c]
            if len(rows) > 1:
                distances, _ = NearestNeighbors(n_neighbors=2).fit(rows).kneighbors(rows)
                spacing[c] = max(float(np.median(distances[:, 1])), 1e-12)
        self._real_spacing = spacing
        self._real_partners = None
        if self.method == "interpolated":
            self._real_partners = _class_neighbours(self._real_std, y_encoded,
                                                    INTERPOLATION_NEIGHBOURS)

    def _nn_distance_ratio(self, x_std, y_encoded):
        """Distance to the nearest real row of the same class, over that class's spacing."""
        ratio = torch.empty(len(x_std), device=x_std.device)
        for c in torch.unique(y_encoded).tolist():
            mask = y_encoded == c
            real = torch.from_numpy(self._real_std[self._real_labels == c]).to(x_std.device)
            nearest = torch.cdist(x_std[mask].float(), real).min(dim=1).values
            ratio[mask] = nearest / float(self._real_spacing[c])
        return ratio

    @torch.no_grad()
    def _scores_std(self, x_std, y_encoded):
        proba = self._proba(x_std)
        source, _ = self.modules_.discriminator(x_std)
        return {
            "reward": self._reward_from_proba(proba, y_encoded),
            "margin": top_two_margin(proba),
            "conditioned_margin": conditioned_margin(proba, y_encoded),
            "realism": torch.sigmoid(source),
            "nn_distance_ratio": self._nn_distance_ratio(x_std, y_encoded),
        }

    @torch.no_grad()
    def _batch_diagnostics(self, x_std, y_encoded):
        """Batch summaries for ``history_``: conditioned margin, own-class share, NN ratio."""
        own = conditioned_margin(self._proba(x_std), y_encoded)
        return torch.stack([
            own.mean().float(), (own > 0).float().mean(),
            self._nn_distance_ratio(x_std, y_encoded).median(),
        ])

    def sample_diagnostics(self, X, y):
        """Per-sample figures for rows ``X`` labeled ``y`` (generated or not).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            In the caller's scale, as ``sample`` returns them.
        y : array-like of shape (n_samples,)
            Their (conditioned) labels, among ``classes_``.

        Returns
        -------
        scores : dict of ndarray of shape (n_samples,)
            ``reward``: the uncertainty reward (eq. 9, with this augmenter's
            settings); ``margin``: the reward model's top-two margin (eq. 6);
            ``conditioned_margin``: p(y|x) - max p(other|x), negative when the
            reward model assigns the row to another class; ``realism``: the
            discriminator's probability that the row is real;
            ``nn_distance_ratio``: distance to the nearest real training row of the
            same class, over the median nearest-neighbour distance among that
            class's real rows (standardized features; about 1 means "as close as
            real rows are to each other").
        """
        check_is_fitted(self, "modules_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        y = column_or_1d(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels.")
        return self._diagnostics(X, y)

    def _diagnostics(self, X, y):
        known = {label: i for i, label in enumerate(self.classes_.tolist())}
        unknown = set(y.tolist()) - set(known)
        if unknown:
            raise ValueError(f"y names classes {sorted(map(repr, unknown))} that are not "
                             f"among the fitted classes {self.classes_.tolist()}.")
        y_encoded = torch.as_tensor([known[label] for label in y.tolist()], dtype=torch.long,
                                    device=self.device_)
        x_std = torch.as_tensor(self.scaler_.transform(X), dtype=torch.float32,
                                device=self.device_)
        scores = {name: [] for name in ("reward", "margin", "conditioned_margin", "realism",
                                        "nn_distance_ratio")}
        for start in range(0, len(x_std), SAMPLE_CHUNK_ROWS):
            chunk = self._scores_std(x_std[start:start + SAMPLE_CHUNK_ROWS],
                                     y_encoded[start:start + SAMPLE_CHUNK_ROWS])
            for name, value in chunk.items():
                scores[name].append(value.double().cpu().numpy())
        return {name: np.concatenate(parts) if parts else np.empty(0)
                for name, parts in scores.items()}

    # ----------------------------------------------------------------- sampling

    def sample(self, n_per_class, *, return_scores=False):
        """Generate labeled samples from the trained generator.

        Successive calls continue one random stream seeded from ``random_state``,
        so they give new rows; a refit with the same seed repeats the sequence.

        Parameters
        ----------
        n_per_class : int or dict
            Rows per class: one count for every class, or ``{label: count}``
            (classes not named get none).
        return_scores : bool, default=False
            Also return :meth:`sample_diagnostics` of the generated rows.

        Returns
        -------
        X_syn : ndarray (or DataFrame when fitted on one) of shape (n_rows, n_features)
            In the caller's scale and dtype, grouped by class.
        y_syn : ndarray of shape (n_rows,)
            The conditioned labels, as the caller gave them.
        scores : dict of ndarray
            Only with ``return_scores=True``: see :meth:`sample_diagnostics`.
        """
        check_is_fitted(self, "modules_")
        X_new, y_new = self._generate(self._requested_counts(n_per_class))
        scores = self._diagnostics(X_new, y_new) if return_scores else None
        if hasattr(self, "feature_names_in_"):
            import pandas as pd

            X_new = pd.DataFrame(X_new, columns=self.feature_names_in_)
        return (X_new, y_new, scores) if return_scores else (X_new, y_new)

    def _requested_counts(self, n_per_class):
        if isinstance(n_per_class, dict):
            counts = np.zeros(len(self.classes_), dtype=np.int64)
            known = {label: i for i, label in enumerate(self.classes_.tolist())}
            for label, count in n_per_class.items():
                key = label.item() if isinstance(label, np.generic) else label
                if key not in known:
                    raise ValueError(
                        f"n_per_class names class {label!r}, which is not among the "
                        f"fitted classes {self.classes_.tolist()}."
                    )
                counts[known[key]] = _check_count(count, f"n_per_class[{label!r}]")
            return counts
        count = _check_count(n_per_class, "n_per_class")
        return np.full(len(self.classes_), count, dtype=np.int64)

    def _synthetic_counts(self, y):
        """Rows per class ``fit_resample`` adds, from ``n_synthetic``."""
        if isinstance(self.n_synthetic, dict):
            return self._requested_counts(self.n_synthetic)
        if isinstance(self.n_synthetic, numbers.Integral):
            return np.full(len(self.classes_), int(self.n_synthetic), dtype=np.int64)
        class_sizes = np.array([np.sum(y == label) for label in self.classes_])
        return np.round(self.n_synthetic * class_sizes).astype(np.int64)

    def _generate(self, counts):
        """Rows per class in the caller's scale, dtype and labels.

        The output is allocated once and filled chunk by chunk, so memory beyond
        the result itself stays bounded by ``SAMPLE_CHUNK_ROWS``.
        """
        X_new = np.empty((int(counts.sum()), self.n_features_in_), dtype=self._output_dtype)
        stop = 0
        for class_index, count in enumerate(counts.tolist()):
            start, stop = stop, stop + count
            if self.margin_filter is None:
                self._fill(X_new[start:stop], class_index)
            elif count:
                X_new[start:stop] = self._draw_filtered(class_index, count)
        if not np.isfinite(X_new).all():
            raise FloatingPointError(
                "The generator produced non-finite values; refit with a lower learning_rate."
            )
        return X_new, np.repeat(self.classes_, counts)

    def _fill(self, out, class_index):
        """Fill ``out`` with samples of one class, chunk by chunk."""
        scale = torch.as_tensor(self.scaler_.scale_, dtype=torch.float32, device=self.device_)
        mean = torch.as_tensor(self.scaler_.mean_, dtype=torch.float32, device=self.device_)
        for start in range(0, len(out), SAMPLE_CHUNK_ROWS):
            stop = min(start + SAMPLE_CHUNK_ROWS, len(out))
            x = self._draw_std(class_index, stop - start)
            out[start:stop] = torch.addcmul(mean, x, scale).cpu().numpy()

    @torch.inference_mode()
    def _draw_std(self, class_index, count):
        """``count`` standardized samples of one class from the sampling stream."""
        z = self._sample_rng.standard_normal((count, self.latent_dim), dtype=np.float32)
        z = torch.from_numpy(z).to(self.device_)
        y = torch.full((count,), class_index, dtype=torch.long, device=self.device_)
        anchor = None
        if self.modules_.anchored:  # real rows of the class, drawn from the same stream
            rows = np.flatnonzero(self._real_labels == class_index)
            picked = rows[self._sample_rng.integers(len(rows), size=count)]
            anchor = self._real_std[picked]
            if self.modules_.interpolating:  # beside one of its same-class neighbours
                slot = self._sample_rng.integers(self._real_partners.shape[1], size=count)
                anchor = np.concatenate(
                    [anchor, self._real_std[self._real_partners[picked, slot]]], axis=1)
            anchor = torch.from_numpy(anchor).to(self.device_)
        return self.modules_.generate(z, y, anchor)

    def _to_caller_scale(self, x_std):
        """Undo the internal standardization of a tensor, as float64 numpy."""
        x = x_std.cpu().numpy().astype(np.float64)
        return x * self.scaler_.scale_ + self.scaler_.mean_

    def _draw_filtered(self, class_index, count):
        """AC-GAN+F: keep rows whose top-two margin (eq. 6) is at most ``margin_filter``."""
        kept, rejected, rejected_margin = [], [], []
        n_kept = 0
        for _ in range(MAX_FILTER_ROUNDS):
            if n_kept >= count:
                break
            x_std = self._draw_std(class_index, min(max(4 * (count - n_kept), 256),
                                                    SAMPLE_CHUNK_ROWS))
            with torch.no_grad():
                margin = top_two_margin(self._proba(x_std)).cpu().numpy()
            x = self._to_caller_scale(x_std)
            passing = margin <= self.margin_filter
            kept.append(x[passing])
            rejected.append(x[~passing])
            rejected_margin.append(margin[~passing])
            n_kept += int(passing.sum())
        rows = np.concatenate(kept)[:count] if kept else np.empty((0, self.n_features_in_))
        if len(rows) < count:
            warnings.warn(
                f"Only {len(rows)} of {count} samples of class "
                f"{self.classes_[class_index].tolist()!r} "
                f"had a margin <= {self.margin_filter}; filled up with the lowest-margin rest.",
                stacklevel=4,
            )
            closest = np.argsort(np.concatenate(rejected_margin))[: count - len(rows)]
            rows = np.concatenate([rows, np.concatenate(rejected)[closest]])
        return rows

    # ------------------------------------------------------------- persistence

    def __getstate__(self):
        """Pickle device-independent state: the networks are stored on the CPU."""
        state = dict(super().__getstate__())  # a copy: Python may return __dict__ itself
        for derived in ("_reward_proba_module", "_caller_affine"):  # rebuilt on first use
            state.pop(derived, None)
        if "modules_" in state:
            state["modules_"] = copy.deepcopy(self.modules_).to("cpu")
            state["device_"] = str(self.device_)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "modules_" in state:
            device = torch.device(state["device_"])
            if device.type == "cuda" and not torch.cuda.is_available():
                device = torch.device("cpu")
            self.device_ = device
            self.modules_.to(device)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags


def _class_neighbours(X, labels, k):
    """(n, k) indices of each row's k nearest neighbours within its class (cycled when
    the class has fewer than k other rows; the row itself when it is alone)."""
    partners = np.empty((len(X), k), dtype=np.int64)
    for c in np.unique(labels):
        rows = np.flatnonzero(labels == c)
        if len(rows) == 1:
            partners[rows] = rows[0]
            continue
        n_neighbors = min(k + 1, len(rows))
        _, nearest = NearestNeighbors(n_neighbors=n_neighbors).fit(X[rows]).kneighbors(X[rows])
        others = nearest[:, 1:]  # column 0 is the row itself
        partners[rows] = rows[others[:, np.arange(k) % others.shape[1]]]
    return partners


def _check_count(count, name):
    if isinstance(count, bool) or not isinstance(count, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer; got {count!r}.")
    if count < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {count}.")
    return int(count)
