"""Named hook points where a fault or a variation may bend the reference server's behaviour.

A hook point is declared next to the code that decides something (``auth.LOGON_FAILURE``: how
a failed logon is answered) and consulted there with ``faults.apply(POINT, value)``: the value
the correct server would use goes in, and every active fault registered on that point may
transform it. With no fault active the value comes back unchanged, so the correct path has no
``if fault ...`` branches; the faults themselves live together in
:mod:`conformance.reference.faults`, each a small function on one point.

A *variation* (:mod:`conformance.reference.variations`) uses the same points for the opposite
purpose: it bends a decision to another answer the document also allows, so that the suite can
be shown to pass every conformant server, not only ours. Variations apply before faults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["Fault", "FaultSet", "HookPoint", "Variation"]

T = TypeVar("T")


class HookPoint(Generic[T]):
    """A decision the server makes that a fault may override; ``T`` is the decided value."""

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description

    def __repr__(self) -> str:
        return f"HookPoint({self.name!r})"


@dataclass(frozen=True)
class Fault:
    """A named, deliberate deviation from the protocol, for mutation checks of the suite."""

    name: str
    description: str
    """One line: what the server does wrong when the fault is on."""
    breaks: frozenset[str] = frozenset()
    """Ids of the conformance tests that must fail while this fault is on."""
    hooks: tuple[tuple[HookPoint[Any], Callable[[Any], Any]], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Variation:
    """A named behaviour the document permits but the reference server does not show by
    default: switched on, every conformance test must still pass."""

    name: str
    description: str
    """One line: what the server does differently."""
    lines: tuple[int, ...]
    """The document lines that allow it (1-based, as the suites' ``spec`` markers)."""
    source: str = "document"
    """Where the permission comes from: ``document``, or ``protocol-notes §N`` for wire facts
    the document leaves out."""
    removes: frozenset[str] = frozenset()
    """Profile capabilities the variation takes away (a test needing one may skip)."""
    hooks: tuple[tuple[HookPoint[Any], Callable[[Any], Any]], ...] = field(default=(), repr=False)


class FaultSet:
    """The faults and variations switched on for one server instance."""

    def __init__(self, faults: Iterable[Fault] = (), variations: Iterable[Variation] = ()) -> None:
        self._faults = tuple(faults)
        self._variations = tuple(variations)
        self._by_point: dict[HookPoint[Any], list[Callable[[Any], Any]]] = {}
        # Variations first: a fault bends what the (varied) correct server would have done.
        bends: tuple[Fault | Variation, ...] = (*self._variations, *self._faults)
        for bend in bends:
            for point, transform in bend.hooks:
                self._by_point.setdefault(point, []).append(transform)

    def apply(self, point: HookPoint[T], value: T) -> T:
        """``value`` as transformed by every active fault hooked on ``point``, in order."""
        for transform in self._by_point.get(point, ()):
            value = transform(value)
        return value

    @property
    def names(self) -> frozenset[str]:
        """The faults' names."""
        return frozenset(f.name for f in self._faults)

    @property
    def variation_names(self) -> frozenset[str]:
        return frozenset(v.name for v in self._variations)

    def __iter__(self) -> Iterator[Fault]:
        return iter(self._faults)

    def __bool__(self) -> bool:
        return bool(self._faults)

    def __repr__(self) -> str:
        return f"FaultSet({sorted(self.names)}, variations={sorted(self.variation_names)})"
