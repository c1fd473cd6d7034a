"""The front doors' parameters, declared once (``_parameters.declare``), and the
documentation of the fitted attributes they share.

A front door declares ``front_door_parameters(*its_own)``: the method's knobs
(λ, ε, α, C, ``n_iter``, ``warm_up``), what sampling reads and the budget, device
and seed. Settings of a generator family live on the family
(``sk_activegan.generators``), reached as ``generator__<setting>``.
"""

import numbers
import re

import torch

from ._compat import HasMethods, Interval, StrOptions
from ._parameters import Parameter
from ._families import FAMILIES
from .generators import GeneratorFamily

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
        G(z, y)), ``"augment"`` (a real image under one standard augmentation op
        chosen by a learned policy; images), all four trained as ActiveGAN; or the
        baseline ``"random-warp"`` (random similarity warps, nothing trained;
        images). A family object brings its own settings. "auto": ``"anchored"`` for
        tables, ``"warp"`` for grey images (one channel), ``"augment"`` for colour
        images (three channels): on each kind the family measured best (changed in
        0.3: colour images had ``"warp"``).
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
        ``"paper"``; 1.0 for ``"warp"``, whose transform has four degrees of freedom,
        and for ``"augment"``)."""),
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
        (3000 for ``"anchored"`` and ``"paper"``, 300 for ``"warp"`` and
        ``"augment"``)."""),
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
        "auto": the family's (``n_candidates_default``; 1 for the families here,
        whose reward acts through training).
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
        CPU (where the extractor's forward pass dominates an iteration; timings on
        the Table 1 page), None otherwise (a GPU, raw pixels, tables).
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
    modules_ : FamilyModules
        The family's networks (``sk_activegan.generators.FamilyModules``); for
        ActiveGAN's families ``.generator``, ``.discriminator`` and ``.policy``
        (the last two None for ``"random-warp"``).
    warm_up_iter_ : int
        Warm-up iterations actually run.
    lambda_reward_ : float
        The λ used ("auto" resolved).
    n_iter_ : int
        The ``n_iter`` used ("auto" resolved).
    n_candidates_ : int
        The ``n_candidates`` used ("auto" resolved).
    history_ : dict of ndarray of shape (n_iter,)
        One value per generator update, NaN where not computed at that update,
        one series per column the family declares (``history_columns``; none for
        ``"random-warp"``). ActiveGAN's families record:

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
    """Put the shared fitted-attribute documentation, under its "Attributes"
    heading, into a front door's docstring (where it says ``{fitted_attributes}``);
    the parameters come from :func:`~._parameters.declare`."""
    heading = "    Attributes\n    ----------\n"
    cls.__doc__ = cls.__doc__.replace("    {fitted_attributes}\n", heading + FITTED_ATTRIBUTES_DOC)
    return cls
