"""The fault registry: every fault by name, registration, activation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from conformance.reference.hooks import Fault, FaultSet, HookPoint
from conformance.reference.variations import chosen

__all__ = ["FAULTS", "T", "activate", "fault"]

T = TypeVar("T")

FAULTS: dict[str, Fault] = {}
"""Every known fault by name."""


def fault(
    name: str, description: str, point: HookPoint[T], breaks: Iterable[str] = ()
) -> Callable[[Callable[[T], T]], Callable[[T], T]]:
    """Register the decorated transform as fault ``name`` on ``point``."""

    def register(transform: Callable[[T], T]) -> Callable[[T], T]:
        known = FAULTS.get(name)
        # Re-importing this module (pytester drops imported modules between in-process runs)
        # registers the same function again; only a second, different definition is an error.
        if known is not None and known.hooks[0][1].__qualname__ != transform.__qualname__:
            raise ValueError(f"fault {name!r} is defined twice")
        hooks: tuple[tuple[HookPoint[Any], Callable[[Any], Any]], ...] = ((point, transform),)
        FAULTS[name] = Fault(name, description, frozenset(breaks), hooks)
        return transform

    return register


def activate(names: Iterable[str], variations: Iterable[str] = ()) -> FaultSet:
    """The faults (and variations) named; ``ValueError`` listing the known ones for an
    unknown name."""
    picked = []
    for name in names:
        if name not in FAULTS:
            known = ", ".join(sorted(FAULTS))
            raise ValueError(f"unknown fault {name!r}; known faults: {known}")
        picked.append(FAULTS[name])
    return FaultSet(picked, chosen(variations))
