"""AugmentedClassifier: augmentation inside a plain scikit-learn classifier."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier


@pytest.fixture
def augmenter(fast_params):
    return ActiveGANAugmenter(**fast_params, random_state=0)


def test_augmented_classifier_fits_on_real_plus_synthetic(blobs, augmenter):
    X, y = blobs
    clf = AugmentedClassifier(augmenter, LogisticRegression()).fit(X, y)
    assert clf.augmenter_ is not augmenter and not hasattr(augmenter, "modules_")
    assert clf.classes_.tolist() == [0, 1, 2]
    assert clf.score(X, y) > 0.9
    assert clf.predict_proba(X).shape == (90, 3)
    assert clf.decision_function(X).shape == (90, 3)
    # the estimator saw 90 real + 45 synthetic rows
    assert clf.estimator_.n_features_in_ == 5
    assert sum(clf.augmenter_.sampling_strategy_.values()) == 45


def test_methods_follow_the_estimator(blobs, augmenter):
    from sklearn.svm import LinearSVC

    clf = AugmentedClassifier(augmenter, LinearSVC())
    assert not hasattr(clf, "predict_proba")
    assert hasattr(clf, "decision_function")


def test_sklearn_pipeline_cross_val_and_grid_search(blobs, augmenter):
    X, y = blobs
    pipe = Pipeline([("scale", StandardScaler()),
                     ("clf", AugmentedClassifier(augmenter, LogisticRegression()))])
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    search = GridSearchCV(
        AugmentedClassifier(augmenter, LogisticRegression()),
        {"augmenter__lambda_reward": [0.0, 0.1], "augmenter__epsilon": [0.1, 0.2]},
        cv=2, n_jobs=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.augmenter_.lambda_reward in (0.0, 0.1)


@pytest.mark.parametrize("meta", ["AugmentedClassifier", "AugmentedClassifierCV"])
def test_meta_classifiers_pass_dataframes_through(fast_params, meta):
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder

    import sk_activegan

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 40)
    frame = pd.DataFrame({"amount": rng.normal(size=80) + y,
                          "colour": pd.Categorical(rng.choice(["red", "blue"], 80)),
                          "kind": rng.choice(["a", "b", "c"], 80)})
    estimator = make_pipeline(
        ColumnTransformer([("onehot", OneHotEncoder(), ["colour", "kind"])],
                          remainder="passthrough"), LogisticRegression())
    augmenter = ActiveGANAugmenter(**fast_params, categorical_features=["colour", "kind"],
                                   n_synthetic=0.5, random_state=0)
    extra = {"shares": (0.5,), "cv": 2} if meta == "AugmentedClassifierCV" else {}
    clf = getattr(sk_activegan, meta)(augmenter, estimator, **extra).fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["amount", "colour", "kind"]
    assert clf.augmenter_.feature_names_in_.tolist() == ["amount", "colour", "kind"]
    assert clf.predict(frame).shape == (80,) and clf.score(frame, y) > 0.5
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame[["kind", "colour", "amount"]])
