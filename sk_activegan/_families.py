"""The generator families by name, for the front doors' ``generator`` parameter: the
families of :mod:`sk_activegan.generators` and the augmentation-policy family
(``_augment.py``), which is written on their public interface."""

from ._augment import AugmentPolicy
from .generators import AnchoredGenerator, PaperGenerator, RandomWarp, WarpGenerator

#: ``{name: family class}``.
FAMILIES = {family.name: family for family in (AnchoredGenerator, WarpGenerator, PaperGenerator,
                                               RandomWarp, AugmentPolicy)}

__all__ = ["FAMILIES"]
