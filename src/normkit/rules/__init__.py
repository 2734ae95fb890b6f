"""Rule kinds. Each is an immutable pydantic model that evaluates on floats.

``BUILTIN_RULE_KINDS`` maps each ``kind`` to its class; plugins add their own
through the ``normkit_register_rule_kinds`` hook.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .base import Rule, RuleRef, Step
from .combine import Floor, Maximum, Minimum, Round, Scale, Sum
from .fixed import Fixed
from .money import FteCost, GrantAboveListLength, GrantAsIfList
from .override import Override
from .population import PerPopulation
from .predicates import AllOf, AnyOf, Compare, Not
from .rate import Rate
from .ratio import Ratio
from .threshold import Alert, Threshold

_KINDS: tuple[type[Rule], ...] = (
    Rate,
    Fixed,
    Sum,
    Scale,
    Minimum,
    Maximum,
    Floor,
    Round,
    GrantAboveListLength,
    GrantAsIfList,
    FteCost,
    Compare,
    AllOf,
    AnyOf,
    Not,
    Ratio,
    PerPopulation,
)


def kind_of(cls: type[Rule]) -> str:
    """The ``kind`` string a rule class declares as its default."""
    default = cls.model_fields["kind"].default
    if not isinstance(default, str):
        raise TypeError(f"{cls.__name__} must give 'kind' a string default")
    return default


BUILTIN_RULE_KINDS: Mapping[str, type[Rule]] = MappingProxyType({kind_of(k): k for k in _KINDS})

__all__ = [
    "BUILTIN_RULE_KINDS",
    "Alert",
    "AllOf",
    "AnyOf",
    "Compare",
    "Fixed",
    "Floor",
    "FteCost",
    "GrantAboveListLength",
    "GrantAsIfList",
    "Maximum",
    "Minimum",
    "Not",
    "Override",
    "PerPopulation",
    "Rate",
    "Ratio",
    "Round",
    "Rule",
    "RuleRef",
    "Scale",
    "Step",
    "Sum",
    "Threshold",
    "kind_of",
]
