"""conformance.webservice and conformance.schema_ids: the chapter-1 route bodies.

The document's own JSON examples (chapter 1, copied as Python literals; line numbers refer to
schemas/source/UCServer_Client_Access_Protocol_6.1.0.339.txt) must validate, and broken variants
must fail with a SchemaViolation that points at the fault. Bodies that refer into types/ need the
generated type schemas and run against the real schemas/ (the section at the end).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conformance.catalog import SCHEMAS_DIR, Catalog, default_catalog
from conformance.errors import SchemaViolation
from conformance.schema_ids import (
    BASE_URI,
    SCHEMA_DIALECT,
    type_id,
    type_ref_from_webservice,
    webservice_id,
)
from conformance.webservice import webservice_schemas

# --- the document's examples ---------------------------------------------------------------

CREATESESSION_L185 = {"sessionid": "470977D3647E174DB9AF9A0C3567A3E7"}

WS_ERROR_L233 = {  # the PDF breaks the u8sErrorString value across L240-L241
    "error": {
        "details": "server not connected here: [local1]",
        "_type": "WsError",
        "iErrorDetail": 119,
        "u8sErrorString": "UCServer is not connected here",
    }
}

LOGON_ERROR_L248 = {
    "error": {
        "_type": "AsnLogonError",
        "iErrorDetail": 101,
        "sAuthCredetials": "",
        "u8sErrorString": "Invalid user name",
        "u8sFailedUser": "",
    },
    "error_value": 0,
    "invokedID": 44,
    "sessionID": "F157012E9D63824C80141E367C77659A",
}

INVALID_PASSWORD_L267 = {
    "error": {
        "_type": "AsnLogonError",
        "iErrorDetail": 102,
        "sAuthCredetials": "",
        "u8sErrorString": "Invalid password",
        "u8sFailedUser": "user1",
    },
    "error_value": 0,
    "invokedID": 47,
    "sessionID": "3DF920177DF16F45909D8A7A5BFE9C19",
}

# Trailing commas of L545 and L560 removed; the placeholder "base64encodedjpeg" (L540, 17
# characters, so not base64) replaced by the base64 of a JPEG's first bytes.
PUBLIC_CONTACTS_L529 = {
    "contacts": {
        "sip:hansi@testestos.de": {
            "asnRemoteContact": {
                "optionalParams": {"jpegPhoto": {"binarydata": "/9j/4AAQSkZJRg=="}},
                "u8sDisplayName": "Hansi Meier",
                "u8sEMail": "ste@estos.de",
                "u8sFirstName": "Hansi",
                "u8sLastName": "Meier",
                "u8sSIPAddress": "sip:hansi@testestos.de",
            },
            "iMonitorAccessRights": 1,
            "iPresenceState": 1610612739,
        }
    }
}

USER_TOKEN_L605 = {"sToken": "aabbcceeddeeff"}

HANSI = "/contacts/sip:hansi@testestos.de"
DELETE = object()


def _changed(instance: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A deep copy with the member at ``path`` (``a/b/c``) set, or deleted if value is DELETE."""
    changed = copy.deepcopy(instance)
    *parents, last = path.split("/")
    node = changed
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return changed


def _violation(catalog: Catalog, name: str, body: object, **kw: Any) -> SchemaViolation:
    with pytest.raises(SchemaViolation) as info:
        catalog.validate_webservice(name, body, **kw)
    return info.value


# --- schema_ids ----------------------------------------------------------------------------


def test_identifiers() -> None:
    assert BASE_URI == "https://ucserver-conformance.invalid/6.1.0.339/"
    assert SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert type_id("AsnChatEvent") == BASE_URI + "types/AsnChatEvent.json"
    assert webservice_id("WsErrorResponse") == BASE_URI + "webservice/WsErrorResponse.json"
    assert type_ref_from_webservice("AsnLogonError") == "../types/AsnLogonError.json"


@pytest.mark.parametrize("name", ["", "Asn Chat", "../AsnX", "AsnX.json", "1Asn"])
def test_identifiers_refuse_names_that_are_not_type_names(name: str) -> None:
    with pytest.raises(ValueError, match="not a schema name"):
        type_id(name)
    with pytest.raises(ValueError, match="not a schema name"):
        webservice_id(name)


# --- the schemas as data -------------------------------------------------------------------


def test_every_schema_is_identified_titled_and_cites_the_document() -> None:
    schemas = webservice_schemas()
    assert sorted(schemas) == [
        "CreateSessionResponse",
        "LogonErrorResponse",
        "PublicContactsResponse",
        "UserTokenResponse",
        "WsErrorResponse",
    ]
    for name, schema in schemas.items():
        assert schema["$schema"] == SCHEMA_DIALECT
        assert schema["$id"] == webservice_id(name)
        assert schema["title"] == name
        first, last = schema["x-source"]["lines"]
        assert f"L{first}-L{last}" in schema["description"]
        assert schema["x-source"]["section"] in {"1.3", "1.4", "1.5"}


