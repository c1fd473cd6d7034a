"""The engine every front door shares: validation, fit, sample, diagnostics, pickling.

``fit`` validates everything before any training, builds the whole fitted state as
local values and assigns it in one step at the end: a fit that fails, at any
point, leaves the previous model exactly as it was. The reward reaches the
training loop as a torch module built once; ``sample`` reads fitted state only.

A front door (``ActiveGANAugmenter``; an over-sampler) subclasses
:class:`BaseActiveGAN`, declares its parameters (``_front_door.front_door_parameters``
with its own, through ``_parameters.declare``) and says, in ``_counts_to_add``,
how many rows ``fit_resample`` adds per class. A front door
whose classes are imbalanced sets ``_balanced_batches``: every training batch then
draws its real rows class-balanced.
"""

import copy
import numbers

import numpy as np
from imblearn.base import BaseSampler
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._compat import ArraysTransformer, Interval, StrOptions, check_params, fit_context
from ._config import resolve_config
from ._counts import resolve_counts
from ._fitting import fit_model
from ._memory import caller_itemsize, check_fits_in_memory
from ._validation import _numpy_labels, check_training_data


def clone_sharing_extractor(estimator):
    """``sklearn.base.clone(estimator)`` whose ``feature_extractor`` (where it has one)
    is ``estimator``'s own module, not a deep copy.

    A fit never changes that module (it trains through a frozen copy,
    ``prepare_extractor``), so the meta-estimators fit this clone: their pickle then
    holds the extractor's weights once, for the parameter, the fitted clone's
    parameter and the fitted model together (``FittedActiveGAN.__getstate__``)."""
    fitted = clone(estimator)
    params = estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    if params.get("feature_extractor") is not None:
        fitted.set_params(feature_extractor=params["feature_extractor"])
    return fitted


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
        """imbalanced-learn's abstract hook, never reached: `fit_resample` above,
        which it would serve, is the one resampling path."""
        raise NotImplementedError("BaseActiveGAN resamples through fit_resample.")

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
    #: A front door's own defaults for the settings of a family resolved from a name,
    #: per kind of data (``{space.kind: {setting: value}}``; routed
    #: ``generator__*`` settings take precedence).
    _generator_defaults = {}

    def _counts_to_add(self, y, defaults):
        """``{label: rows}`` that ``fit_resample`` adds (labels absent add none);
        ``defaults`` are the data space's (``SpaceDefaults``)."""
        raise NotImplementedError

    def _validate_params(self):
        """scikit-learn's parameter check (``fit_context`` runs it once per fit),
        with bools refused where no bool is meant (scikit-learn lets ``True`` pass
        as 1)."""
        check_params(self._parameter_constraints, self.get_params(deep=False),
                     type(self).__name__)

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
                                defaults={p.name: p.default for p in self._declared_parameters},
                                generator_defaults=self._generator_defaults,
                                balanced_batches=self._balanced_batches)
        strategy = self._counts_to_add(data.y, data.space.defaults)
        attributes = fit_model(config, data)
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
