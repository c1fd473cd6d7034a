"""The engine every front door shares: validation, fit, sample, diagnostics, pickling.

``fit`` validates everything before any training, builds the whole fitted state as
local values and assigns it in one step at the end: a fit that fails, at any
point, leaves the previous model exactly as it was. The reward reaches the
training loop as a torch module built once; ``sample`` reads fitted state only.

A front door (``ActiveGANAugmenter``; an over-sampler) subclasses
:class:`BaseActiveGAN`, lists its parameters in ``__init__`` and says, in
``_counts_to_add``, how many rows ``fit_resample`` adds per class. A front door
whose classes are imbalanced sets ``_balanced_batches``: every training batch then
draws its real rows class-balanced.
"""

import numbers

import numpy as np
import torch
from imblearn.base import BaseSampler
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._config import resolve_config
from ._counts import resolve_counts
from ._fitting import fit_model
from ._validation import _numpy_labels, check_training_data

#: Parameter and attribute documentation the front doors share; each front door's
#: docstring names where they go (:func:`fill_docstring`).
MODEL_PARAMETERS_DOC = """    method : {"anchored", "paper"}, default="anchored"
        ``"paper"``: the generator maps noise and a label to a sample, ``G(z, y)``,
        as in the paper. ``"anchored"``: ``G(z, y, a)`` is a real row ``a`` of class
        ``y`` plus a learned shift no longer than ``anchor_radius`` (a departure
        from the paper).
    lambda_reward : "auto" or float, default="auto"
        Weight λ of the uncertainty loss in the generator loss (eq. 11).
        0 trains plain AC-GAN (with the generator ``method`` names). "auto": 0.1
        for tables, 1.0 for images (measured: docs/images.md).
    epsilon : float, default=0.2
        Margin threshold ε of the margin reward (eq. 8), in [0, 1].
    alpha : float, default=0.5
        Mix α between the margin and the entropy rewards (eq. 9), in [0, 1].
    reward_constant : float, default=0.0
        Margin reward C given beyond ε (eq. 8); 0 in the paper.
    n_iter : "auto" or int, default="auto"
        Generator updates in all, warm-up included; 0 keeps the generator as
        initialised. "auto": 3000 for tables and for images with
        ``method="paper"``; 0 for images with ``method="anchored"``: the warp
        generator untrained draws random similarity warps of real images (its head
        starts at zero), and training it — with or without the reward — gained
        nothing over that draw on MNIST and Fashion-MNIST while costing minutes
        (docs/images.md); the reward then acts through ``n_candidates``.
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
    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Hidden layers of the generator and of the discriminator. With images
        (``image_shape``), the channels of the stride-2 convolutions, then the
        width of the fully connected layer: ``(64, 128, 1024)`` is the paper's
        InfoGAN structure for 28x28 images, ``(64, 128, 256, 1024)`` a DCGAN-style
        stack for 32x32x3. "auto": ``(256, 256)`` for tables, ``(32, 64, 256)``
        for images (narrower than the paper's, for CPUs: see the image results).
    policy_hidden_layer_sizes : tuple of int, default=(128,)
        Hidden layers of the Gaussian policy.
    dropout : float, default=0.3
        Dropout in the discriminator.
    learning_rate : float, default=2e-4
        Adam learning rate of all networks.
    batch_size : int, default=64
        Real and generated samples per iteration.
    reward_batch_size : "auto", int or None, default="auto"
        Generated samples per iteration whose reward is computed during training:
        that many rows drawn at random from each batch carry the batch's
        uncertainty loss, weighted so that its gradient stays an unbiased
        estimate of eq. 12's (noisier: see ``SubsampledReward``). None: every
        row, as in the paper. "auto": 8 when a ``feature_extractor`` runs on the
        CPU (at its native resolution the extractor's forward pass costs more
        than the rest of an iteration: the Table 1 page), None otherwise (a GPU,
        raw pixels, tables). Sampling, selection and diagnostics always use the
        full reward.
"""

