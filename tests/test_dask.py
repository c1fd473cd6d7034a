"""Scale-out: a grid search over GAN fits on a Dask cluster, through joblib's
``dask`` backend, scores the same as ``n_jobs=1`` (docs/scale-out.md)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier

distributed = pytest.importorskip("distributed")


def test_grid_search_on_a_dask_cluster_matches_n_jobs_1(fast_params):
    from joblib import parallel_config

    X, y = load_iris(return_X_y=True)
    model = AugmentedClassifier(
        ActiveGANAugmenter(**fast_params, n_synthetic=1.0, random_state=0),
        LogisticRegression(max_iter=500))
    grid = {"augmenter__lambda_reward": [0.0, 0.5], "augmenter__epsilon": [0.1, 0.3]}
    local = GridSearchCV(model, grid, cv=3, n_jobs=1).fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with parallel_config(backend="dask"), distributed.get_task_stream(client) as tasks:
            remote = GridSearchCV(model, grid, cv=3, n_jobs=-1).fit(X, y)
        # the 12 fits ran as tasks on the cluster's two workers
        workers = {task["worker"] for task in tasks.data}
        assert len(tasks.data) >= 12 and workers == set(client.scheduler_info()["workers"])
        assert len(workers) == 2
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
