"""Data spaces: the caller's data <-> the networks' model space, one kind of data
per space.

A space is fitted on the caller's training rows and owns everything about their
representation: the scaling the networks train in, the per-class real rows and
spacing an anchored generator and the diagnostics use, and the way back to the
caller's scale, dtypes and form. It is also *the kind of data*: its "auto"
defaults, the checks its settings need, the networks of the paper's generator and
discriminator, and how the reward model reads its rows are asked of it.

`~.base.DataSpace` is the interface; `~.tabular.TabularSpace` (a
feature table) and `~.image.ImageSpace` (flattened images) are siblings
under it, one module each. A new kind is one more module and a
`register_space`; `make_space` decides the kind once per fit.
"""

from .base import CallerMap, DataSpace, GeneratorLayout, SpaceDefaults
from .columns import (class_spacing, codes_are_values, encode_categorical, is_missing,
                      resolve_categorical, robust_standardization, type_names)
from .image import ImageSpace, check_image_shape
from .tabular import TabularSpace

#: The registered kinds, asked newest first; tables take what no other kind takes.
_KINDS = [ImageSpace]


def register_space(space_class):
    """Register a kind of data (a `DataSpace` subclass): from now on its
    ``from_data`` is asked, before the kinds registered earlier, whether it takes
    a fit's data. Returns the class (usable as a decorator)."""
    if not (isinstance(space_class, type) and issubclass(space_class, DataSpace)):
        raise TypeError(f"register_space takes a DataSpace subclass; got {space_class!r}.")
    if space_class not in _KINDS:
        _KINDS.append(space_class)
    return space_class


def unregister_space(space_class):
    """Forget a kind registered with `register_space` (no error when absent)."""
    if space_class in _KINDS and space_class is not ImageSpace:
        _KINDS.remove(space_class)


def make_space(image_shape, n_features, X=None):
    """The unfitted data space of a fit: the first registered kind (newest first)
    whose ``from_data`` takes the caller's ``X`` and ``image_shape``, else a
    table — the one place the kind of data is decided."""
    for kind in reversed(_KINDS):
        space = kind.from_data(X, image_shape=image_shape, n_features=n_features)
        if space is not None:
            return space
    return TabularSpace.from_data(X, image_shape=image_shape, n_features=n_features)


__all__ = ["CallerMap", "DataSpace", "GeneratorLayout", "ImageSpace", "SpaceDefaults",
           "TabularSpace", "check_image_shape", "class_spacing", "codes_are_values",
           "encode_categorical", "is_missing", "make_space", "register_space",
           "resolve_categorical", "robust_standardization", "type_names",
           "unregister_space"]