def test_schemas_are_valid_2020_12() -> None:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    for schema in webservice_schemas().values():
        Draft202012Validator.check_schema(schema)


def test_webservice_schemas_returns_fresh_copies() -> None:
    first = webservice_schemas()
    first["WsErrorResponse"]["required"].append("x")
    assert webservice_schemas()["WsErrorResponse"]["required"] == ["error"]


def test_checked_in_files_match_the_function() -> None:
    for name, schema in webservice_schemas().items():
        text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        path = SCHEMAS_DIR / "webservice" / f"{name}.json"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale"


# --- bodies that need no type schema (a catalogue of the webservice schemas alone) ---------


@pytest.fixture
def bodies(tmp_path: Path) -> Catalog:
    folder = tmp_path / "webservice"
    folder.mkdir()
    for name, schema in webservice_schemas().items():
        (folder / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
    empty = {"protocol": "6.1.0.339", "modules": [], "operations": [], "types": {}}
    (tmp_path / "catalog.json").write_text(json.dumps(empty), encoding="utf-8")
    return Catalog.load(tmp_path)


def test_createsession_example_validates(bodies: Catalog) -> None:
    bodies.validate_webservice("CreateSessionResponse", CREATESESSION_L185)
    bodies.validate_webservice("CreateSessionResponse", {**CREATESESSION_L185, "x": 1})


@pytest.mark.parametrize(
    "session_id",
    [
        "470977d3647e174db9af9a0c3567a3e7",  # lower case
        "470977D3647E174DB9AF9A0C3567A3E",  # 31 digits
        "470977D3647E174DB9AF9A0C3567A3E70",  # 33 digits
        "470977D3647E174DB9AF9A0C3567A3E7\n",
        "470977D3-647E-174D-B9AF-9A0C3567A3E7",
        "470977G3647E174DB9AF9A0C3567A3E7",
    ],
)
def test_other_session_id_forms_pass_and_fail_only_in_strict_mode(
    bodies: Catalog, session_id: str
) -> None:
    """The document states no session id format (N17): only strict mode wants the example's."""
    bodies.validate_webservice("CreateSessionResponse", {"sessionid": session_id})
    found = _violation(bodies, "CreateSessionResponse", {"sessionid": session_id}, strict=True)
    assert (found.type_name, found.section) == ("CreateSessionResponse", "1.3")
    assert (found.pointer, found.found) == ("/sessionid", session_id)
    assert found.expected in {
        "a string matching ^[0-9A-F]{32}$",
        "at least 32 characters",
        "at most 32 characters",
    }


def test_session_id_must_not_be_empty(bodies: Catalog) -> None:
    found = _violation(bodies, "CreateSessionResponse", {"sessionid": ""})
    assert (found.pointer, found.expected) == ("/sessionid", "at least 1 characters")


def test_session_id_must_be_a_string_and_present(bodies: Catalog) -> None:
    found = _violation(bodies, "CreateSessionResponse", {"sessionid": 470977})
    assert (found.pointer, found.expected) == ("/sessionid", "string")
    found = _violation(
        bodies, "CreateSessionResponse", {"sessionID": CREATESESSION_L185["sessionid"]}
    )
    assert (found.pointer, found.expected) == ("", "required member 'sessionid'")


def test_strict_mode_reports_members_chapter_1_does_not_show(bodies: Catalog) -> None:
    found = _violation(bodies, "CreateSessionResponse", {**CREATESESSION_L185, "x": 1}, strict=True)
    assert (found.pointer, found.found) == ("/x", 1)


def test_ws_error_example_validates(bodies: Catalog) -> None:
    bodies.validate_webservice("WsErrorResponse", WS_ERROR_L233)
    bodies.validate_webservice("WsErrorResponse", WS_ERROR_L233, strict=True)
    bodies.validate_webservice("WsErrorResponse", _changed(WS_ERROR_L233, "error/details", DELETE))
    bodies.validate_webservice("WsErrorResponse", _changed(WS_ERROR_L233, "error/_type", DELETE))
    # Any name: receivers never reject a _type (protocol-notes §4); strict mode reports it.
    other = _changed(WS_ERROR_L233, "error/_type", "AsnRequestError")
    bodies.validate_webservice("WsErrorResponse", other)
    found = _violation(bodies, "WsErrorResponse", other, strict=True)
    assert (found.pointer, found.expected) == ("/error/_type", 'one of "WsError"')


@pytest.mark.parametrize(
    ("path", "value", "pointer", "expected"),
    [
        ("error/iErrorDetail", "119", "/error/iErrorDetail", "integer"),
        ("error/iErrorDetail", DELETE, "/error", "required member 'iErrorDetail'"),
        ("error/u8sErrorString", DELETE, "/error", "required member 'u8sErrorString'"),
        ("error/_type", 119, "/error/_type", "string"),
        ("error/details", ["server not connected"], "/error/details", "string"),
        ("error", "UCServer is not connected here", "/error", "object"),
    ],
)
def test_broken_ws_errors_fail(
    bodies: Catalog, path: str, value: object, pointer: str, expected: str
) -> None:
    body = _changed(WS_ERROR_L233, path, value)
    found = _violation(bodies, "WsErrorResponse", body)
    assert (found.pointer, found.expected) == (pointer, expected)


# --- bodies referring into types/ ----------------------------------------------------------


@pytest.mark.parametrize("body", [LOGON_ERROR_L248, INVALID_PASSWORD_L267], ids=["L248", "L267"])
def test_logon_error_examples_validate(body: dict[str, Any]) -> None:
    default_catalog().validate_webservice("LogonErrorResponse", body)
    default_catalog().validate_webservice("LogonErrorResponse", body, strict=True)
    without_session = _changed(body, "sessionID", DELETE)
    default_catalog().validate_webservice("LogonErrorResponse", without_session)


@pytest.mark.parametrize(
    ("path", "value", "pointer", "expected_start"),
    [
        ("error/iErrorDetail", "101", "/error/iErrorDetail", "integer"),
        ("error/u8sErrorString", DELETE, "/error", "required member 'u8sErrorString'"),
        ("invokedID", DELETE, "", "required member 'invokedID'"),
        ("error_value", "0", "/error_value", "integer"),
        ("sessionID", 44, "/sessionID", "string"),
    ],
)
def test_broken_logon_errors_fail(
    path: str, value: object, pointer: str, expected_start: str
) -> None:
    body = _changed(LOGON_ERROR_L248, path, value)
    found = _violation(default_catalog(), "LogonErrorResponse", body)
    assert found.pointer == pointer
    assert found.expected.startswith(expected_start)
    assert found.section == "1.3"


def test_public_contacts_example_validates() -> None:
    default_catalog().validate_webservice("PublicContactsResponse", PUBLIC_CONTACTS_L529)
    default_catalog().validate_webservice("PublicContactsResponse", {"contacts": {}})


def test_public_contact_optional_params_in_the_array_form_pass_and_strict_reports_them() -> None:
    """The document's array form (L23771-L23861) is allowed; servers send the object (N1)."""
    as_array = [{"key": "jpegPhoto", "value": {"binarydata": "/9j/4AAQSkZJRg=="}}]
    body = _changed(PUBLIC_CONTACTS_L529, f"{HANSI[1:]}/asnRemoteContact/optionalParams", as_array)
    default_catalog().validate_webservice("PublicContactsResponse", body)
    found = _violation(default_catalog(), "PublicContactsResponse", body, strict=True)
    assert found.pointer == f"{HANSI}/asnRemoteContact/optionalParams"
    assert found.found == as_array


@pytest.mark.parametrize(
    ("member", "value", "expected_start"),
    [
        ("iPresenceState", "1610612739", "integer"),
        ("iPresenceState", DELETE, "required member 'iPresenceState'"),
        ("asnRemoteContact", DELETE, "required member 'asnRemoteContact'"),
        ("iMonitorAccessRights", 1.5, "integer"),
    ],
)
def test_broken_public_contacts_fail(member: str, value: object, expected_start: str) -> None:
    body = _changed(PUBLIC_CONTACTS_L529, f"{HANSI[1:]}/{member}", value)
    found = _violation(default_catalog(), "PublicContactsResponse", body)
    assert found.pointer == (HANSI if value is DELETE else f"{HANSI}/{member}")
    assert found.expected.startswith(expected_start)


def test_user_token_example_validates() -> None:
    default_catalog().validate_webservice("UserTokenResponse", USER_TOKEN_L605)


def test_broken_user_tokens_fail() -> None:
    found = _violation(default_catalog(), "UserTokenResponse", {"token": "aabbcceeddeeff"})
    assert (found.pointer, found.expected) == (
        "",
        "required member 'sToken' (AsnGetUserTokenResult, section 11.1.17)",
    )
    found = _violation(default_catalog(), "UserTokenResponse", {"sToken": 12})
    assert (found.pointer, found.found) == ("/sToken", 12)
