"""Studies: one-off measurements on a benchmark's protocol and cache, run as
``python -m benchmarks.studies.NAME``."""
