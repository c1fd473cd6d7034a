"""Parameters declared once: name, default, constraints and documentation.

scikit-learn reads an estimator's parameters from the signature of its
``__init__``. A class that lists its parameters as `Parameter` rows gets,
from `declare`, an ``__init__`` with exactly those keyword-only parameters
(its ``__signature__``), ``_parameter_constraints`` for scikit-learn's
validation, and the numpydoc "Parameters" entries in its docstring (where it says
``{parameters}``). The front doors share one table; each generator family shares
the adversarial families' table and adds its own rows.

A class may also route settings to a part, skorch-style: with ``routed="generator"``
its ``__init__`` accepts any ``generator__<name>=value`` keyword and keeps it as an
attribute of that name (see ``BaseActiveGAN.get_params``).
"""

import inspect
import numbers
from typing import NamedTuple

import numpy as np


class Parameter(NamedTuple):
    """One constructor parameter: its ``name``, ``default``, scikit-learn
    ``constraints`` (a list, as ``_parameter_constraints`` values are) and its
    numpydoc entry ``doc`` (the type line first, then the description)."""

    name: str
    default: object
    constraints: list
    doc: str


def _entry(parameter):
    lines = parameter.doc.strip("\n").splitlines()
    head = f"    {parameter.name} : {lines[0].strip()}"
    return "\n".join([head, *(f"        {line.strip()}" if line.strip() else ""
                              for line in lines[1:])]) + "\n"


def parameters_doc(parameters):
    """The numpydoc entries of ``parameters``, indented for a class docstring."""
    return "".join(_entry(p) for p in parameters)


def declare(parameters, *, routed=None):
    """Class decorator: ``__init__``, ``_parameter_constraints`` and the docstring's
    ``{parameters}`` from a sequence of `Parameter` rows.

    ``routed`` names a part whose settings the constructor accepts as
    ``<routed>__<setting>=value`` keywords, kept as attributes of that name.
    """
    parameters = tuple(parameters)
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise ValueError(f"parameters declared twice: {names}")
    prefix = None if routed is None else f"{routed}__"

    def __init__(self, **kwargs):
        for parameter in parameters:
            setattr(self, parameter.name, kwargs.pop(parameter.name, parameter.default))
        for key, value in kwargs.items():
            if prefix is None or not key.startswith(prefix) or len(key) == len(prefix):
                raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                                f"argument {key!r}")
            setattr(self, key, value)

    signature = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    # the routed keywords are not in the signature: scikit-learn reads the parameters
    # from it, and the routed ones are reported by the class's own get_params
    signature += [inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default)
                  for p in parameters]

    def decorate(cls):
        __init__.__signature__ = inspect.Signature(signature)
        __init__.__qualname__ = f"{cls.__qualname__}.__init__"
        __init__.__module__ = cls.__module__
        __init__.__doc__ = f"See `{cls.__name__}` for the parameters."
        cls.__init__ = __init__
        cls._parameter_constraints = {**getattr(cls, "_parameter_constraints", {}),
                                      **{p.name: p.constraints for p in parameters}}
        cls._declared_parameters = parameters
        if cls.__doc__ and "{parameters}" in cls.__doc__:
            cls.__doc__ = cls.__doc__.replace("    {parameters}\n", parameters_doc(parameters))
        return cls

    return decorate


def check_layer_sizes(sizes, name):
    """A sequence of positive integers, as a tuple."""
    values = tuple(np.ravel(np.asarray(sizes, dtype=object)).tolist())
    for size in values:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"The '{name}' parameter must hold positive integers (layer "
                             f"widths); got {sizes!r}.")
    return tuple(int(size) for size in values)
