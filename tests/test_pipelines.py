"""Pipelines, model selection, persistence and pandas."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier


@pytest.fixture
def augmenter(fast_params):
    return ActiveGANAugmenter(**fast_params, random_state=0)


def test_imblearn_pipeline_grid_search(blobs, augmenter):
    from imblearn.pipeline import Pipeline as ImbPipeline

    X, y = blobs
    pipe = ImbPipeline([("augmenter", augmenter), ("clf", LogisticRegression())])
    search = GridSearchCV(
        pipe, {"augmenter__lambda_reward": [0.0, 0.1], "augmenter__epsilon": [0.1, 0.2]}, cv=2
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    fitted = search.best_estimator_
    assert fitted.named_steps["augmenter"].sampling_strategy_ == {0: 15, 1: 15, 2: 15}
    # resampling happens only at fit time: predict sees the rows as given
    assert fitted.predict(X).shape == (90,)


def test_dataframe_in_dataframe_out(blobs, augmenter):
    X, y = blobs
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    labels = pd.Series(np.array(["a", "b", "c"])[y], name="label")
    X_res, y_res = augmenter.fit_resample(frame, labels)
    assert augmenter.feature_names_in_.tolist() == list(frame.columns)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(frame.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    X_syn, y_syn = augmenter.sample({"b": 2})
    assert isinstance(X_syn, pd.DataFrame) and list(X_syn.columns) == list(frame.columns)
    assert y_syn.tolist() == ["b", "b"]
    clf = AugmentedClassifier(augmenter, LogisticRegression()).fit(frame, y)
    assert clf.feature_names_in_.tolist() == list(frame.columns)
    assert clf.predict(frame).shape == (90,)
