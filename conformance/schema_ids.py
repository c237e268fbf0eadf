"""Identifiers of the checked-in JSON Schemas: one base URI, one dialect, two folders.

Every schema under ``schemas/`` carries an ``$id`` below :data:`BASE_URI`, so relative
``$ref``s between files (``"AsnOtherType.json"``, ``"../types/AsnLogonError.json"``) resolve
inside one :class:`referencing.Registry` without touching the network. The host is under the
reserved ``.invalid`` top-level domain, so nothing could be fetched even by mistake. The
generator (``schemagen.py``) writes these identifiers and the catalog (``catalog.py``) reads them;
both import them from here so the two cannot drift apart.
"""

from __future__ import annotations

import re

__all__ = [
    "BASE_URI",
    "PROTOCOL_VERSION",
    "SCHEMA_DIALECT",
    "STRICT_KEYWORD",
    "TYPES_DIR",
    "WEBSERVICE_DIR",
    "type_id",
    "type_ref_from_webservice",
    "webservice_id",
]

PROTOCOL_VERSION = "6.1.0.339"
BASE_URI = f"https://ucserver-conformance.invalid/{PROTOCOL_VERSION}/"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

STRICT_KEYWORD = "x-strict"
"""Keywords that apply only in strict mode: the form our reading prefers where the document
allows more (the catalog merges them into the schema that carries them)."""

TYPES_DIR = "types"
"""Folder under ``schemas/`` (and path segment under :data:`BASE_URI`) of the Asn types."""
WEBSERVICE_DIR = "webservice"
"""Folder of the chapter-1 route bodies that are not Asn types."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _checked(name: str) -> str:
    # A name becomes a file name and a URI segment: anything else is a suite bug, not data.
    if _NAME.fullmatch(name) is None:
        raise ValueError(f"not a schema name: {name!r}")
    return name


def type_id(name: str) -> str:
    """``$id`` of ``schemas/types/<name>.json``."""
    return f"{BASE_URI}{TYPES_DIR}/{_checked(name)}.json"


def webservice_id(name: str) -> str:
    """``$id`` of ``schemas/webservice/<name>.json``."""
    return f"{BASE_URI}{WEBSERVICE_DIR}/{_checked(name)}.json"


def type_ref_from_webservice(name: str) -> str:
    """Relative ``$ref`` from a webservice schema to the Asn type ``name``."""
    return f"../{TYPES_DIR}/{_checked(name)}.json"
