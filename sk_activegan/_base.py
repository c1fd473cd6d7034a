"""The engine every front door shares: validation, fit, sample, diagnostics, pickling.

``fit`` validates everything before any training, builds the whole fitted state as
local values and assigns it in one step at the end: a fit that fails, at any
point, leaves the previous model exactly as it was. The reward reaches the
training loop as a torch module built once; ``sample`` reads fitted state only.

A front door (``ActiveGANAugmenter``; an over-sampler) subclasses
:class:`BaseActiveGAN`, declares its parameters (:func:`front_door_parameters`
with its own, through ``_parameters.declare``) and says, in ``_counts_to_add``,
how many rows ``fit_resample`` adds per class. A front door
whose classes are imbalanced sets ``_balanced_batches``: every training batch then
draws its real rows class-balanced.
"""

import copy
import numbers
import re

import numpy as np
import torch
from imblearn.base import BaseSampler
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._compat import (ArraysTransformer, HasMethods, Interval, StrOptions, check_params,
                      fit_context)
from ._config import resolve_config
from ._counts import resolve_counts
from ._fitting import fit_model
from ._memory import caller_itemsize, check_fits_in_memory
from ._parameters import Parameter
from ._validation import _numpy_labels, check_training_data
from .generators import FAMILIES, GeneratorFamily

#: The parameters every front door shares, declared once (``_parameters.declare``);
#: a front door adds its own (the augmenter's ``n_synthetic``, the over-sampler's
#: ``sampling_strategy``) at ``OWN_AT``.
SHARED_PARAMETERS = (
    Parameter(
        "generator", "auto", [StrOptions({"auto", *FAMILIES}), GeneratorFamily],
        """"auto", str or GeneratorFamily, default="auto"
        What draws the samples (``sk_activegan.generators``): ``"anchored"`` (a real
        row moved by a learned, bounded shift; tables), ``"warp"`` (a real image
        under a learned similarity transform; images), ``"paper"`` (the paper's free
        G(z, y)), all three trained as ActiveGAN; or the baseline ``"random-warp"``
        (random similarity warps, nothing trained; images). A family object brings
        its own settings. "auto": ``"anchored"`` for tables, ``"warp"`` for images.
        Settings of whichever family is used can also be given here as
        ``generator__<setting>=value`` (for example ``generator__anchor_radius=0.3``
        or ``generator__hidden_layer_sizes=(64,)``); one the family lacks is
        warned about and ignored."""),
    Parameter(
        "lambda_reward", "auto", [StrOptions({"auto"}),
                                  Interval(numbers.Real, 0, None, closed="left")],
        """"auto" or float, default="auto"
        Weight λ of the uncertainty loss in the generator loss (eq. 11); 0 trains
        plain AC-GAN. "auto": the family's (0.1, the paper's, for ``"anchored"`` and
        ``"paper"``; 1.0 for ``"warp"``, whose transform has four degrees of freedom)."""),
    Parameter("epsilon", 0.2, [Interval(numbers.Real, 0, 1, closed="both")],
              """float, default=0.2
              Margin threshold ε of the margin reward (eq. 8), in [0, 1]."""),
    Parameter("alpha", 0.5, [Interval(numbers.Real, 0, 1, closed="both")],
              """float, default=0.5
              Mix α between the margin and the entropy rewards (eq. 9), in [0, 1]."""),
    Parameter("reward_constant", 0.0, [Interval(numbers.Real, None, None, closed="neither")],
              """float, default=0.0
              Margin reward C given beyond ε (eq. 8); 0 in the paper."""),
    Parameter(
        "n_iter", "auto", [StrOptions({"auto"}), Interval(numbers.Integral, 0, None,
                                                          closed="left")],
        """"auto" or int, default="auto"
        Generator updates in all, warm-up included; 0 keeps the generator as
        initialised (for ``"warp"``: random similarity warps). "auto": the family's
        (3000 for ``"anchored"`` and ``"paper"``, 300 for ``"warp"``)."""),
    Parameter(
        "warm_up", 1 / 3, [Interval(numbers.Real, 0, 1, closed="left"),
                           Interval(numbers.Integral, 0, None, closed="left")],
        """float or int, default=1/3
        Plain AC-GAN iterations before the uncertainty loss is switched on
        (Algorithm 1, step 4): a share of ``n_iter`` when a float in [0, 1), a
        count clipped to ``n_iter`` when an int."""),
)