SAMPLING_PARAMETERS_DOC = """    margin_filter : float or None, default=None
        When set, ``sample`` and ``fit_resample`` keep only rows whose top-two
        margin (eq. 6) under the reward model is at most this value (the paper's
        AC-GAN+F baseline with ``lambda_reward=0``), drawing until the requested
        count is reached. ``sample(..., margin_filter=m)`` overrides it per call.
    n_candidates : "auto" or int, default="auto"
        Candidates drawn per synthetic row; the row kept is the one the reward
        model is least sure of — the smallest top-two margin (eq. 6) — among
        those whose two most probable classes include the conditioned one (when
        none does, the candidate most probable in it). With ``method="anchored"``
        the candidates transform the same anchor. 1 keeps every draw (no
        selection). "auto": 4 for images with ``method="anchored"``, 1 otherwise
        (tables draw exactly as with 1; measured: the image results page).
        ``sample(..., n_candidates=k)`` overrides it per call.
    anchor_radius : float, default=0.5
        With ``method="anchored"``, the longest shift from the anchor row, in units
        of that class's median nearest-neighbour distance among its distinct rows
        (standardized features). With images it scales the warp's bounds: at 0.5,
        rotations up to 12 degrees, scaling up to 10 %, shifts up to 5.4 % of the
        image side (1.5 pixels on 28x28).
        Only used when ``method="anchored"``.
    horizontal_flip : bool, default=False
        With images, the warp also mirrors half of the samples left to right at
        the start of training (one more noise dimension hidden from the network
        decides; training can move the share). For classes that survive a mirror
        (natural photos); never for digits or text. On 1,000 CIFAR-10 images
        (pretrained features, eight random warps per image) it added 0.35 macro-F1
        points (one seed: the Table 1 page). Needs ``latent_dim`` of at least 5.
        Only used when ``method="anchored"`` and ``image_shape`` is set.
    reward_estimator : classifier with predict_proba or None, default=None
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
    image_shape : tuple of int or None, default=None
        ``(C, H, W)`` or ``(H, W)``: every row of X is one flattened image
        (channel-first, as scikit-learn's digits). The networks become
        convolutional; with ``method="anchored"`` each sample is a real image of
        its class under a random similarity transform (rotation, scale, shift)
        within bounds, whose distribution is learned. Samples
        come back flat, in the caller's dtype (uint8 in, uint8 out), clipped to
        the observed pixel range. None: rows are tabular.
    feature_extractor : torch.nn.Module or None, default=None
        With ``image_shape``, a module mapping a batch of images ``(n, C, H, W)``
        (float32, the caller's pixel scale) to features ``(n, d)``; the reward model
        is fitted on those features, and during training the module feeds the
        torch port of the reward model on the device (the policy gradient uses the
        reward as a weight; no gradient is needed through it). For example
        ``EfficientNetLite0Features`` (ImageNet-pretrained), or torchvision's VGG-16
        with ImageNet weights (the paper's choice; see the user guide). A copy is kept in eval mode;
        the module given is not changed. None: raw pixels.
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

"""

FITTED_ATTRIBUTES_DOC = """    classes_ : ndarray of shape (n_classes,)
        The class labels, as given.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    reward_estimator_ : classifier
        The fitted reward model.
    feature_extractor_ : torch.nn.Module or None
        The copy of ``feature_extractor`` the reward reads images through.
    reward_params_ : dict
        ``C`` and ``gamma`` chosen by the default reward model's grid search
        (empty for a user-given ``reward_estimator``).
    modules_ : torch.nn.Module
        The trained generator, discriminator and policy (``.generator``,
        ``.discriminator``, ``.policy``).
    warm_up_iter_ : int
        Warm-up iterations actually run.
    lambda_reward_ : float
        The λ used ("auto" resolved).
    n_iter_ : int
        The ``n_iter`` used ("auto" resolved).
    n_candidates_ : int
        The ``n_candidates`` used ("auto" resolved).
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
"""


def fill_docstring(cls):
    """Put the shared parameter and attribute documentation into a front door's
    docstring (where it says ``{model_parameters}``, ``{sampling_parameters}`` and
    ``{fitted_attributes}``), as imbalanced-learn's ``Substitution`` does."""
    cls.__doc__ = (cls.__doc__.replace("    {model_parameters}\n", MODEL_PARAMETERS_DOC)
                   .replace("    {sampling_parameters}\n", SAMPLING_PARAMETERS_DOC)
                   .replace("    {fitted_attributes}\n", FITTED_ATTRIBUTES_DOC))
    return cls


def _from_model(name, doc):
    """A read-only fitted attribute that is the fitted model's ``name``."""

    def get(self):
        model = self.__dict__.get("_model")
        if model is None:
            raise AttributeError(f"{type(self).__name__} is not fitted: it has no fitted "
                                 "model yet; call fit first.")
        return getattr(model, name)

    return property(get, doc=doc)


