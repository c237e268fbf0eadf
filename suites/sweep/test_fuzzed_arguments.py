"""Every operation answers property-based valid arguments (``--fuzz N``; chapters 2-48).

Collected only with ``--fuzz N``: per operation, N arguments drawn by hypothesis-jsonschema from
a self-contained, bounded subset of the ArgumentType's schema
(:func:`conformance.instances.self_contained_schema`), deterministically (derandomised, no
example database). Whatever the server makes of a valid argument, protocol-notes §3 requires an
answer: a result valid against the ResultType, an error valid against the ErrorType, or a
reject; never silence within the timeout and never a dropped connection. The minimal argument
is sent first (an operation the target does not implement is "not implemented", not fuzzed)
and again last, to show that the session survived.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis_jsonschema import from_schema

from conformance.catalog import default_catalog
from conformance.errors import SchemaViolation
from conformance.instances import self_contained_schema

if TYPE_CHECKING:
    from conftest import SweepCall

pytestmark = pytest.mark.requires("users>=1")


def test_operation_answers_fuzzed_valid_arguments(sweep: SweepCall, fuzz_examples: int) -> None:
    """Chapters 2-48, each operation's section; protocol-notes §3: N schema-valid arguments of
    the operation are each answered within the timeout by a schema-valid result or error, or
    a reject, and the connection survives them all."""
    sweep.judge(sweep.invoke(sweep.minimal_argument))
    catalog = default_catalog()
    type_name = sweep.info.argument
    schema = self_contained_schema(catalog, type_name) if type_name else {"const": {}}

    @settings(
        max_examples=fuzz_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema))
    def answers(argument: Any) -> None:
        if type_name is not None:
            try:
                catalog.validate(type_name, argument)
            except SchemaViolation:
                assume(False)  # the generator strayed outside the schema: not a test case
        sweep.invoke(argument)  # any answer will do; results and errors are validated
        sweep.session.raise_fault()

    answers()
    sweep.invoke(sweep.minimal_argument)