SAMPLING_PARAMETERS = (
    Parameter(
        "margin_filter", None, [Interval(numbers.Real, 0, 1, closed="both"), None],
        """float or None, default=None
        When set, ``sample`` and ``fit_resample`` keep only rows whose top-two margin
        (eq. 6) under the reward model is at most this value (the paper's AC-GAN+F
        baseline with ``lambda_reward=0``), drawing until the requested count is
        reached. ``sample(..., margin_filter=m)`` overrides it per call."""),
    Parameter(
        "n_candidates", "auto", [StrOptions({"auto"}),
                                 Interval(numbers.Integral, 1, None, closed="left")],
        """"auto" or int, default="auto"
        Candidates drawn per synthetic row; the row kept is the one with the highest
        uncertainty reward (eq. 9, with ε, α and C: the reward that trains the
        generator) among those whose two most probable classes include the
        conditioned one (when none does, the candidate most probable in it). Anchored
        families transform the same anchor for every candidate. 1 keeps every draw.
        "auto": 1 for every family (the reward acts through training).
        ``sample(..., n_candidates=k)`` overrides it per call."""),
    Parameter(
        "reward_estimator", None, [HasMethods(["fit", "predict_proba"]), None],
        """classifier with predict_proba or None, default=None
        Classifier the reward is computed from (Algorithm 1, step 3). It is cloned
        and fitted on ``(X, y)`` as given (on the extractor's features with
        ``feature_extractor``). None builds the paper's grid-searched,
        sigmoid-calibrated RBF SVM."""),
    Parameter("reward_param_grid", None, [dict, None],
              """dict or None, default=None
              Grid over ``SVC`` parameters for the default reward model, searched
              by stratified cross-validation before the calibrated fit. None: ``C``
              in {1, 10, 100} and ``gamma`` in {0.3, 1, 3} / n_features on
              standardized features (on raw pixels for images: divided further by
              the pixel variance, ``gamma="scale"``'s value); a dict of one value
              per parameter, such as ``{"C": 10.0, "gamma": "scale"}``, skips the
              search."""),
    Parameter(
        "categorical_features", "auto", [StrOptions({"auto"}), "array-like", None],
        """"auto", array-like or None, default="auto"
        Columns holding categories, as imbalanced-learn's ``SMOTENC``: column
        indices, a boolean mask, or column names (DataFrames); "auto" takes the
        columns of pandas ``category`` dtype (none for arrays). Each becomes a one-hot
        block for the networks; synthetic rows always carry a category seen in fit,
        given back as the caller gave it (pandas dtypes kept). The reward model sees
        such columns as numbers: numeric categories as they are, other categories as
        their index among the sorted categories. Missing values are refused."""),
    Parameter(
        "image_shape", None, ["array-like", None],
        """tuple of int or None, default=None
        ``(C, H, W)`` or ``(H, W)``: every row of X is one flattened image
        (channel-first, as scikit-learn's digits); the networks become
        convolutional. Samples come back flat, in the caller's dtype (uint8 in,
        uint8 out), clipped to the observed pixel range. With the warp generator H
        and W must be at least ``2 ** (len(generator__hidden_layer_sizes) - 1)`` (4
        by default; a ``ValueError`` before training otherwise); the paper's
        generator and the random warp take any size. None: rows are tabular."""),
    Parameter(
        "feature_extractor", None, [torch.nn.Module, None],
        """torch.nn.Module or None, default=None
        With ``image_shape``, a module mapping a batch of images ``(n, C, H, W)``
        (float32, the caller's pixel scale) to features ``(n, d)``; the reward model
        is fitted on those features (the paper's VGG-16 features), and during
        training the module feeds the torch port of the reward model on the device
        (no gradient passes through it). For example ``EfficientNetLite0Features``.
        A frozen copy is kept in eval mode; the module given is not changed.
        None: raw pixels."""),
    Parameter(
        "reward_batch_size", "auto", [StrOptions({"auto"}),
                                      Interval(numbers.Integral, 1, None, closed="left"), None],
        """"auto", int or None, default="auto"
        Generated samples per training iteration whose reward is computed: that
        many rows drawn at random from each batch carry the uncertainty loss,
        weighted so that its gradient stays an unbiased estimate of eq. 12's
        (a noisier one: ``sk_activegan._reward.SubsampledReward``). None: every
        row, as in the paper. "auto": 8 when a ``feature_extractor`` runs on the
        CPU (at 224 px EfficientNet-Lite0 reads 10-25 images per second on this
        project's 2-core CPU: docs/table1.md), None otherwise (a GPU, raw pixels,
        tables).
        Sampling, candidate selection and ``sample_diagnostics`` always use the
        full reward. Only used by families that train (not ``"random-warp"``)."""),
    Parameter(
        "device", "auto", [str, torch.device],
        """str or torch.device, default="auto"
        Where the networks train: ``"auto"`` picks CUDA when present; a device
        this machine lacks is a ``ValueError`` before any training."""),
    Parameter(
        "random_state", None, ["random_state"],
        """int, RandomState instance or None, default=None
        Seeds network initialisation, training and the sampling stream, through
        random generators the estimator owns (fits in threads do not disturb each
        other). The same seed gives the same samples on the same machine, torch
        version and torch thread count."""),
    Parameter("verbose", 0, ["verbose"],
              """int, default=0
              Above 0, a progress bar shows the losses and the mean reward."""),
    Parameter(
        "method", "deprecated", [StrOptions({"anchored", "paper", "deprecated"})],
        """{"anchored", "paper"}, default="deprecated"
        Deprecated since 0.3, removed in 0.5: ``method="paper"`` is
        ``generator="paper"``, ``method="anchored"`` is ``generator="auto"``."""),
)


