"""ActiveGANAugmenter: augment every class of a labeled set (a thin front door)."""

import numbers

from ._base import BaseActiveGAN
from ._front_door import fill_docstring, front_door_parameters
from ._compat import Interval, StrOptions
from ._counts import synthetic_counts
from ._parameters import Parameter, declare

N_SYNTHETIC = Parameter(
    "n_synthetic", "auto", [StrOptions({"auto"}), Interval(numbers.Real, 0, None, closed="left"),
                            Interval(numbers.Integral, 0, None, closed="left"), dict],
    """"auto", float, int or dict, default="auto"
    Rows ``fit_resample`` adds: a float is a share of each class's size (0.5 adds
    50 % of every class), an int a count per class, a dict ``{label: count}``.
    "auto": 0.5 for tables, 8.0 for images (eight transformed copies per image, as
    many as the classical eight 1-px translations).""")


@declare(front_door_parameters(N_SYNTHETIC), routed="generator")
@fill_docstring
class ActiveGANAugmenter(BaseActiveGAN):
    """Generate informative labeled samples with ActiveGAN (Kong et al., AAAI 2019).

    A conditional GAN (AC-GAN) is trained on ``(X, y)``; after a warm-up, its
    generator is also pushed by a policy-gradient uncertainty loss whose reward
    comes from a classifier trained on the real data (by default a grid-searched,
    calibrated RBF SVM), so that it generates labeled samples near that
    classifier's decision boundary. ``fit_resample`` returns the real samples
    followed by the synthetic ones, as a step of imbalanced-learn's `Pipeline`.

    Unlike imbalanced-learn's over-samplers, which *balance* classes through
    ``sampling_strategy``, this sampler *augments* every class: how many rows it adds
    per class is ``n_synthetic``. After ``fit_resample``, ``sampling_strategy_``
    holds the number of rows added per class, as imbalanced-learn's samplers do.

    What generates the samples is the ``generator`` family
    (``sk_activegan.generators``). For tables the default is *anchored*: each
    sample is a real row of its class moved by a learned, bounded shift (a
    departure from the paper's free G(z, y), which ``generator="paper"`` gives).
    With ``image_shape``, rows are flattened images and the default is the *warp*
    generator: a real image of the class under a learned rotation, scaling and
    shift, trained with the uncertainty reward from its untrained draw (random
    similarity warps). ``generator="random-warp"`` is that untrained draw, a
    baseline (the image results page compares them).

    Integer and boolean columns come back valid (integers rounded within their
    observed range, booleans both ways), in the caller's dtype(s); a DataFrame in
    gives DataFrames out. Pickles hold the training rows, standardized: the anchored
    generator draws its anchors from them.

    Parameters
    ----------
    {parameters}
    {fitted_attributes}
    sampling_strategy_ : dict
        After ``fit_resample``: rows added per class.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_activegan import ActiveGANAugmenter
    >>> X, y = load_iris(return_X_y=True)
    >>> aug = ActiveGANAugmenter(n_iter=50, generator__hidden_layer_sizes=(32,),
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

    def _counts_to_add(self, y, defaults):
        """``n_synthetic`` per class ("auto": the data space's default): a share of
        each class's size, a count, or a dict."""
        n_synthetic = (defaults.n_synthetic if isinstance(self.n_synthetic, str)
                       else self.n_synthetic)
        return synthetic_counts(y, n_synthetic)
