"""ActiveGANOverSampler: balance imbalanced classes (a thin front door)."""

from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy

from ._base import BaseActiveGAN
from ._front_door import fill_docstring, front_door_parameters
from ._compat import OVER_SAMPLING_STRATEGY_CONSTRAINTS
from ._parameters import Parameter, declare

SAMPLING_STRATEGY = Parameter(
    "sampling_strategy", "auto", OVER_SAMPLING_STRATEGY_CONSTRAINTS,
    """float, str, dict or callable, default="auto"
    How many rows to generate, with imbalanced-learn's meaning: a float (binary
    targets only) is the minority-to-majority ratio after resampling; "auto"
    (= "not majority"), "minority", "not minority", "not majority" and "all"
    equalize the named classes with the majority; a dict ``{label: n_rows}`` gives
    each named class its size after resampling; a callable maps ``y`` to such a
    dict. Only these classes get synthetic rows.""")


@declare((SAMPLING_STRATEGY, *front_door_parameters(defaults={"n_iter": 500})),
         routed="generator")
@fill_docstring
class ActiveGANOverSampler(BaseActiveGAN, BaseOverSampler):
    """Over-sample imbalanced classes with ActiveGAN's informative samples.

    An imbalanced-learn over-sampler: ``sampling_strategy`` has imbalanced-learn's
    meaning (by default every class is brought up to the majority's size), and
    synthetic rows are generated only for the classes it names. They come from the
    same engine as `ActiveGANAugmenter`: an AC-GAN trained on all classes,
    whose generator is pushed by the uncertainty reward of a calibrated SVM towards
    the decision boundary (the learned form of BorderlineSMOTE / SVMSMOTE), anchored
    by default on real rows of the class it generates.

    For classes with few rows (6 to 30 are common in imbalanced data):

    - every training batch draws its real rows **class-balanced** (each class equally
      often, rows uniform within it), so the generator of a rare class trains as
      often as the majority's;
    - the generator is conditioned on the label and, when anchored (the default),
      on a real row of that class: samples stay within ``generator__anchor_radius``
      class spacings of the minority's own rows, so a discriminator that memorises a dozen
      rows cannot pull them away, and its dropout (0.3) keeps it from fitting them
      exactly;
    - the reward model's grid search and Platt calibration use stratified folds, as
      many as the smallest class allows (at most 5): a class needs 2 rows, fewer
      than SMOTE's default ``k_neighbors=5`` asks for.

    Integer and boolean columns come back valid, in the caller's dtype(s); a
    DataFrame in gives DataFrames out. Pickles hold the training rows, standardized.

    Its defaults are set for a pipeline step that fits in seconds: ``n_iter=500``,
    and on tables a generator family resolved from a name gets
    ``hidden_layer_sizes=(64, 64)`` unless ``generator__hidden_layer_sizes`` is given (the augmenter's: 3000 and
    (256, 256); timings and scores on the imbalanced results page).
    ``n_iter="auto"`` restores the family's iterations. To let the data choose how
    much to over-sample, 0 included, with any classifier, see
    `OverSampledClassifierCV`.

    Parameters
    ----------
    {parameters}
    {fitted_attributes}
    sampling_strategy_ : dict
        After ``fit`` or ``fit_resample``: rows added per resampled class.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sk_activegan import ActiveGANOverSampler
    >>> X, y = make_classification(n_samples=120, weights=[0.85], random_state=0)
    >>> sampler = ActiveGANOverSampler(n_iter=50, generator__hidden_layer_sizes=(32,),
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
    _counts_parameter = "sampling_strategy"
    #: Per kind of data, settings of a family resolved from a name, unless routed: a
    #: pipeline step on a table that fits in seconds (docs/imbalanced.md).
    _generator_defaults = {"table": {"hidden_layer_sizes": (64, 64)}}

    def _counts_to_add(self, y, defaults):
        """imbalanced-learn's ``check_sampling_strategy``: rows to add per class."""
        strategy = check_sampling_strategy(self.sampling_strategy, y, self._sampling_type)
        return {label.item() if hasattr(label, "item") else label: int(count)
                for label, count in strategy.items()}
