"""scikit-learn's and imbalanced-learn's common estimator checks."""

from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from sklearn.linear_model import LogisticRegression

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier
from conftest import FAST

AUGMENTER = ActiveGANAugmenter(**{**FAST, "n_iter": 12}, random_state=0)

CLASSIFIER = AugmentedClassifier(AUGMENTER, LogisticRegression())

SKLEARN_EXPECTED_FAILURES = {}
IMBLEARN_EXPECTED_FAILURES = {
    # imbalanced-learn runs this check for every sampler that accepts DataFrames,
    # whatever its sparse tag. The augmenter rejects sparse input by design: the
    # networks and the standardization need dense features, and a sparse matrix
    # raises a TypeError naming the problem (tested in test_validation.py).
    "check_samplers_pandas_sparse": "sparse input is rejected by design",
}


@sklearn_checks([AUGMENTER, CLASSIFIER],
                expected_failed_checks=lambda est: SKLEARN_EXPECTED_FAILURES.get(type(est), {}))
def test_sklearn_compatible(estimator, check):
    check(estimator)


@imblearn_checks([AUGMENTER], expected_failed_checks=lambda est: IMBLEARN_EXPECTED_FAILURES)
def test_imblearn_compatible(estimator, check):
    check(estimator)
