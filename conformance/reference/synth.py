"""Schema-valid results for the catalogued operations the reference server does not model.

The server must answer all 391 operations of the catalogue, but it models only some of them.
For the others it synthesises a result from the result type's JSON Schema: the smallest value
the schema accepts (:class:`conformance.instances.InstanceBuilder`, whose docstring lists the
rules), made deterministic per (operation, argument) so that the same call always gets the
same answer and GET and POST of one call agree. Strings hash the operation, the argument and
the member's path, so results vary with the argument and a test cannot pass on a constant;
booleans are ``true`` (most result booleans report success, e.g. ``bSuccess``).

A schema the rules cannot satisfy, or a cycle of required members, raises :class:`SynthError`;
the project's tests synthesise and validate the result of every catalogued operation.
"""

from __future__ import annotations

from typing import Any

from conformance.catalog import Catalog
from conformance.instances import InstanceBuilder, InstanceError, canonical_seed

__all__ = ["SynthError", "Synthesiser"]

SynthError = InstanceError
"""The schema of a type cannot be satisfied by the synthesiser's rules (a project bug)."""


class Synthesiser:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._builder = InstanceBuilder(catalog, boolean=True)

    def result(self, operation: str, argument: Any) -> Any:
        """The synthesised result of ``operation`` called with ``argument``: an object, or an
        array for the two operations whose result type is one (asnMgmtGetMeshNodeConfigs,
        asnMgmtGetMeshNodeStatuses)."""
        info = self._catalog.operation(operation)
        if info.result is None:
            raise SynthError(f"{operation} is {info.kind} without a result type")
        return self.instance(info.result, canonical_seed(operation, argument))

    def instance(self, type_name: str, seed: str = "") -> Any:
        """A schema-valid instance of ``type_name``; equal seeds give equal instances."""
        return self._builder.instance(type_name, seed)
