"""JSON Schemas of the chapter-1 route bodies that are not Asn types.

Chapter 1 of the document ("UCServer WebService Protocol 6.1.0.339") shows a few HTTP bodies
that no Asn type describes: the createsession answer, the 502 and 400 error bodies, the anonymous
``/ws/public/contacts`` list and the bare ``/ws/direct/asnGetUserToken`` result. This module
states them once as data; the generator writes them to ``schemas/webservice/<Name>.json`` and the
catalog validates against them (``Catalog.validate_webservice``). Where they embed an Asn type
they refer to ``schemas/types/`` instead of repeating it.

Each schema cites the document lines it was read from in ``description`` and, machine-readably,
in ``x-source`` (``section`` of chapter 1 and the inclusive ``lines`` range). Like the Asn
object schemas they allow members they do not name (servers add members over versions); the
catalog's strict mode reports those.
"""

from __future__ import annotations

from typing import Any

from conformance.schema_ids import (
    SCHEMA_DIALECT,
    STRICT_KEYWORD,
    type_ref_from_webservice,
    webservice_id,
)

__all__ = ["SESSION_ID_PATTERN", "webservice_schemas"]

SESSION_ID_PATTERN = "^[0-9A-F]{32}$"
"""32 upper-case hex digits, as the createsession example (L187) and protocol-notes §1 give it;
checked in strict mode only (the document states no format, N17)."""

_SOURCE = "UCServer_Client_Access_Protocol_6.1.0.339.txt"


def _schema(
    name: str, section: str, lines: tuple[int, int], description: str, body: dict[str, Any]
) -> dict[str, Any]:
    first, last = lines
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": webservice_id(name),
        "title": name,
        "description": f"{description} (document section {section}, {_SOURCE} L{first}-L{last})",
        "x-source": {"section": section, "lines": [first, last]},
        **body,
    }


def _create_session_response() -> dict[str, Any]:
    return _schema(
        "CreateSessionResponse",
        "1.3",
        (172, 189),
        "HTTP 200 body of /ws/client/createsession: the id of the new user session, sent back "
        "by later calls in the X-ucsessionid header. The document states no format (N17): "
        "any non-empty string; strict mode also wants the example's 32 upper-case hex digits",
        {
            "type": "object",
            "properties": {
                "sessionid": {
                    "type": "string",
                    "minLength": 1,
                    # Length bounds as well as the pattern: Python's `$` also matches before
                    # a trailing newline, which must not pass for a session id.
                    STRICT_KEYWORD: {
                        "pattern": SESSION_ID_PATTERN,
                        "minLength": 32,
                        "maxLength": 32,
                    },
                },
            },
            "required": ["sessionid"],
        },
    )


def _ws_error_response() -> dict[str, Any]:
    return _schema(
        "WsErrorResponse",
        "1.3",
        (231, 244),
        "HTTP 502 body for an invalid UCSID or a UCServer that is not connected here. WsError "
        "is defined nowhere else in the document; its only documented iErrorDetail is 119 "
        "('UCServer is not connected here'), which the suite checks per route rather than here, "
        "so that other WsError codes still parse. 'details' is a free-text diagnostic and "
        "optional; '_type' may be omitted, as senders may omit every _type member",
        {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "_type": {"type": "string", "x-names": ["WsError"]},
                        "iErrorDetail": {"type": "integer"},
                        "u8sErrorString": {"type": "string"},
                        "details": {"type": "string"},
                    },
                    "required": ["iErrorDetail", "u8sErrorString"],
                },
            },
            "required": ["error"],
        },
    )


def _logon_error_response() -> dict[str, Any]:
    return _schema(
        "LogonErrorResponse",
        "1.3",
        (245, 279),
        "HTTP 400 body of a failed logon with a token or query credentials: the ROSE error "
        "envelope around an AsnLogonError (iErrorDetail from AsnLogonErrorEnum, e.g. 101 "
        "invalid user name, 102 invalid password). 'sessionID' is optional and not constrained "
        "in form: both document examples (L245-L279) carry a 32-hex-digit id, but /ws/direct "
        "creates no session (L32-L36) and ROSE error envelopes carry sessionID only "
        "optionally. The spellings invokedID and error_value are the server's",
        {
            "type": "object",
            "properties": {
                "error": {"$ref": type_ref_from_webservice("AsnLogonError")},
                "error_value": {"type": "integer"},
                "invokedID": {"type": "integer"},
                "sessionID": {"type": "string"},
            },
            "required": ["error", "error_value", "invokedID"],
        },
    )


def _public_contacts_response() -> dict[str, Any]:
    contact = {
        "type": "object",
        "description": "One public contact: the subset of AsnContact that /ws/public exposes",
        "properties": {
            "asnRemoteContact": {"$ref": type_ref_from_webservice("AsnNetDatabaseContact")},
            "iMonitorAccessRights": {"type": "integer"},
            "iPresenceState": {"type": "integer"},
        },
        "required": ["asnRemoteContact", "iMonitorAccessRights", "iPresenceState"],
    }
    return _schema(
        "PublicContactsResponse",
        "1.4",
        (523, 566),
        "HTTP 200 body of the anonymous GET /ws/public/contacts: an object keyed by the "
        "contact's SIP URI. asnRemoteContact is an AsnNetDatabaseContact (the type AsnContact "
        "and AsnPresenceState use for the member of that name), so its optionalParams take the "
        "object form the example shows, which real servers send, not the array form of "
        "section 25.1.12. The document's example has "
        "trailing commas (L545, L560); a real server must send valid JSON",
        {
            "type": "object",
            "properties": {
                "contacts": {"type": "object", "additionalProperties": {"$ref": "#/$defs/contact"}},
            },
            "required": ["contacts"],
            "$defs": {"contact": contact},
        },
    )


def _user_token_response() -> dict[str, Any]:
    return _schema(
        "UserTokenResponse",
        "1.5",
        (584, 609),
        "HTTP 200 body of /ws/direct/asnGetUserToken: the bare AsnGetUserTokenResult (sToken, "
        "the JWT), not wrapped in a ROSE result envelope, as the document's example shows",
        {"$ref": type_ref_from_webservice("AsnGetUserTokenResult")},
    )


def webservice_schemas() -> dict[str, dict[str, Any]]:
    """Every chapter-1 body schema, keyed by name (the file is ``<name>.json``), freshly built."""
    schemas = [
        _create_session_response(),
        _ws_error_response(),
        _logon_error_response(),
        _public_contacts_response(),
        _user_token_response(),
    ]
    return {schema["title"]: schema for schema in schemas}
