"""Named hook points where a deliberate fault may bend the reference server's behaviour.

A hook point is declared next to the code that decides something (``auth.LOGON_FAILURE``: how
a failed logon is answered) and consulted there with ``faults.apply(POINT, value)``: the value
the correct server would use goes in, and every active fault registered on that point may
transform it. With no fault active the value comes back unchanged, so the correct path has no
``if fault ...`` branches; the faults themselves live together in
:mod:`conformance.reference.faults`, each a small function on one point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["Fault", "FaultSet", "HookPoint"]

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


class FaultSet:
    """The faults switched on for one server instance."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._faults = tuple(faults)
        self._by_point: dict[HookPoint[Any], list[Callable[[Any], Any]]] = {}
        for fault in self._faults:
            for point, transform in fault.hooks:
                self._by_point.setdefault(point, []).append(transform)

    def apply(self, point: HookPoint[T], value: T) -> T:
        """``value`` as transformed by every active fault hooked on ``point``, in order."""
        for transform in self._by_point.get(point, ()):
            value = transform(value)
        return value

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self._faults)

    def __iter__(self) -> Iterator[Fault]:
        return iter(self._faults)

    def __bool__(self) -> bool:
        return bool(self._faults)

    def __repr__(self) -> str:
        return f"FaultSet({sorted(self.names)})"
