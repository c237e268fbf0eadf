"""The variation registry: every variation by name, registration, lookup."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from conformance.reference.hooks import HookPoint, Variation

__all__ = ["VARIATIONS", "chosen", "variation"]

T = TypeVar("T")

VARIATIONS: dict[str, Variation] = {}
"""Every known variation by name."""


def variation(
    name: str,
    description: str,
    point: HookPoint[T],
    *,
    lines: Iterable[int],
    source: str = "document",
    removes: Iterable[str] = (),
) -> Callable[[Callable[[T], T]], Callable[[T], T]]:
    """Register the decorated transform as variation ``name`` on ``point``.

    ``lines`` are the document lines that allow the behaviour; a variation with none must name
    its ``source`` (a section of protocol-notes.md: a wire fact the document leaves out).
    """
    cited = tuple(lines)
    if not cited and source == "document":
        raise ValueError(f"variation {name!r} cites no document line and no other source")

    def register(transform: Callable[[T], T]) -> Callable[[T], T]:
        known = VARIATIONS.get(name)
        # Re-importing (pytester drops imported modules) registers the same function again.
        if known is not None and known.hooks[0][1].__qualname__ != transform.__qualname__:
            raise ValueError(f"variation {name!r} is defined twice")
        hooks: tuple[tuple[HookPoint[Any], Callable[[Any], Any]], ...] = ((point, transform),)
        VARIATIONS[name] = Variation(name, description, cited, source, frozenset(removes), hooks)
        return transform

    return register


def chosen(names: Iterable[str]) -> list[Variation]:
    """The variations named; ``ValueError`` listing the known ones for an unknown name."""
    found = []
    for name in names:
        if name not in VARIATIONS:
            known = ", ".join(sorted(VARIATIONS)) or "none"
            raise ValueError(f"unknown variation {name!r}; known variations: {known}")
        found.append(VARIATIONS[name])
    return found
