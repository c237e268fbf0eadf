"""ucserver-conformance: a conformance suite for the estos UCServer Client Access Protocol."""

from conformance.catalog import Catalog, default_catalog
from conformance.errors import (
    ConformanceViolation,
    LocalProtocolError,
    ProfileError,
    RemoteProtocolError,
    SchemaViolation,
    SuiteError,
    TargetUnreachable,
)

__all__ = [
    "Catalog",
    "ConformanceViolation",
    "LocalProtocolError",
    "ProfileError",
    "RemoteProtocolError",
    "SchemaViolation",
    "SuiteError",
    "TargetUnreachable",
    "default_catalog",
]
__version__ = "0.1.0"
