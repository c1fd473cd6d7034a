"""The API page renders the public docstrings with mkdocstrings (numpy style), which
shows Sphinx roles such as ``:meth:`x``` as raw text: public docstrings use plain
backticks instead."""

import inspect
import re

import sk_activegan

SPHINX_ROLE = re.compile(r":(meth|func|class|attr|mod|data|ref|obj|exc|py:\w+):`")


def _public_docstrings():
    for name in sk_activegan.__all__:
        obj = getattr(sk_activegan, name)
        yield name, inspect.getdoc(obj) or ""
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if not member.startswith("_") or member == "__init__":
                    yield f"{name}.{member}", inspect.getdoc(value) or ""


def test_public_docstrings_hold_no_sphinx_roles():
    found = {name: SPHINX_ROLE.findall(doc) for name, doc in _public_docstrings()
             if SPHINX_ROLE.search(doc)}
    assert not found, f"Sphinx roles reach the API page as raw text: {found}"


def test_the_check_sees_roles():
    assert SPHINX_ROLE.search("see :meth:`preprocess` for the shapes")
    assert not SPHINX_ROLE.search("see `preprocess` for the shapes")
