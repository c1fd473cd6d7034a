"""What several benchmarks share beyond :mod:`benchmarks.harness`: each protocol's
data cells, rows and tables, so that a benchmark, a study and the report read one
definition and no benchmark imports another.

- :mod:`~benchmarks.protocols.tabular`: the paper's protocol on tables (``paper_protocol``,
  ``budget_sweep``, ``report``).
- :mod:`~benchmarks.protocols.pipelines`: the imbalanced pipelines (``imbalanced``, ``report``).
- :mod:`~benchmarks.protocols.resamplers`: the over-samplers before an SVM or k-NN
  (``imbalanced_resamplers``, ``report``).
- :mod:`~benchmarks.protocols.pixels`: the raw-pixel image protocol (``images``,
  ``studies.selection``).
- :mod:`~benchmarks.protocols.features`: Table 1 on pretrained features (``table1``,
  ``studies.reward_views``).
"""
