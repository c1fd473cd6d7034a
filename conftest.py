"""pytest configuration for the documentation: every Python block of README.md and
docs/*.md runs as a test (sybil), in order, one namespace per page.

A page gives its blocks data with an ``<!-- invisible-code-block: python -->`` comment
(small, built-in data sets) and marks a block that cannot run here with
``<!-- skip: next "the reason" -->``: pytest reports it as skipped, with that reason.
The pages' filled numbers are checked by tests/test_docs.py.
"""

import importlib.util
import os

from sybil import Sybil
from sybil.parsers.markdown import ClearNamespaceParser, PythonCodeBlockParser, SkipParser


def _missing(module):
    """True when ``module`` cannot be imported here (for ``skip: next if(...)``)."""
    return importlib.util.find_spec(module) is None


def _setup(namespace):
    # The blocks train networks: torch threads as OMP_NUM_THREADS (the suite pins 1).
    import torch

    namespace["__name__"] = "__docs__"
    namespace["missing"] = _missing
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser(), ClearNamespaceParser()],
    patterns=["README.md", "docs/*.md"],
    setup=_setup,
).pytest()
