"""Shared fixtures of the project's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.document.model import Document
from conformance.document.parse import parse_file
from conformance.schemagen import ROOT, SOURCE

SCHEMAS = ROOT
DOCUMENT = ROOT / SOURCE


@pytest.fixture(scope="session")
def document() -> Document:
    """The parsed protocol document (parsed once per test run)."""
    return parse_file(DOCUMENT)


@pytest.fixture(scope="session")
def document_text() -> list[str]:
    """The raw document, one entry per line, for tests that cite line numbers."""
    return Path(DOCUMENT).read_text(encoding="utf-8").split("\n")
