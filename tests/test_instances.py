"""Instances from schemas: minimal ones valid for every type, self-contained schemas that
generate only valid instances."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema

from conformance.catalog import default_catalog
from conformance.instances import (
    InstanceBuilder,
    InstanceError,
    canonical_seed,
    self_contained_schema,
    type_of_ref,
)

CATALOG = default_catalog()
OPERATIONS = [op.name for op in CATALOG.operations(kind="operation")]


@pytest.fixture(scope="module")
def arguments() -> InstanceBuilder:
    return InstanceBuilder(CATALOG, boolean=False)


def test_every_argument_is_valid_and_deterministic(arguments: InstanceBuilder) -> None:
    failures = []
    for name in OPERATIONS:
        info = CATALOG.operation(name)
        argument = arguments.argument(name)
        if info.argument is None:
            assert argument == {}
            continue
        try:
            CATALOG.validate(info.argument, argument)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
        assert InstanceBuilder(CATALOG, boolean=False).argument(name) == argument
    assert not failures, "\n".join(failures)


def test_arguments_hold_required_members_only(arguments: InstanceBuilder) -> None:
    argument = arguments.argument("asnGetUserToken")
    assert argument == {}  # iType, iTTL, lstServiceType, lstProfileAttributes: all optional
    verify = arguments.argument("asnTokenVerify")
    assert set(verify) == {"sToken"} and verify["sToken"].startswith("sToken-")


def test_booleans_follow_the_builder(arguments: InstanceBuilder) -> None:
    interfaces = arguments.argument("asnMgmtSetListeningInterfaces")
    assert interfaces["bDisconnectClients"] is False
    results = InstanceBuilder(CATALOG, boolean=True)
    assert results.instance("AsnMgmtSetListeningInterfacesArgument")["bDisconnectClients"] is True


def test_the_one_array_typed_argument_is_an_array(arguments: InstanceBuilder) -> None:
    assert arguments.argument("asnMgmtSetMeshNodeConfigs") == []


def test_strings_vary_with_the_seed() -> None:
    builder = InstanceBuilder(CATALOG)
    one = builder.instance("AsnTokenVerifyArgument", "a")
    two = builder.instance("AsnTokenVerifyArgument", "b")
    assert one != two and set(one) == set(two)


def test_canonical_seed_ignores_member_order() -> None:
    assert canonical_seed("asnX", {"a": 1, "b": 2}) == canonical_seed("asnX", {"b": 2, "a": 1})
    assert canonical_seed("asnX", None) == canonical_seed("asnX", {})


def test_unsatisfiable_schemas_raise() -> None:
    builder = InstanceBuilder(CATALOG)
    with pytest.raises(InstanceError, match="pattern"):
        builder._value({"type": "string", "pattern": "^x$"}, "m", "seed", 0)
    with pytest.raises(InstanceError, match="local"):
        type_of_ref("#/$defs/x")
    assert type_of_ref("AsnFoo.json") == "AsnFoo"


# --- self-contained schemas ------------------------------------------------------------------


def _refs(node: Any) -> list[str]:
    text = json.dumps(node)
    return [part for part in text.split('"') if part.endswith(".json")]


@pytest.mark.parametrize("type_name", ["AsnNetDatabaseContact", "AsnOptionalParameters"])
def test_self_contained_schemas_have_no_refs(type_name: str) -> None:
    assert _refs(self_contained_schema(CATALOG, type_name)) == []


def test_every_argument_type_can_be_inlined() -> None:
    for name in OPERATIONS:
        argument = CATALOG.operation(name).argument
        if argument is not None:
            assert _refs(self_contained_schema(CATALOG, argument)) == [], name


def test_choices_become_one_closed_object_per_alternative() -> None:
    schema = self_contained_schema(CATALOG, "AsnAuthenticationChoice")
    alternatives = [branch["required"] for branch in schema["anyOf"]]
    assert alternatives == [["simple"], ["simplecrypt"], ["winuser"], ["enhanced"]]
    assert all(branch["additionalProperties"] is False for branch in schema["anyOf"])


GENERATED = ["AsnGetUserTokenArgument", "AsnLogonArgument", "AsnAbsentStateSetUserArgument"]


@pytest.mark.parametrize("type_name", GENERATED)
def test_generated_instances_are_valid(type_name: str) -> None:
    schema = self_contained_schema(CATALOG, type_name)

    @settings(
        max_examples=15,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema))
    def valid(instance: Any) -> None:
        CATALOG.validate(type_name, instance)

    valid()
