"""Kinds of data (public): the `DataSpace` interface, its two kinds
(`TabularSpace`, `ImageSpace`) and `register_space`, with which
a new kind joins the fit without any other change (see docs/extending.md)."""

from ._spaces import (CallerMap, DataSpace, GeneratorLayout, ImageSpace, SpaceDefaults,
                      TabularSpace, class_spacing, register_space, unregister_space)

__all__ = ["CallerMap", "DataSpace", "GeneratorLayout", "ImageSpace", "SpaceDefaults",
           "TabularSpace", "class_spacing", "register_space", "unregister_space"]