def front_door_parameters(*own, defaults=None):
    """A front door's parameters: the shared ones, its ``own`` after ``warm_up``;
    ``defaults`` (``{name: value}``) replaces shared parameters' defaults (and the
    "default=" of their documentation)."""
    defaults = defaults or {}

    def own_default(row):
        if row.name not in defaults:
            return row
        value = defaults[row.name]
        doc = re.sub(r"default=[^\n]*", f"default={value!r}", row.doc, count=1)
        return row._replace(default=value, doc=doc)

    return tuple(own_default(row) for row in (*SHARED_PARAMETERS, *own, *SAMPLING_PARAMETERS))


FITTED_ATTRIBUTES_DOC = """    classes_ : ndarray of shape (n_classes,)
        The class labels, as given.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    generator_ : GeneratorFamily
        The generator family used, with its settings (``"auto"`` and routed
        ``generator__*`` settings resolved).
    reward_estimator_ : classifier
        The fitted reward model.
    feature_extractor_ : torch.nn.Module or None
        The copy of ``feature_extractor`` the reward reads images through.
    reward_params_ : dict
        ``C`` and ``gamma`` chosen by the default reward model's grid search
        (empty for a user-given ``reward_estimator``).
    modules_ : torch.nn.Module
        The family's networks: ``.generator``, and for a trained family the
        ``.discriminator`` and ``.policy`` (None for ``"random-warp"``).
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
    """Put the shared fitted-attribute documentation into a front door's docstring
    (where it says ``{fitted_attributes}``); the parameters come from
    :func:`~._parameters.declare`."""
    cls.__doc__ = cls.__doc__.replace("    {fitted_attributes}\n", FITTED_ATTRIBUTES_DOC)
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


#: ``sample``'s keyword arguments, checked as the constructor's parameters are.
_SAMPLE_CONSTRAINTS = {
    "n_per_class": [Interval(numbers.Integral, 0, None, closed="left"), dict],
    "margin_filter": [Interval(numbers.Real, 0, 1, closed="both"), None,
                      StrOptions({"fitted"})],
    "n_candidates": [Interval(numbers.Integral, 1, None, closed="left"),
                     StrOptions({"fitted"})],
    "return_scores": ["boolean"],
}


def _real_rows(data, dtype):
    """The caller's rows exactly as given, as an array of the samples' ``dtype``
    (not the validated float64 copy: integers beyond 2**53 would change)."""
    rows = np.asarray(data.X_caller)
    return rows if rows.dtype == dtype else data.X.astype(dtype)


class BaseActiveGAN(BaseSampler):
    """The ActiveGAN engine: see the front doors for the parameters' documentation."""

    def get_params(self, deep=True):
        """Parameters, with the ``generator__<setting>`` values given to the
        constructor or ``set_params`` (routed to the generator family at fit)."""
        params = super().get_params(deep=deep)
        params.update({key: value for key, value in vars(self).items()
                       if key.startswith("generator__")})
        return params

    def set_params(self, **params):
        """Set parameters; ``generator__<setting>`` values are kept and routed to the
        generator family at fit (a family object given as ``generator`` is not
        changed)."""
        routed = {key: params.pop(key) for key in list(params) if key.startswith("generator__")}
        super().set_params(**params)
        for key, value in routed.items():
            setattr(self, key, value)
        return self

    # ------------------------------------------------------------------ fitting

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the reward model (Algorithm 1, step 3), then train the generator
        family: for ActiveGAN's families the AC-GAN warm-up and the ActiveGAN phase
        (Algorithm 1); a baseline family such as ``"random-warp"`` trains nothing.

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

    @fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y):
        """Fit, then return the real rows followed by the synthetic ones.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like or Series of shape (n_samples,)

        Returns
        -------
        X_resampled : ndarray, list or DataFrame of shape (n_samples + n_new, n_features)
            The real rows exactly as given (never through a float64 copy), then
            the synthetic rows grouped by class, in the caller's form and dtype(s).
        y_resampled : ndarray, list or Series of shape (n_samples + n_new,)

        Raises
        ------
        ValueError
            Before any training: bad input or parameters (see `fit`), or an
            output (rows x features x bytes per value) larger than the memory
            available now, naming the parameter that sets its size.

        On any error, or an interruption, the previous fit is kept as it was: the
        new model is assigned only after its rows are drawn.
        """
        arrays_transformer = ArraysTransformer(X, y)
        data = self._check_X_y(X, y)
        state, X_new, y_new = self._resample(data)
        space = state["_model"].space
        if hasattr(data.X_caller, "iloc"):  # a DataFrame: real rows as given, then samples
            import pandas as pd

            X_res = pd.concat([data.X_caller, space.as_caller(X_new)], ignore_index=True)
        elif space.object_array:  # real rows as given, then samples, as objects
            X_res = np.concatenate([np.asarray(data.X_caller, dtype=object),
                                    space.as_caller(X_new)])
        else:
            X_new = space.as_caller(X_new)
            X_res = np.concatenate([_real_rows(data, X_new.dtype), X_new])
        y_res = np.concatenate([data.y, y_new])
        if data.y_form.one_hot is not None:
            y_res = data.y_form.restore(y_res)
        resampled = arrays_transformer.transform(X_res, y_res)
        self._assign(state)  # every step has succeeded
        return resampled

    def _fit_resample(self, X, y):
        data = self._check_X_y(X, y)
        state, X_new, y_new = self._resample(data)
        X_new = state["_model"].space.as_caller(X_new)
        resampled = (np.concatenate([_real_rows(data, X_new.dtype), X_new]),
                     np.concatenate([data.y, y_new]))
        self._assign(state)
        return resampled

    def _resample(self, data):
        """``(state, X_new, y_new)``: the fitted state on checked data (not assigned:
        the caller assigns it once every step has succeeded) and the rows
        ``fit_resample`` adds, per the front door."""
        self._check_output_size(data)
        state = self._fit_state(data)
        model, strategy = state["_model"], state["sampling_strategy_"]
        counts = np.array([strategy.get(label, 0) for label in state["classes_"].tolist()],
                          dtype=np.int64)
        X_new, y_new = model.generate(counts, model.margin_filter, model.n_candidates)
        return state, X_new, y_new

    def _check_output_size(self, data):
        """``fit_resample``'s output, and one row's candidates, must fit in memory:
        checked before any training (:func:`~._memory.check_fits_in_memory`)."""
        added = sum(self._counts_to_add(data.y, data.space.defaults).values())
        check_fits_in_memory(len(data.y) + added, data.X.shape[1],
                             caller_itemsize(data.X_caller), self._counts_parameter)
        if not isinstance(self.n_candidates, str):
            check_fits_in_memory(self.n_candidates, data.X.shape[1], 4, "n_candidates",
                                 "the candidates of one row")

    #: The parameter that says how many rows ``fit_resample`` adds (in error messages).
    _counts_parameter = "n_synthetic"

    #: Draw every training batch's real rows class-balanced (for imbalanced classes).
    _balanced_batches = False
    #: A front door's own defaults for the settings of a family resolved from a name
    #: (routed ``generator__*`` settings take precedence).
    _generator_defaults = {}

    def _counts_to_add(self, y, defaults):
        """``{label: rows}`` that ``fit_resample`` adds (labels absent add none);
        ``defaults`` are the data space's (``SpaceDefaults``)."""
        raise NotImplementedError

    def _check_X_y(self, X, y):
        """The validated training data (``_validation.CheckedData``); no side effects.
        Parameters are checked again with bools refused where no bool is meant
        (scikit-learn lets ``True`` pass as 1)."""
        check_params(self._parameter_constraints, self.get_params(deep=False),
                     type(self).__name__)
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
                                defaults={p.name: p.default for p in self._declared_parameters},
                                generator_defaults=self._generator_defaults,
                                balanced_batches=self._balanced_batches)
        strategy = self._counts_to_add(data.y, data.space.defaults)
        attributes, _ = fit_model(config, data)
        return {**attributes, "sampling_strategy_": strategy}

    # the fitted collaborators, read from the fitted model (see FITTED_ATTRIBUTES_DOC)
    modules_ = _from_model("modules", "The family's networks: generator, discriminator, policy.")
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

        Bad arguments (a bool or string for a number, a margin outside [0, 1], a
        count below 0) are a ``ValueError`` naming the argument, raised before any
        draw; so is an output larger than the memory available now (rows x
        features x bytes per value); a call that fails or is interrupted leaves
        the random stream where it was.

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

        Raises
        ------
        ValueError
            Before any draw: an argument of the wrong type or out of range (a
            scikit-learn ``InvalidParameterError``, also a ``TypeError``), naming
            it; a class not among ``classes_``; an output larger than the memory
            available now.
        """
        check_is_fitted(self, "modules_")
        check_params(_SAMPLE_CONSTRAINTS, {"n_per_class": n_per_class,
                                           "margin_filter": margin_filter,
                                           "n_candidates": n_candidates,
                                           "return_scores": return_scores},
                     f"{type(self).__name__}.sample")
        model = self._model
        counts = resolve_counts(n_per_class, self.classes_, name="n_per_class")
        if isinstance(margin_filter, str):
            margin_filter = model.margin_filter
        n_candidates = model.n_candidates if isinstance(n_candidates, str) else int(n_candidates)
        space = model.space
        check_fits_in_memory(counts.sum(), space.n_features, np.dtype(space.dtype).itemsize,
                             "n_per_class")
        check_fits_in_memory(n_candidates, space.n_model, 4, "n_candidates",
                             "the candidates of one row")
        stream = copy.deepcopy(model.sample_rng.bit_generator.state)
        try:
            X_new, y_new = model.generate(counts, margin_filter, n_candidates)
            scores = model.scores(X_new, y_new) if return_scores else None
            X_new = space.as_caller(X_new)
            y_new = model.y_form.restore(y_new)
        except BaseException:  # the stream is left where it was: the call never happened
            model.sample_rng.bit_generator.state = stream
            raise
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
