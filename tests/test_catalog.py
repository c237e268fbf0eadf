"""conformance.catalog: lookup, validation and the readable SchemaViolation it raises.

The first part runs on a small schema tree written to tmp_path that follows the generator's
contract (an object holding an array of objects with an enumeration and a date-time member, a
choice, a $ref chain across four files, a webservice body referring into types/). The last part
runs against the real schemas/ of the checkout.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from conformance.catalog import (
    SCHEMAS_DIR,
    Catalog,
    OperationInfo,
    UnknownName,
    default_catalog,
    is_iso8601_date_time,
    is_rfc3339_date_time,
)
from conformance.errors import SchemaViolation, SuiteError
from conformance.schema_ids import SCHEMA_DIALECT, type_id, webservice_id

# --- fixture tree --------------------------------------------------------------------------


def _type(name: str, kind: str, section: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": type_id(name),
        "title": name,
        "description": f"{name} for the catalog tests",
        "x-asn": {"kind": kind, "module": "FixV2", "section": section, "line": 100},
        **body,
    }


def _object(name: str, section: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    properties = {"_type": {"type": "string", "const": name}, **props}
    body = {"type": "object", "properties": properties, "required": required}
    return _type(name, "object", section, body)


BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$"

TYPES = {
    "AsnFixStateEnum": _type(
        "AsnFixStateEnum",
        "enumeration",
        "17.1.9",
        {
            "type": "integer",
            "anyOf": [
                {"const": 0, "title": "eFIXUNKNOWN"},
                {"const": 1, "title": "eFIXIDLE"},
                {"const": 2, "title": "eFIXBUSY"},
            ],
        },
    ),
    "AsnFixTime": _type("AsnFixTime", "alias", "25.1.1", {"type": "string", "format": "date-time"}),
    "AsnFixEvent": _object(
        "AsnFixEvent",
        "17.1.40",
        {
            "iConvSequenceID": {"type": "integer"},
            "iState": {"$ref": "AsnFixStateEnum.json"},
            "stTime": {"$ref": "AsnFixTime.json"},
            "u8sText": {"type": "string"},
            "binData": {"type": "string", "contentEncoding": "base64", "pattern": BASE64},
        },
        ["iConvSequenceID", "iState"],
    ),
    "AsnFixEventList": _type(
        "AsnFixEventList",
        "array",
        "17.1.41",
        {"type": "array", "items": {"$ref": "AsnFixEvent.json"}},
    ),
    "AsnFixConversationChoice": _type(
        "AsnFixConversationChoice",
        "choice",
        "17.1.12",
        {
            "type": "object",
            "properties": {
                "_type": {"type": "string", "const": "AsnFixConversationChoice"},
                "u8sConversationID": {"type": "string"},
                "u8sPartnerURI": {"type": "string"},
            },
            "oneOf": [{"required": ["u8sConversationID"]}, {"required": ["u8sPartnerURI"]}],
        },
    ),
    "AsnFixEventArgument": _object(
        "AsnFixEventArgument",
        "17.1.2",
        {
            "choConversation": {"$ref": "AsnFixConversationChoice.json"},
            "asnChatEventList": {"$ref": "AsnFixEventList.json"},
        },
        ["choConversation", "asnChatEventList"],
    ),
}

WEBSERVICE = {
    "FixContactsResponse": {
        "$schema": SCHEMA_DIALECT,
        "$id": webservice_id("FixContactsResponse"),
        "title": "FixContactsResponse",
        "description": "a route body keyed by URI",
        "x-source": {"section": "1.4", "lines": [523, 566]},
        "type": "object",
        "properties": {
            "contacts": {
                "type": "object",
                "additionalProperties": {"$ref": "../types/AsnFixEvent.json"},
            }
        },
        "required": ["contacts"],
    }
}

CATALOG = {
    "protocol": "6.1.0.339",
    "modules": [
        {"name": "FixV2", "chapter": 16, "operationIds": "1410 - 1436", "description": "Chat"},
        {"name": "Empty", "chapter": 24, "operationIds": "", "description": "no operations"},
    ],
    "operations": [
        {
            "name": "asnFixGetEvents",
            "module": "FixV2",
            "kind": "operation",
            "section": "16.1.12",
            "argument": "AsnFixEventArgument",
            "result": "AsnFixEventList",
            "error": "AsnFixEventList",
            "deprecated": False,
            "effect": "read",
            "audience": {"kind": "user", "line": 1, "quote": ""},
            "description": "fetch events",
        },
        {
            "name": "asnFixEvent",
            "module": "FixV2",
            "kind": "event",
            "section": "16.2.1",
            "argument": "AsnFixEventArgument",
            "result": None,
            "error": None,
            "deprecated": True,
            "effect": "read",
            "audience": {"kind": "user", "line": 2, "quote": ""},
            "description": "events arrive",
        },
    ],
    "types": {
        name: {"module": "FixV2", "kind": s["x-asn"]["kind"], "section": s["x-asn"]["section"]}
        for name, s in TYPES.items()
    },
}


def _write(root: Path, catalog: dict[str, Any] = CATALOG) -> Path:
    for folder, schemas in (("types", TYPES), ("webservice", WEBSERVICE)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, schema in schemas.items():
            (root / folder / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
    (root / "catalog.json").write_text(json.dumps(catalog, indent=2), encoding="utf-8")
    return root


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return Catalog.load(_write(tmp_path))


def _event(seq: object = 1, **extra: Any) -> dict[str, Any]:
    return {"iConvSequenceID": seq, "iState": 1, "stTime": "2024-05-17T09:30:00Z", **extra}


def _argument(**change: Any) -> dict[str, Any]:
    argument = {
        "choConversation": {"u8sConversationID": "c1"},
        "asnChatEventList": [_event(1), _event(2), _event(3), _event(4)],
    }
    return {**argument, **change}


def _violation(catalog: Catalog, type_name: str, instance: object, **kw: Any) -> SchemaViolation:
    with pytest.raises(SchemaViolation) as info:
        catalog.validate(type_name, instance, **kw)
    return info.value


# --- valid instances -----------------------------------------------------------------------


def test_valid_instances_pass(catalog: Catalog) -> None:
    catalog.validate("AsnFixEventArgument", _argument())
    catalog.validate("AsnFixEvent", {"iConvSequenceID": 0, "iState": 2})  # optional ones absent
    catalog.validate("AsnFixEventList", [])
    catalog.validate("AsnFixStateEnum", 0)
    assert list(catalog.iter_violations("AsnFixEventArgument", _argument())) == []


def test_type_member_equal_to_the_type_name_is_accepted(catalog: Catalog) -> None:
    event = _event(_type="AsnFixEvent")
    catalog.validate("AsnFixEvent", event)
    catalog.validate("AsnFixEvent", event, strict=True)
    catalog.validate(
        "AsnFixConversationChoice", {"_type": "AsnFixConversationChoice", "u8sPartnerURI": "x"}
    )


def test_type_member_naming_another_type_is_a_violation(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixEvent", _event(_type="AsnFixOther"))
    assert (found.pointer, found.expected) == ("/_type", '"AsnFixEvent"')
    assert found.found == "AsnFixOther"


# --- one test per violation kind -----------------------------------------------------------


def test_wrong_json_type_deep_in_the_instance(catalog: Catalog) -> None:
    events = [_event(1), _event(2), _event(3), _event("4")]
    found = _violation(catalog, "AsnFixEventArgument", _argument(asnChatEventList=events))
    assert found.type_name == "AsnFixEventArgument"
    assert found.section == "17.1.2"
    assert found.pointer == "/asnChatEventList/3/iConvSequenceID"
    assert found.expected == "integer (AsnFixEvent, section 17.1.40)"
    assert found.found == "4"


def test_wrong_json_type_at_the_top_level_names_only_the_json_type(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixEvent", _event(True))
    assert (found.pointer, found.expected, found.found) == ("/iConvSequenceID", "integer", True)
    assert str(found) == (
        "AsnFixEvent (document section 17.1.40) at /iConvSequenceID: expected integer, found true"
    )


def test_value_outside_an_enumeration_lists_the_values_with_their_names(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixEventList", [_event(1), {**_event(2), "iState": 7}])
    assert found.pointer == "/1/iState"
    assert found.expected == (
        "one of 0 (eFIXUNKNOWN), 1 (eFIXIDLE), 2 (eFIXBUSY) (AsnFixStateEnum, section 17.1.9)"
    )
    assert found.found == 7
    assert _violation(catalog, "AsnFixStateEnum", 3).expected.startswith("one of 0 (eFIXUNKNOWN)")


def test_enumeration_sent_as_a_string_is_a_type_error(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixStateEnum", "1")
    assert (found.pointer, found.expected, found.found) == ("", "integer", "1")
    assert "at /:" in str(found)


def test_missing_required_member_names_the_member(catalog: Catalog) -> None:
    event = {"iState": 1}
    found = _violation(
        catalog, "AsnFixEventArgument", _argument(asnChatEventList=[_event(), event])
    )
    assert found.pointer == "/asnChatEventList/1"
    assert found.expected == "required member 'iConvSequenceID' (AsnFixEvent, section 17.1.40)"
    assert found.found == event


@pytest.mark.parametrize(
    "choice", [{}, {"u8sConversationID": "c1", "u8sPartnerURI": "sip:a@b"}], ids=["none", "both"]
)
def test_choice_needs_exactly_one_alternative(catalog: Catalog, choice: dict[str, str]) -> None:
    found = _violation(catalog, "AsnFixEventArgument", _argument(choConversation=choice))
    assert found.pointer == "/choConversation"
    assert found.expected == (
        "exactly one of u8sConversationID, u8sPartnerURI "
        "(AsnFixConversationChoice, section 17.1.12)"
    )
    assert found.found == choice


def test_choice_alternative_of_the_wrong_type(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixConversationChoice", {"u8sPartnerURI": 5})
    assert (found.pointer, found.expected, found.found) == ("/u8sPartnerURI", "string", 5)


def test_array_type_is_an_array_of_elements(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixEventArgument", _argument(asnChatEventList={"0": _event()}))
    assert found.pointer == "/asnChatEventList"
    assert found.expected == "array (AsnFixEventList, section 17.1.41)"


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-17T09:30:00Z",
        "2024-05-17t09:30:00.1234567z",
        "2024-05-17T09:30:00+02:00",
        "2016-12-31T23:59:60Z",
    ],
)
def test_rfc3339_date_times_pass(catalog: Catalog, text: str) -> None:
    assert is_rfc3339_date_time(text)
    catalog.validate("AsnFixEvent", _event(stTime=text))


@pytest.mark.parametrize(
    "text",
    ["2024-05-17T09:30:00", "20240517T093000Z", "2024-05-17 09:30:00Z", "2024-05-17T09:30+01"],
)
def test_other_iso8601_date_times_pass_and_strict_mode_reports_them(
    catalog: Catalog, text: str
) -> None:
    """L23720 says only "ein ISO8601 String": RFC 3339 is our preference, a strict deviation."""
    assert is_iso8601_date_time(text) and not is_rfc3339_date_time(text)
    catalog.validate("AsnFixEvent", _event(stTime=text))
    found = _violation(catalog, "AsnFixEvent", _event(stTime=text), strict=True)
    assert found.pointer == "/stTime"


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "",
        "2024-05-17",
        "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-05-17T24:00:00Z",
        "2024-05-17T09:30:00+24:00",
        "2024-05-17T09:30:00Z\n",
        "45430.39583",
    ],
)
def test_date_time_format_is_really_checked(catalog: Catalog, text: str) -> None:
    assert not is_rfc3339_date_time(text) and not is_iso8601_date_time(text)
    found = _violation(catalog, "AsnFixEventList", [_event(stTime=text)])
    assert found.pointer == "/0/stTime"
    assert found.expected == (
        "a date-time string (ISO 8601, e.g. 2024-05-17T09:30:00Z) (AsnFixTime, section 25.1.1)"
    )
    assert found.found == text


def test_date_time_of_the_wrong_json_type(catalog: Catalog) -> None:
    assert is_rfc3339_date_time(45430.39583)  # formats judge strings only; "type" catches this
    found = _violation(catalog, "AsnFixTime", 45430.39583)
    assert (found.expected, found.found) == ("string", 45430.39583)


def test_base64_member_says_base64(catalog: Catalog) -> None:
    catalog.validate("AsnFixEvent", _event(binData="/9j/4AAQSkZJRg=="))
    catalog.validate("AsnFixEvent", _event(binData="/9j/4AAQSkZJRg"))  # the vendor's: no "="
    found = _violation(catalog, "AsnFixEvent", _event(binData="base64encodedjpeg"))
    assert (found.pointer, found.expected) == ("/binData", "a base64 string")


def test_context_prefixes_the_message(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixStateEnum", 9, context="asnFixGetEvents result")
    assert found.context == "asnFixGetEvents result"
    assert str(found).startswith(
        "asnFixGetEvents result: AsnFixStateEnum (document section 17.1.9)"
    )


def test_iter_violations_reports_every_violation(catalog: Catalog) -> None:
    argument = _argument(choConversation={}, asnChatEventList=[{"iConvSequenceID": "1"}])
    found = {
        (v.pointer, v.expected) for v in catalog.iter_violations("AsnFixEventArgument", argument)
    }
    assert found == {
        (
            "/choConversation",
            "exactly one of u8sConversationID, u8sPartnerURI (AsnFixConversationChoice, "
            "section 17.1.12)",
        ),
        ("/asnChatEventList/0", "required member 'iState' (AsnFixEvent, section 17.1.40)"),
        ("/asnChatEventList/0/iConvSequenceID", "integer (AsnFixEvent, section 17.1.40)"),
    }


def test_pointer_tokens_are_escaped(catalog: Catalog) -> None:
    body = {"contacts": {"sip:a/b~c@x": {"iConvSequenceID": 1, "iState": 9}}}
    with pytest.raises(SchemaViolation) as info:
        catalog.validate_webservice("FixContactsResponse", body)
    assert info.value.pointer == "/contacts/sip:a~1b~0c@x/iState"
    assert info.value.section == "1.4"


# --- strict mode ---------------------------------------------------------------------------


def test_strict_mode_rejects_members_the_document_does_not_define(catalog: Catalog) -> None:
    argument = _argument(asnChatEventList=[_event(1, iNewMember=5)])
    catalog.validate("AsnFixEventArgument", argument)  # servers may add members
    found = _violation(catalog, "AsnFixEventArgument", argument, strict=True)
    assert found.pointer == "/asnChatEventList/0/iNewMember"
    assert found.expected == (
        "no member 'iNewMember' (strict: the document does not define it) (AsnFixEvent, "
        "section 17.1.40)"
    )
    assert found.found == 5


def test_strict_mode_covers_choices_and_reports_each_extra_member(catalog: Catalog) -> None:
    choice = {"u8sPartnerURI": "sip:a@b", "x": 1, "y": 2}
    catalog.validate("AsnFixConversationChoice", choice)
    violations = catalog.iter_violations("AsnFixConversationChoice", choice, strict=True)
    assert [(v.pointer, v.found) for v in violations] == [("/x", 1), ("/y", 2)]


def test_strict_mode_still_reports_ordinary_violations(catalog: Catalog) -> None:
    found = _violation(catalog, "AsnFixEvent", _event("1"), strict=True)
    assert (found.pointer, found.expected) == ("/iConvSequenceID", "integer")


def test_strict_registry_is_built_only_when_asked_for(catalog: Catalog) -> None:
    catalog.validate("AsnFixEvent", _event())
    assert "_strict_schemas" not in vars(catalog)
    catalog.validate("AsnFixEvent", _event(), strict=True)
    assert "_strict_schemas" in vars(catalog)


# --- caching, lookup, loading --------------------------------------------------------------


def test_validators_are_compiled_once_per_type_and_mode(catalog: Catalog) -> None:
    plain = catalog.validator_for("AsnFixEvent")
    assert catalog.validator_for("AsnFixEvent") is plain
    strict = catalog.validator_for("AsnFixEvent", strict=True)
    assert strict is not plain
    assert catalog.validator_for("AsnFixEvent", strict=True) is strict
    assert plain.format_checker.conforms("nonsense", "date-time") is False


def test_operation_lookup(catalog: Catalog) -> None:
    op = catalog.operation("asnFixGetEvents")
    assert op == OperationInfo(
        name="asnFixGetEvents",
        module="FixV2",
        kind="operation",
        section="16.1.12",
        argument="AsnFixEventArgument",
        result="AsnFixEventList",
        error="AsnFixEventList",
        deprecated=False,
        description="fetch events",
        effect="read",
        audience={"kind": "user", "line": 1, "quote": ""},
    )
    event = catalog.operation("asnFixEvent")
    assert event.is_event and event.deprecated and event.result is None and event.error is None
    assert [o.name for o in catalog.operations()] == ["asnFixGetEvents", "asnFixEvent"]
    assert [o.name for o in catalog.operations(kind="event")] == ["asnFixEvent"]
    assert catalog.operations(module="Empty") == []
    assert [(m.name, m.chapter, m.operation_ids) for m in catalog.modules()] == [
        ("FixV2", 16, "1410 - 1436"),
        ("Empty", 24, ""),
    ]
    assert catalog.protocol == "6.1.0.339"


def test_type_lookup(catalog: Catalog) -> None:
    info = catalog.type_info("AsnFixConversationChoice")
    assert (info.module, info.kind, info.section) == ("FixV2", "choice", "17.1.12")
    assert catalog.has_type("AsnFixEvent") and not catalog.has_type("AsnFixNothing")
    assert set(catalog.type_names()) == set(TYPES)


def test_schema_of_returns_a_copy_of_the_raw_schema(catalog: Catalog) -> None:
    schema = catalog.schema_of("AsnFixEvent")
    assert schema == TYPES["AsnFixEvent"]
    schema["required"].append("u8sText")
    catalog.validate("AsnFixEvent", _event())


@pytest.mark.parametrize(
    "lookup",
    [
        lambda c: c.operation("asnFixGetEvent"),
        lambda c: c.operations(module="FixV3"),
        lambda c: c.type_info("AsnFixEvnt"),
        lambda c: c.validate("AsnFixEvnt", {}),
        lambda c: c.validator_for("Asn Fix/Event"),
        lambda c: c.schema_of("AsnFixEvnt"),
        lambda c: c.iter_violations("AsnFixEvnt", {}),
        lambda c: c.validate_webservice("FixContacts", {}),
    ],
    ids=["operation", "module", "type_info", "validate", "bad-name", "schema_of", "iter", "ws"],
)
def test_unknown_names_are_key_errors_with_a_hint(catalog: Catalog, lookup: Any) -> None:
    with pytest.raises(KeyError) as info:
        lookup(catalog)
    assert isinstance(info.value, UnknownName)
    assert str(info.value).startswith("unknown ")


def test_unknown_type_message_suggests_close_names(catalog: Catalog) -> None:
    with pytest.raises(UnknownName, match=r"did you mean AsnFixEvent\b"):
        catalog.validate("AsnFixEvnt", {})


def test_sha256_is_the_hash_of_catalog_json(tmp_path: Path) -> None:
    catalog = Catalog.load(_write(tmp_path))
    assert catalog.sha256 == hashlib.sha256((tmp_path / "catalog.json").read_bytes()).hexdigest()


def test_missing_or_malformed_catalog_is_a_suite_error(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="cannot read"):
        Catalog.load(tmp_path)
    (tmp_path / "catalog.json").write_text('{"protocol": "6.1.0.339"}', encoding="utf-8")
    with pytest.raises(SuiteError, match="malformed"):
        Catalog.load(tmp_path)


def test_schema_file_with_a_foreign_id_is_a_suite_error(tmp_path: Path) -> None:
    catalog = Catalog.load(_write(tmp_path))
    schema = {**TYPES["AsnFixTime"], "$id": type_id("AsnFixOther")}
    (tmp_path / "types" / "AsnFixTime.json").write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(SuiteError, match=r"AsnFixTime\.json: \$id must be"):
        catalog.validate("AsnFixTime", "2024-05-17T09:30:00Z")


@pytest.mark.parametrize("file_name", ["AsnFixTime.json.json", "Asn Fix.json"])
def test_schema_file_not_named_after_a_type_fails(tmp_path: Path, file_name: str) -> None:
    catalog = Catalog.load(_write(tmp_path))
    (tmp_path / "types" / file_name).write_text(json.dumps(TYPES["AsnFixTime"]), encoding="utf-8")
    with pytest.raises(SuiteError, match="not a schema name"):
        catalog.validate("AsnFixTime", "2024-05-17T09:30:00Z")


def test_dangling_ref_is_a_suite_error(tmp_path: Path) -> None:
    catalog = Catalog.load(_write(tmp_path))
    (tmp_path / "types" / "AsnFixStateEnum.json").unlink()
    with pytest.raises(SuiteError, match="does not resolve"):
        catalog.validate("AsnFixEvent", _event())
    with pytest.raises(SuiteError, match="does not resolve"):
        list(catalog.iter_violations("AsnFixEvent", _event()))


# --- the real schemas/ of the checkout -----------------------------------------------------


def test_real_catalog_loads_once_per_process() -> None:
    catalog = default_catalog()
    assert default_catalog() is catalog
    assert catalog.protocol == "6.1.0.339"
    assert len(catalog.sha256) == 64


def test_real_catalog_counts_match_the_document() -> None:
    catalog = default_catalog()
    assert len(catalog.operations(kind="operation")) == 391
    assert len(catalog.operations(kind="event")) == 135
    assert len(catalog.type_names()) == 1248
    files = {p.stem for p in (SCHEMAS_DIR / "types").glob("*.json")}
    assert files == set(catalog.type_names())


def test_every_real_schema_is_valid_and_every_ref_resolves() -> None:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    catalog = default_catalog()
    registry = catalog._registry
    unresolved: list[str] = []
    for uri, schema in catalog._schemas.items():
        Draft202012Validator.check_schema(schema)
        for ref in _refs(schema):
            try:
                registry.resolver(base_uri=uri).lookup(ref)
            except Exception:
                unresolved.append(f"{uri} -> {ref}")
    assert unresolved == []


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_real_operation_lookup() -> None:
    catalog = default_catalog()
    token = catalog.operation("asnGetUserToken")
    assert (token.module, token.kind, token.section) == ("Authentication", "operation", "10.1.4")
    assert token.result == "AsnGetUserTokenResult"
    logoff = catalog.operation("asnLogoff")
    assert (logoff.kind, logoff.section) == ("event", "10.2.1")
    assert logoff.result is None and logoff.error is None


def test_real_enumeration_violation_lists_names() -> None:
    catalog = default_catalog()
    catalog.validate("EnumCallState", 32)
    found = _violation(catalog, "EnumCallState", 3)
    assert found.expected.startswith("one of 0 (eCALLSTATEUNKNOWN), 1 (eCALLSTATEDESTROYED), 2 (")
    assert found.section == "3.1.11"


def test_real_system_time_is_a_checked_date_time() -> None:
    catalog = default_catalog()
    catalog.validate("AsnSystemTime", "2024-05-17T09:30:00Z")
    found = _violation(catalog, "AsnSystemTime", "17.05.2024 09:30")
    assert found.expected.startswith("a date-time string")


def test_real_result_type() -> None:
    catalog = default_catalog()
    catalog.validate("AsnGetUserTokenResult", {"sToken": "aabbcceeddeeff"})
    found = _violation(catalog, "AsnGetUserTokenResult", {"sToken": 1})
    assert (found.pointer, found.expected, found.found) == ("/sToken", "string", 1)
    found = _violation(catalog, "AsnGetUserTokenResult", {"sToken": "t", "x": 1}, strict=True)
    assert found.pointer == "/x"


# --- the compiled fast path agrees with jsonschema ---------------------------------------
# validate() asks a compiled (Rust) validator first and only consults jsonschema when that one
# rejects; a value the fast path accepted but jsonschema would reject would go unreported.

AGREEMENT_CASES: list[tuple[str, object]] = [
    ("AsnTokenVerifyResult", {"stValidTo": value, "iType": 1})
    for value in (
        "2026-11-27T09:00:00Z", "2026-11-27t09:00:00z", "2026-11-27T09:00:00.123+01:00",
        "2026-11-27T09:00:00", "2026-11-27 09:00:00Z", "2026-02-30T09:00:00Z",
        "2026-11-27T24:00:00Z", "2026-12-31T23:59:60Z", "27.11.2026", "", 0,
    )
] + [
    (
        "AsnChatPutBinaryChunkArgument",
        {"u8sConversationID": "c", "iConvSequenceID": 1, "binData": value, "bLastChunk": True},
    )
    for value in ("aGVsbG8=", "aGVsbG8=\n", "aGVsbG8", "", "****", "a b=")
] + [
    ("AsnUserTokenType", value) for value in (0, 1, 2, 1.0, True, "1", None, 2**70)
] + [
    ("AsnConversationIDChoice", value)
    for value in ({"u8sConversationID": "c"}, {}, {"u8sConversationID": "c", "u8sPartnerURI": "p"})
] + [
    ("AsnOptionalParameters", value)
    for value in ({"a": 1, "b": "x", "c": {"binarydata": "AA=="}}, {"a": 1.5}, {"a": None}, [])
]  # fmt: skip


@pytest.mark.parametrize("strict", [False, True], ids=["normal", "strict"])
@pytest.mark.parametrize(("type_name", "instance"), AGREEMENT_CASES)
def test_fast_path_agrees_with_jsonschema(type_name: str, instance: object, strict: bool) -> None:
    catalog = default_catalog()
    needs = catalog.type_info(type_name)  # the case must name a real type
    assert needs.name == type_name
    uri = catalog._type_uri(type_name)
    reference = catalog.validator_for(type_name, strict=strict).is_valid(instance)
    assert catalog._accepter(uri, strict).is_valid(instance) == reference