class BaseActiveGAN(BaseSampler):
    """The ActiveGAN engine: see the front doors for the parameters' documentation."""

    _parameter_constraints = {
        "method": [StrOptions({"anchored", "paper"})],
        "lambda_reward": [StrOptions({"auto"}), Interval(numbers.Real, 0, None, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="both")],
        "alpha": [Interval(numbers.Real, 0, 1, closed="both")],
        "reward_constant": [Interval(numbers.Real, None, None, closed="neither")],
        "n_iter": [StrOptions({"auto"}), Interval(numbers.Integral, 0, None, closed="left")],
        "warm_up": [Interval(numbers.Real, 0, 1, closed="left"),
                    Interval(numbers.Integral, 0, None, closed="left")],
        "discriminator_interval": [Interval(numbers.Integral, 1, None, closed="left")],
        "buffer_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [StrOptions({"auto"}), "array-like"],
        "policy_hidden_layer_sizes": ["array-like"],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "reward_batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None,
                                                             closed="left"), None],
        "margin_filter": [Interval(numbers.Real, 0, 1, closed="both"), None],
        "n_candidates": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "anchor_radius": [Interval(numbers.Real, 0, None, closed="neither")],
        "horizontal_flip": ["boolean"],
        "reward_estimator": [HasMethods(["fit", "predict_proba"]), None],
        "reward_param_grid": [dict, None],
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "image_shape": ["array-like", None],
        "feature_extractor": [torch.nn.Module, None],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, *, method="anchored", lambda_reward="auto", epsilon=0.2, alpha=0.5,
                 reward_constant=0.0, n_iter="auto", warm_up=1 / 3, discriminator_interval=1,
                 buffer_size=1024, latent_dim=32, hidden_layer_sizes="auto",
                 policy_hidden_layer_sizes=(128,), dropout=0.3, learning_rate=2e-4,
                 batch_size=64, reward_batch_size="auto", margin_filter=None,
                 n_candidates="auto", anchor_radius=0.5,
                 horizontal_flip=False, reward_estimator=None,
                 reward_param_grid=None, categorical_features="auto", image_shape=None,
                 feature_extractor=None, device="auto",
                 random_state=None, verbose=0):
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
        self.reward_batch_size = reward_batch_size
        self.margin_filter = margin_filter
        self.n_candidates = n_candidates
        self.anchor_radius = anchor_radius
        self.horizontal_flip = horizontal_flip
        self.reward_estimator = reward_estimator
        self.reward_param_grid = reward_param_grid
        self.categorical_features = categorical_features
        self.image_shape = image_shape
        self.feature_extractor = feature_extractor
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fitting

    @_fit_context(prefer_skip_nested_validation=False)
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
        self : object
            The fitted estimator. On any error the previous fit is kept as it was.
        """
        data = self._check_X_y(X, y)
        self._assign(self._fit_state(data))
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y):
        """Fit, then return the real rows followed by the synthetic ones.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like or Series of shape (n_samples,)

        Returns
        -------
        X_resampled : ndarray or DataFrame of shape (n_samples + n_new, n_features)
            The real rows, then the synthetic rows grouped by class, in the
            caller's dtype(s).
        y_resampled : ndarray or Series of shape (n_samples + n_new,)
        """
        arrays_transformer = ArraysTransformer(X, y)
        data = self._check_X_y(X, y)
        X_new, y_new = self._resample(data)
        space = self._model.space
        if hasattr(data.X_caller, "iloc"):  # a DataFrame: real rows as given, then samples
            import pandas as pd

            X_res = pd.concat([data.X_caller, space.as_caller(X_new)], ignore_index=True)
        elif space.object_array:  # real rows as given, then samples, as objects
            X_res = np.concatenate([np.asarray(data.X_caller, dtype=object),
                                    space.as_caller(X_new)])
        else:
            X_res = np.concatenate([data.X.astype(X_new.dtype), X_new])
        y_res = np.concatenate([data.y, y_new])
        if data.y_form.one_hot is not None:
            y_res = data.y_form.restore(y_res)
        return arrays_transformer.transform(X_res, y_res)

    def _fit_resample(self, X, y):
        data = self._check_X_y(X, y)
        X_new, y_new = self._resample(data)
        return np.concatenate([data.X.astype(X_new.dtype), X_new]), np.concatenate([data.y, y_new])

    def _resample(self, data):
        """Fit on checked data, then the rows ``fit_resample`` adds, per the front door."""
        self._assign(self._fit_state(data))
        strategy = self.sampling_strategy_
        counts = np.array([strategy.get(label, 0) for label in self.classes_.tolist()],
                          dtype=np.int64)
        return self._model.generate(counts, self._model.margin_filter, self._model.n_candidates)

    #: Draw every training batch's real rows class-balanced (for imbalanced classes).
    _balanced_batches = False

    def _counts_to_add(self, y, defaults):
        """``{label: rows}`` that ``fit_resample`` adds (labels absent add none);
        ``defaults`` are the data space's (``SpaceDefaults``)."""
        raise NotImplementedError

    def _check_X_y(self, X, y):
        """The validated training data (``_validation.CheckedData``); no side effects."""
        return check_training_data(self.get_params(deep=False), X, y, type(self).__name__)

    def _assign(self, state):
        """Replace the fitted state in one step (the fit has succeeded)."""
        if "feature_names_in_" not in state:
            self.__dict__.pop("feature_names_in_", None)
        self.__dict__.update(state)

    def _fit_state(self, data):
        """Every fitted attribute, built as locals; nothing on ``self`` changes.

        The parameters are read once (``get_params``) and resolved into a frozen
        config; a bad count or sampling strategy fails before any training."""
        config = resolve_config(self.get_params(deep=False), data, name=type(self).__name__,
                                balanced_batches=self._balanced_batches)
        strategy = self._counts_to_add(data.y, data.space.defaults)
        attributes, _ = fit_model(config, data)
        return {**attributes, "sampling_strategy_": strategy}

    # the fitted collaborators, read from the fitted model (see FITTED_ATTRIBUTES_DOC)
    modules_ = _from_model("modules", "The trained generator, discriminator and policy.")
    device_ = _from_model("device", "Where the networks live.")
    reward_estimator_ = _from_model("reward_model", "The fitted reward model.")
    feature_extractor_ = _from_model("feature_extractor", "The extractor's frozen copy or None.")

    # ----------------------------------------------------------------- sampling

    def sample(self, n_per_class, *, margin_filter="fitted", n_candidates="fitted",
               return_scores=False):
        """Generate labeled samples from the trained generator.

        Successive calls continue one random stream seeded from ``random_state``,
        so they give new rows; a refit with the same seed repeats the sequence.
        Only fitted state is read: parameters changed after the fit do not apply.

        Parameters
        ----------
        n_per_class : int or dict
            Rows per class: one count for every class, or ``{label: count}``
            (classes not named get none).
        margin_filter : float, None or "fitted", default="fitted"
            Keep only rows whose top-two margin (eq. 6) under the reward model is
            at most this value; "fitted" uses the ``margin_filter`` the model was
            fitted with, None keeps every row.
        n_candidates : int or "fitted", default="fitted"
            Candidates per row, the row kept being the least certain one whose
            two most probable classes include its label (see the parameter
            ``n_candidates``); "fitted" uses ``n_candidates_``, 1 keeps every draw.
        return_scores : bool, default=False
            Also return `sample_diagnostics` of the generated rows.

        Returns
        -------
        X_syn : ndarray or DataFrame of shape (n_rows, n_features)
            In the caller's scale and dtype(s), grouped by class; a DataFrame with
            the fitted columns and dtypes when fitted on one.
        y_syn : ndarray or Series of shape (n_rows,)
            The conditioned labels, as the caller gave them (a Series when fitted
            on one).
        scores : dict of ndarray
            Only with ``return_scores=True``: see `sample_diagnostics`.
        """
        check_is_fitted(self, "modules_")
        model = self._model
        counts = resolve_counts(n_per_class, self.classes_, name="n_per_class")
        if isinstance(margin_filter, str) and margin_filter == "fitted":
            margin_filter = model.margin_filter
        elif margin_filter is not None and not 0 <= margin_filter <= 1:
            raise ValueError(f"margin_filter must be in [0, 1], None or 'fitted'; "
                             f"got {margin_filter!r}.")
        if isinstance(n_candidates, str) and n_candidates == "fitted":
            n_candidates = model.n_candidates
        elif (isinstance(n_candidates, bool) or not isinstance(n_candidates, numbers.Integral)
              or n_candidates < 1):
            raise ValueError(f"n_candidates must be a positive integer or 'fitted'; "
                             f"got {n_candidates!r}.")
        X_new, y_new = model.generate(counts, margin_filter, int(n_candidates))
        scores = model.scores(X_new, y_new) if return_scores else None
        X_new = model.space.as_caller(X_new)
        y_new = model.y_form.restore(y_new)
        return (X_new, y_new, scores) if return_scores else (X_new, y_new)

    # -------------------------------------------------------------- diagnostics

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
            ``reward``: the uncertainty reward (eq. 9, with the fitted settings);
            ``margin``: the reward model's top-two margin (eq. 6);
            ``conditioned_margin``: p(y|x) - max p(other|x), negative when the
            reward model assigns the row to another class; ``realism``: the
            discriminator's probability that the row is real;
            ``nn_distance_ratio``: distance to the nearest real training row of the
            same class, over the median nearest-neighbour distance among that
            class's distinct real rows (standardized features; about 1 means "as
            close as real rows are to each other").
        """
        check_is_fitted(self, "modules_")
        if np.ndim(X) == 2:
            X = self._model.space.encode(X)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        y = column_or_1d(_numpy_labels(y))
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels.")
        return self._model.scores(X, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags
